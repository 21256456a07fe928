// The kernel config Debian shipped for one flavour of another release (trixie), at one version: the ground truth
// a composed hierarchy is checked against. Two packages carry it:
// - linux-config-<series> holds every flavour's config of one architecture, with rules.real's sed having deleted
//   MODULE_SIG_ALL, MODULE_SIG_KEY, SYSTEM_TRUSTED_KEYS and BUILD_SALT;
// - linux-headers-<abi>-<flavour> holds the build's own .config, complete (the same file /boot/config-* is cut
//   from, with the same four deletions), in a 3 MB package instead of the 108 MB image.
// The archive keeps linux-config only at the newest versions, while the packaging (.debian.tar.xz) of those is
// often not yet or no longer served, so the headers package is the fallback that matches any packaging version.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cacheDir } from '../util/cache.js';
import { populateDirAtomic } from '../util/atomic.js';
import { KdkError, ExitCode } from '../util/errors.js';
import { aptBinaryVersions, aptDownload, privateApt } from './debian-apt.js';
import { kernelSeries } from './debian.js';

export interface ShippedConfig {
  path: string;
  /** The package and version it came from. */
  source: string;
  /** Options Debian deleted from this copy (compare without them). */
  stripped: string[];
}

/** rules.real: `sed '/CONFIG_\(MODULE_SIG_\(ALL\|KEY\)\|SYSTEM_TRUSTED_KEYS\|BUILD_SALT\)[ =]/d'`. */
export const STRIPPED_BY_DEBIAN = ['MODULE_SIG_ALL', 'MODULE_SIG_KEY', 'SYSTEM_TRUSTED_KEYS', 'BUILD_SALT'];

function extract(deb: string, member: string, out: string, xz: boolean): void {
  populateDirAtomic(out, (tmp) => {
    const script = `dpkg-deb --fsys-tarfile "$1" | tar -xO "$2" ${xz ? '| xz -dc ' : ''}> "$3/config"`;
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', script, 'x', deb, member, tmp], { encoding: 'utf8' });
    if (r.status !== 0) {
      throw new KdkError(`extracting ${member} from ${deb} failed: ${r.stderr.trim()}`, {
        exitCode: ExitCode.environment,
      });
    }
  });
}

/**
 * The shipped config of arch/featureset/flavour at `version` (abiname e.g. 6.12.107+deb13), cached under
 * ~/.cache/kdk/debian/shipped/. Only the machine's architecture: the private apt lists carry its Packages only.
 */
export function debianShippedConfig(
  release: string,
  version: string,
  id: { arch: string; featureset: string; flavour: string },
  abiname: string,
  log: (l: string) => void = (l) => process.stderr.write(l + '\n'),
): ShippedConfig {
  const apt = privateApt(release, log);
  const series = kernelSeries(version);
  const triplet = `${id.arch}_${id.featureset}_${id.flavour}`;
  const debs = join(cacheDir('debian'), 'debs');
  const configPkg = `linux-config-${series}`;
  const headersPkg = `linux-headers-${abiname}${id.featureset === 'none' ? '' : `-${id.featureset}`}-${id.flavour}`;
  const viaConfig = aptBinaryVersions(configPkg, apt).includes(version);
  const pkg = viaConfig ? configPkg : headersPkg;
  const out = join(cacheDir('debian'), 'shipped', `${pkg}_${version}${viaConfig ? `_${triplet}` : ''}`);
  const result = {
    path: join(out, 'config'),
    source: `${pkg} ${version}`,
    stripped: viaConfig ? STRIPPED_BY_DEBIAN : [],
  };
  if (existsSync(result.path)) return result;
  log(`kdk: apt-get download ${pkg}=${version} (${release}) for its shipped config`);
  const { deb, error } = aptDownload(pkg, version, debs, apt);
  if (!deb) {
    throw new KdkError(`no shipped config for ${triplet} at ${version}: apt-get download ${pkg} failed: ${error}`, {
      exitCode: ExitCode.environment,
      hint: `apt-cache ${apt.args.join(' ')} policy ${configPkg} ${headersPkg}`,
    });
  }
  if (viaConfig) extract(deb, `./usr/src/${configPkg}/config.${triplet}.xz`, out, true);
  else extract(deb, `./usr/src/${headersPkg}/.config`, out, false);
  return result;
}
