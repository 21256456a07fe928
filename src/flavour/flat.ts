// A flat distro config: one file holding the whole .config, possibly compressed (Debian's linux-config-6.1
// ships config.ARCH_FEATURESET_FLAVOUR.xz; /proc/config.gz is gzip).
import { existsSync } from 'node:fs';
import { inputError } from '../util/errors.js';
import { type ConfigMap, type ConfigEntryOrigin, parseConfigMap, readConfigFile } from '../kconfig/index.js';

/** The text of a flat config, decompressed, by the Kconfig stage's one reader (binary files refused). */
export function readFlatConfigText(path: string): string {
  if (!existsSync(path)) throw inputError(`config file not found: ${path}`);
  return readConfigFile(path, 'utf8').text;
}

/** A flat base config: a line that is not a config line is refused, as for the distro's own config files. */
export function readFlatConfig(path: string, origins?: Map<string, ConfigEntryOrigin>): ConfigMap {
  return parseConfigMap(readFlatConfigText(path), path, { origins, strict: true });
}

/** Debian's flat naming: config.amd64_none_amd64(.xz) → its (arch, featureset, flavour). */
export function flatConfigId(name: string): { arch: string; featureset: string; flavour: string } | undefined {
  const m = /^config\.([^_]+)_([^_]+)_(.+?)(\.xz|\.gz)?$/.exec(name);
  return m ? { arch: m[1], featureset: m[2], flavour: m[3] } : undefined;
}
