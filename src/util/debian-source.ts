// Debian's `linux` source package's packaging (the debian/ directory: config hierarchy, patches, changelog),
// fetched with `apt-get source --download-only --diff-only` from a deb-src entry and cached by version.
// The archive's index may list versions whose files are gone (security pool 404s), so versions are tried
// newest first until one downloads.
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cacheDir } from './cache.js';
import { isRoot } from './deps.js';
import { populateDirAtomic, writeFileAtomic } from './atomic.js';
import { envError } from './errors.js';

const DEB_SRC_LIST = '/etc/apt/sources.list.d/kdk-deb-src.sources';

export interface DebianPackaging {
  /** Directory holding `debian/`. */
  dir: string;
  version: string;
}

function aptSourceVersions(pkg: string): string[] {
  const r = spawnSync('apt-cache', ['showsrc', pkg], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const versions = [...(r.stdout ?? '').matchAll(/^Version: (\S+)$/gm)].map((m) => m[1]);
  const uniq = [...new Set(versions)];
  const cmp = (a: string, b: string) =>
    spawnSync('dpkg', ['--compare-versions', a, 'gt', b]).status === 0 ? -1 : a === b ? 0 : 1;
  return uniq.sort(cmp);
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
    if (saved.stamp === stamp && existsSync(join(root, `linux-packaging_${saved.version}`, 'debian', 'changelog'))) {
      return { stamp, version: saved.version };
    }
  } catch {
    /* nothing remembered yet */
  }
  return { stamp };
}

/** The newest fetchable (or the given) version of Debian's `linux` source packaging, extracted into the cache. */
export function debianPackaging(opts: { version?: string; log?: (l: string) => void } = {}): DebianPackaging {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const root = cacheDir('debian');
  const cached = (v: string) => join(root, `linux-packaging_${v}`);
  if (opts.version && existsSync(join(cached(opts.version), 'debian', 'changelog'))) {
    return { dir: cached(opts.version), version: opts.version };
  }
  const remembered = opts.version ? undefined : rememberedVersion(root);
  if (remembered?.version) return { dir: cached(remembered.version), version: remembered.version };
  const known = ensureDebSrc(log);
  const candidates = opts.version ? [opts.version] : known;
  const found = (v: string): DebianPackaging => {
    if (remembered)
      writeFileAtomic(
        join(root, 'linux-packaging.latest.json'),
        JSON.stringify({ stamp: remembered.stamp, version: v }),
      );
    return { dir: cached(v), version: v };
  };
  for (const v of candidates) {
    if (existsSync(join(cached(v), 'debian', 'changelog'))) return found(v);
    const dl = join(root, 'downloads');
    mkdirSync(dl, { recursive: true });
    const r = spawnSync('apt-get', ['source', '--download-only', '--diff-only', `linux=${v}`], {
      cwd: dl,
      encoding: 'utf8',
    });
    const tarball = readdirSync(dl).find((f) => f === `linux_${v.replace(/^\d+:/, '')}.debian.tar.xz`);
    if (r.status !== 0 || !tarball) {
      log(`kdk: linux ${v}: not downloadable, trying an older version`);
      continue;
    }
    populateDirAtomic(cached(v), (tmp) => {
      const x = spawnSync('tar', ['-xf', join(dl, tarball), '-C', tmp], { encoding: 'utf8' });
      if (x.status !== 0) throw envError(`tar failed on ${tarball}: ${x.stderr}`);
    });
    return found(v);
  }
  throw envError(`no version of Debian's linux source package could be downloaded`, 'check the deb-src entry');
}
