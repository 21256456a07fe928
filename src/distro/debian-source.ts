// Debian's `linux` source package's packaging (the debian/ directory: config hierarchy, patches, changelog),
// fetched with `apt-get source --download-only --diff-only` from a deb-src entry and cached by version.
// The archive's index may list versions whose files are gone (security pool 404s), so versions are tried
// newest first until one downloads (or the source tree's own version first, when asked), and the ones that failed
// are remembered while apt's Sources indexes stay the same. The machine's own release uses the system's apt (adding a deb-src entry when
// needed); another release (trixie) uses a private apt state under the cache (debian-apt.ts).
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cacheDir, hashOf } from '../util/cache.js';
import { isRoot } from '../util/deps.js';
import { populateDirAtomic, writeFileAtomic } from '../util/atomic.js';
import { envError } from '../util/errors.js';
import { type PrivateApt, aptSourceVersions as privateSourceVersions, privateApt } from './debian-apt.js';

const DEB_SRC_LIST = '/etc/apt/sources.list.d/kdk-deb-src.sources';

/** Where one version's packaging is extracted, and whether it already is. */
const packagingDir = (v: string) => join(cacheDir('debian'), `linux-packaging_${v}`);
const extracted = (v: string) => existsSync(join(packagingDir(v), 'debian', 'changelog'));

export interface DebianPackaging {
  /** Directory holding `debian/`. */
  dir: string;
  version: string;
}

/** The versions of Debian's packaging already extracted in the cache, without any look-up or download. */
export function cachedPackagings(): DebianPackaging[] {
  let names: string[];
  try {
    names = readdirSync(cacheDir('debian'));
  } catch {
    return [];
  }
  return names
    .map((n) => /^linux-packaging_(.+)$/.exec(n)?.[1])
    .filter((v): v is string => v !== undefined && extracted(v))
    .map((v) => ({ dir: packagingDir(v), version: v }));
}

const aptSourceVersions = (pkg: string) => privateSourceVersions(pkg);

