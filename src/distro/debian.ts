// Debian's kernel source and config packages, extracted once into the cache and keyed by the package version,
// so every stage and test shares one tree (`~/.cache/kdk/trees/linux-source-<version>/`).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { cacheDir, hashOf } from '../util/cache.js';
import { debVersion, ensurePackages } from '../util/deps.js';
import { populateDirAtomic } from '../util/atomic.js';
import { KdkError, ExitCode } from '../util/errors.js';
import { aptDownload, privateApt } from './debian-apt.js';

export const DEBIAN_KERNEL_SERIES = '6.1';
const SOURCE_PKG = `linux-source-${DEBIAN_KERNEL_SERIES}`;
// Always installed together, so both come from the same package lists: on a fresh machine, installing
// linux-config-6.1 later (after another stage's apt-get update) made apt upgrade linux-source-6.1 too (it is
// the config package's Recommends, same source package), changing the tree under stages that had already used it.
const CONFIG_PKG = `linux-config-${DEBIAN_KERNEL_SERIES}`;

/** Build dependencies for configuring and building the kernel (conf, make olddefconfig, bzImage). */
export const KERNEL_BUILD_PACKAGES = [
  'make',
  'gcc',
  'flex',
  'bison',
  'bc',
  'libelf-dev',
  'libssl-dev',
  'dwarves',
  'xz-utils',
  'cpio',
  'kmod',
];

export interface SourceTree {
  dir: string;
  version: string;
}

/**
 * Debian's kernel source tree (linux-source-6.1), apt-installed when missing (as root) and extracted into
 * the cache on first use. Returns the tree's directory.
 */
export function debianSourceTree(log: (l: string) => void = (l) => process.stderr.write(l + '\n')): SourceTree {
  ensurePackages([SOURCE_PKG, CONFIG_PKG, ...KERNEL_BUILD_PACKAGES], log);
  const version = debVersion(SOURCE_PKG)!;
  const tarball = `/usr/src/${SOURCE_PKG}.tar.xz`;
  const dir = join(cacheDir('trees'), `${SOURCE_PKG}_${version}`);
  const top = join(dir, SOURCE_PKG);
  if (existsSync(join(top, 'Makefile'))) return { dir: top, version };
  log(`kdk: extracting ${tarball} into ${dir} (once; about a minute)`);
  populateDirAtomic(dir, (tmp) => {
    const r = spawnSync('tar', ['-xf', tarball, '-C', tmp], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) throw new KdkError(`tar failed on ${tarball}: ${r.stderr}`, { exitCode: ExitCode.environment });
  });
  if (!existsSync(join(top, 'Makefile'))) throw new KdkError(`${tarball} did not contain ${SOURCE_PKG}/Makefile`);
  return { dir: top, version };
}

/**
 * Another version of Debian's kernel source (e.g. an older stable update, to measure the rebuild after moving
 * between versions): `apt-get download linux-source-6.1=VERSION` into the cache, never installed over the
 * system's own, and extracted beside the current tree under a version-keyed directory.
 */
export function debianSourceTreeAt(
  version: string,
  log: (l: string) => void = (l) => process.stderr.write(l + '\n'),
): SourceTree {
  if (!/^[0-9][A-Za-z0-9.+~:-]*$/.test(version)) {
    throw new KdkError(`not a Debian version: '${version}'`, { exitCode: ExitCode.usage });
  }
  ensurePackages(KERNEL_BUILD_PACKAGES, log);
  const dir = join(cacheDir('trees'), `${SOURCE_PKG}_${version}`);
  const top = join(dir, SOURCE_PKG);
  if (existsSync(join(top, 'Makefile'))) return { dir: top, version };
  const debs = join(cacheDir('debian'), 'debs');
  mkdirSync(debs, { recursive: true });
  const deb = join(debs, `${SOURCE_PKG}_${version.replace(/^\d+:/, '')}_all.deb`);
  if (!existsSync(deb)) {
    log(`kdk: apt-get download ${SOURCE_PKG}=${version}`);
    const r = spawnSync('apt-get', ['download', `${SOURCE_PKG}=${version}`], { cwd: debs, encoding: 'utf8' });
    if (r.status !== 0 || !existsSync(deb)) {
      throw new KdkError(`apt-get download ${SOURCE_PKG}=${version} failed: ${r.stderr.trim()}`, {
        exitCode: ExitCode.environment,
        hint: `apt-cache policy ${SOURCE_PKG} lists the versions apt can fetch`,
      });
    }
  }
  log(`kdk: extracting ${SOURCE_PKG} ${version} into ${dir} (once; about a minute)`);
  extractSourceDeb(deb, SOURCE_PKG, dir);
  return { dir: top, version };
}

