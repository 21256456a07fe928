// A flat distro config: one file holding the whole .config, possibly compressed (Debian's linux-config-6.1
// ships config.ARCH_FEATURESET_FLAVOUR.xz; /proc/config.gz is gzip).
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { envError, inputError } from '../util/errors.js';
import { type ConfigMap, type ConfigEntryOrigin, parseConfig } from './config-file.js';

export function readFlatConfigText(path: string): string {
  if (!existsSync(path)) throw inputError(`config file not found: ${path}`);
  const b = readFileSync(path);
  if (b[0] === 0x1f && b[1] === 0x8b) return gunzipSync(b).toString('utf8');
  if (b.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) {
    const r = spawnSync('xz', ['-dc', path], { maxBuffer: 256 * 1024 * 1024 });
    if (r.error) throw envError(`cannot run xz for ${path}`, 'apt-get install -y xz-utils');
    if (r.status !== 0) throw inputError(`xz could not decompress: ${r.stderr.toString().trim()}`, path);
    return r.stdout.toString('utf8');
  }
  return b.toString('utf8');
}

export function readFlatConfig(path: string, origins?: Map<string, ConfigEntryOrigin>): ConfigMap {
  return parseConfig(readFlatConfigText(path), path, origins);
}

/** Debian's flat naming: config.amd64_none_amd64(.xz) → its (arch, featureset, flavour). */
export function flatConfigId(name: string): { arch: string; featureset: string; flavour: string } | undefined {
  const m = /^config\.([^_]+)_([^_]+)_(.+?)(\.xz|\.gz)?$/.exec(name);
  return m ? { arch: m[1], featureset: m[2], flavour: m[3] } : undefined;
}