/** The machine's own Debian release (VERSION_CODENAME in /etc/os-release), whose apt state kdk uses as is. */
export function systemRelease(): string | undefined {
  try {
    return /^VERSION_CODENAME=(\S+)$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** Add a deb-src entry mirroring the machine's deb entries (as root), then refresh the package lists. */
function ensureDebSrc(log: (l: string) => void): string[] {
  const known = aptSourceVersions('linux');
  if (known.length > 0) return known;
  if (!isRoot())
    throw envError('no deb-src entry for Debian', `add a deb-src line for your mirror, then: apt-get update`);
  const deb = '/etc/apt/sources.list.d/debian.sources';
  if (!existsSync(deb)) throw envError(`cannot derive a deb-src entry: ${deb} is missing`);
  log(`kdk: adding ${DEB_SRC_LIST} and running apt-get update`);
  writeFileSync(DEB_SRC_LIST, readFileSync(deb, 'utf8').replace(/^Types: deb$/gm, 'Types: deb-src'));
  spawnSync('apt-get', ['update', '-q'], { stdio: 'ignore' });
  return aptSourceVersions('linux');
}

/**
 * What kdk learnt about Debian's `linux` packaging from one state of apt's Sources indexes: the newest version
 * that downloaded, and the versions the archive listed but did not serve (each failed `apt-get source` costs a
 * second or more). Valid while the indexes are unchanged (same `stamp`).
 */
interface Lookups {
  stamp: string;
  latest?: string;
  failed: string[];
}

/**
 * A stamp of the system's Sources indexes (names, sizes, mtimes of the *_Sources files): unchanged by
 * `apt-get install`, or by an `apt-get update` that fetched nothing new, unlike the lists directory's mtime.
 */
function systemSourcesStamp(lists = '/var/lib/apt/lists'): string {
  try {
    const files = readdirSync(lists)
      .filter((f) => f.endsWith('_Sources'))
      .sort();
    return hashOf(...files.map((f) => `${f}:${statSync(join(lists, f)).size}:${statSync(join(lists, f)).mtimeMs}`));
  } catch {
    return '';
  }
}

function lookupsFile(release: string): string {
  return join(cacheDir('debian'), `linux-packaging.${release}.lookups.json`);
}

function readLookups(file: string, stamp: string): Lookups {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Lookups;
    if (saved.stamp === stamp && Array.isArray(saved.failed)) return saved;
  } catch {
    /* nothing remembered yet */
  }
  return { stamp, failed: [] };
}

export interface PackagingRequest {
  /** Another Debian release than the machine's (through a private apt state). */
  release?: string;
  /** Exactly this version (an error when it cannot be fetched). */
  version?: string;
  /** This version if the archive serves it (the source tree's own), else the newest that downloads. */
  prefer?: string;
  log?: (l: string) => void;
}

/** The newest fetchable (or the given) version of Debian's `linux` source packaging, extracted into the cache. */
export function debianPackaging(opts: PackagingRequest = {}): DebianPackaging {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const at = (v: string): DebianPackaging => ({ dir: packagingDir(v), version: v });
  for (const v of [opts.version, opts.prefer]) if (v && extracted(v)) return at(v);
  const apt = opts.release && opts.release !== systemRelease() ? privateApt(opts.release, log) : undefined;
  const file = lookupsFile(apt ? apt.release : 'system');
  // Listed once, on the first download: a deb-src entry must exist first, or every download fails.
  let listed: string[] | undefined;
  const known = () => (listed ??= apt ? privateSourceVersions('linux', apt) : ensureDebSrc(log));
  let memo = readLookups(file, apt ? apt.stamp : systemSourcesStamp());
  const tryFetch = (v: string): boolean => {
    if (memo.failed.includes(v)) return false;
    if (!listed) {
      known();
      // Adding the deb-src entry updated the indexes: what was remembered no longer holds.
      if (!apt) memo = readLookups(file, systemSourcesStamp());
    }
    if (fetchOne(v, apt?.args ?? [], log)) return true;
    memo.failed.push(v);
    writeFileAtomic(file, JSON.stringify(memo));
    return false;
  };
  if (opts.version) {
    if (tryFetch(opts.version)) return at(opts.version);
    throw noVersion(apt, `linux ${opts.version} is not downloadable`);
  }
  if (opts.prefer) {
    if (tryFetch(opts.prefer)) return at(opts.prefer);
    log(`kdk: linux ${opts.prefer} (the source tree's version) is not downloadable; using the newest that is`);
  }
  if (memo.latest && extracted(memo.latest)) return at(memo.latest);
  const candidates = known();
  if (candidates.length === 0) throw noVersion(apt, `the Sources index lists no 'linux' source package`);
  const v = candidates.find((c) => extracted(c) || tryFetch(c));
  if (!v) throw noVersion(apt, `no version of Debian's linux source package could be downloaded`);
  memo.latest = v;
  writeFileAtomic(file, JSON.stringify(memo));
  return at(v);
}

function noVersion(apt: PrivateApt | undefined, message: string): Error {
  return envError(
    message,
    apt
      ? `the private apt state for ${apt.release} is in ${apt.dir}`
      : 'check the deb-src entry (apt-cache showsrc linux)',
  );
}

/** Download and extract one version's packaging; false (with a line said) when the archive does not serve it. */
function fetchOne(v: string, aptArgs: string[], log: (l: string) => void): boolean {
  const dl = join(cacheDir('debian'), 'downloads');
  mkdirSync(dl, { recursive: true });
  const r = spawnSync('apt-get', [...aptArgs, 'source', '--download-only', '--diff-only', `linux=${v}`], {
    cwd: dl,
    encoding: 'utf8',
  });
  const tarball = readdirSync(dl).find((f) => f === `linux_${v.replace(/^\d+:/, '')}.debian.tar.xz`);
  if (r.status !== 0 || !tarball) {
    log(`kdk: linux ${v}: not downloadable (remembered until apt's Sources indexes change)`);
    return false;
  }
  populateDirAtomic(packagingDir(v), (tmp) => {
    const x = spawnSync('tar', ['-xf', join(dl, tarball), '-C', tmp], { encoding: 'utf8' });
    if (x.status !== 0) throw envError(`tar failed on ${tarball}: ${x.stderr}`);
  });
  return true;
}