/** linux-source-<series> for a Debian linux version: '6.12.107-1' → '6.12'. */
export function kernelSeries(version: string): string {
  const m = /^(?:\d+:)?(\d+\.\d+)/.exec(version);
  if (!m) throw new KdkError(`not a Debian linux version: '${version}'`, { exitCode: ExitCode.usage });
  return m[1];
}

/**
 * Another release's kernel source (trixie's linux-source-6.12 on this bookworm machine) at the given version, to
 * match its packaging: downloaded with that release's private apt state, never installed, and extracted into
 * ~/.cache/kdk/trees/linux-source-<series>_<version>/. The .deb is deleted once the tree is in place: the tree is
 * the cache.
 */
export function debianReleaseSourceTree(
  release: string,
  version: string,
  log: (l: string) => void = (l) => process.stderr.write(l + '\n'),
): SourceTree {
  const pkg = `linux-source-${kernelSeries(version)}`;
  ensurePackages(KERNEL_BUILD_PACKAGES, log);
  const dir = join(cacheDir('trees'), `${pkg}_${version}`);
  const top = join(dir, pkg);
  if (existsSync(join(top, 'Makefile'))) return { dir: top, version };
  const apt = privateApt(release, log);
  log(`kdk: apt-get download ${pkg}=${version} (${release}; about 150 MB, once)`);
  const { deb, error } = aptDownload(pkg, version, join(cacheDir('debian'), 'debs'), apt);
  if (!deb) {
    throw new KdkError(`apt-get download ${pkg}=${version} failed: ${error}`, {
      exitCode: ExitCode.environment,
      hint: `apt-cache ${apt.args.join(' ')} policy ${pkg}`,
    });
  }
  log(`kdk: extracting ${pkg} ${version} into ${dir} (once; about a minute)`);
  extractSourceDeb(deb, pkg, dir);
  rmSync(deb, { force: true });
  return { dir: top, version };
}

/** Stream /usr/src/<pkg>.tar.xz out of a linux-source .deb and unpack the tree into `dir` (atomically). */
function extractSourceDeb(deb: string, pkg: string, dir: string): void {
  populateDirAtomic(dir, (tmp) => {
    const script = `dpkg-deb --fsys-tarfile "$1" | tar -xO ./usr/src/${pkg}.tar.xz | tar -xJ -C "$2"`;
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', script, 'x', deb, tmp], {
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new KdkError(`extracting ${deb} failed: ${r.stderr}`, { exitCode: ExitCode.environment });
  });
  if (!existsSync(join(dir, pkg, 'Makefile'))) throw new KdkError(`${deb} did not contain ${pkg}/Makefile`);
}

export interface DebianConfig {
  arch: string;
  featureset: string;
  flavour: string;
  /** Decompressed copy in the cache. */
  path: string;
  /** The file as the package installs it (xz-compressed). */
  xz: string;
}

/** Debian's shipped kernel configs (linux-config-6.1), decompressed into the cache. */
export function debianConfigs(log: (l: string) => void = (l) => process.stderr.write(l + '\n')): DebianConfig[] {
  ensurePackages([SOURCE_PKG, CONFIG_PKG, 'xz-utils'], log);
  const src = `/usr/src/${CONFIG_PKG}`;
  const version = debVersion(CONFIG_PKG)!;
  const out = join(cacheDir('debian'), `${CONFIG_PKG}_${version}`);
  const names = readdirSync(src).filter((n) => /^config\..+_.+_.+\.xz$/.test(n));
  if (!existsSync(out) || readdirSync(out).length < names.length) {
    populateDirAtomic(out, (tmp) => {
      for (const n of names) {
        const r = spawnSync('sh', ['-c', `xz -dc "$1" > "$2"`, 'sh', join(src, n), join(tmp, n.replace(/\.xz$/, ''))]);
        if (r.status !== 0) throw new KdkError(`xz failed on ${join(src, n)}`, { exitCode: ExitCode.environment });
      }
    });
  }
  return names.map((n) => {
    const [arch, featureset, flavour] = n
      .replace(/^config\./, '')
      .replace(/\.xz$/, '')
      .split('_');
    return { arch, featureset, flavour, path: join(out, n.replace(/\.xz$/, '')), xz: join(src, n) };
  });
}

export function debianConfig(arch: string, featureset = 'none', flavour = arch): DebianConfig {
  const found = debianConfigs().find((c) => c.arch === arch && c.featureset === featureset && c.flavour === flavour);
  if (!found) throw new KdkError(`Debian ships no config for ${arch}/${featureset}/${flavour} in ${CONFIG_PKG}`);
  return found;
}

/** Identity of a tree for cache keys: the package version is enough for Debian trees. */
export function treeKey(tree: SourceTree): string {
  return hashOf(tree.dir, tree.version).slice(0, 16);
}

/** Read a file that may be gzip-compressed (e.g. /proc/config.gz). */
export function readMaybeGz(path: string): Buffer {
  const b = readFileSync(path);
  return b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b;
}
