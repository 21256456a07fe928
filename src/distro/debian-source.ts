// Debian's `linux` source package's packaging (the debian/ directory: config hierarchy, patches, changelog),
// fetched with `apt-get source --download-only --diff-only` from a deb-src entry and cached by version.
// The archive's index may list versions whose files are gone (security pool 404s), so versions are tried
// newest first until one downloads. The machine's own release uses the system's apt (adding a deb-src entry when
// needed); another release (trixie) uses a private apt state under the cache (debian-apt.ts).
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cacheDir } from '../util/cache.js';
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
 * The version picked last time, while apt's package lists are unchanged: resolving it again costs an
 * `apt-cache showsrc`, a version sort and possibly failed downloads (seconds per call).
 */
function rememberedVersion(root: string): { stamp: string; version?: string } {
  let stamp = '';
  try {
    stamp = String(statSync('/var/lib/apt/lists').mtimeMs);
  } catch {
    /* no apt lists: nothing to remember */
  }
  try {
    const saved = JSON.parse(readFileSync(join(root, 'linux-packaging.latest.json'), 'utf8')) as {
      stamp: string;
      version: string;
    };
    if (saved.stamp === stamp && extracted(saved.version)) {
      return { stamp, version: saved.version };
    }
  } catch {
    /* nothing remembered yet */
  }
  return { stamp };
}

/** The newest fetchable (or the given) version of Debian's `linux` source packaging, extracted into the cache. */
export function debianPackaging(
  opts: { release?: string; version?: string; log?: (l: string) => void } = {},
): DebianPackaging {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const root = cacheDir('debian');
  if (opts.version && extracted(opts.version)) {
    return { dir: packagingDir(opts.version), version: opts.version };
  }
  if (opts.release && opts.release !== systemRelease()) return releasePackaging(opts.release, opts.version, log);
  const remembered = opts.version ? undefined : rememberedVersion(root);
  if (remembered?.version) return { dir: packagingDir(remembered.version), version: remembered.version };
  const known = ensureDebSrc(log);
  const v = fetchFirst(opts.version ? [opts.version] : known, [], log);
  if (remembered)
    writeFileAtomic(join(root, 'linux-packaging.latest.json'), JSON.stringify({ stamp: remembered.stamp, version: v }));
  return { dir: packagingDir(v), version: v };
}

/** Another release's packaging, through its private apt state; the pick is remembered while its lists last. */
function releasePackaging(release: string, version: string | undefined, log: (l: string) => void): DebianPackaging {
  const root = cacheDir('debian');
  const apt = privateApt(release, log);
  const memo = join(root, `linux-packaging.${release}.latest.json`);
  if (!version) {
    try {
      const saved = JSON.parse(readFileSync(memo, 'utf8')) as { stamp: string; version: string };
      if (saved.stamp === apt.stamp && extracted(saved.version)) {
        return { dir: packagingDir(saved.version), version: saved.version };
      }
    } catch {
      /* nothing remembered yet */
    }
  }
  const candidates = version ? [version] : privateSourceVersions('linux', apt);
  if (candidates.length === 0) throw envError(`${release}'s Sources index lists no 'linux' source package`);
  const v = fetchFirst(candidates, apt.args, log, apt);
  if (!version) writeFileAtomic(memo, JSON.stringify({ stamp: apt.stamp, version: v }));
  return { dir: packagingDir(v), version: v };
}

/** Download and extract the first candidate the archive serves (already extracted ones count); its version. */
function fetchFirst(candidates: string[], aptArgs: string[], log: (l: string) => void, apt?: PrivateApt): string {
  const root = cacheDir('debian');
  for (const v of candidates) {
    if (extracted(v)) return v;
    const dl = join(root, 'downloads');
    mkdirSync(dl, { recursive: true });
    const r = spawnSync('apt-get', [...aptArgs, 'source', '--download-only', '--diff-only', `linux=${v}`], {
      cwd: dl,
      encoding: 'utf8',
    });
    const tarball = readdirSync(dl).find((f) => f === `linux_${v.replace(/^\d+:/, '')}.debian.tar.xz`);
    if (r.status !== 0 || !tarball) {
      log(`kdk: linux ${v}: not downloadable, trying an older version`);
      continue;
    }
    populateDirAtomic(packagingDir(v), (tmp) => {
      const x = spawnSync('tar', ['-xf', join(dl, tarball), '-C', tmp], { encoding: 'utf8' });
      if (x.status !== 0) throw envError(`tar failed on ${tarball}: ${x.stderr}`);
    });
    return v;
  }
  throw envError(
    `no version of Debian's linux source package could be downloaded`,
    apt ? `the private apt state for ${apt.release} is in ${apt.dir}` : 'check the deb-src entry',
  );
}
