// A private apt state for a Debian release other than the machine's own (trixie on this bookworm machine): its
// own sources.list, lists and download cache under ~/.cache/kdk/debian/apt-<release>/, passed to apt-get and
// apt-cache with -o options. The machine's apt configuration, lists and installed packages are never touched;
// packages are only downloaded (`apt-get download`, `apt-get source --download-only`), never installed.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cacheDir } from '../util/cache.js';
import { tempPathFor } from '../util/atomic.js';
import { isRoot } from '../util/deps.js';
import { envError } from '../util/errors.js';
import { hostArch } from '../util/arch.js';

export interface PrivateApt {
  release: string;
  dir: string;
  /** -o options that point apt-get / apt-cache at the private state. */
  args: string[];
  /** When the lists were fetched (ms since the epoch): cached choices made from them stay valid until it changes. */
  stamp: string;
}

/** Index age after which the lists are fetched again (Debian stable gets security uploads every few weeks). */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

function nativeArch(): string {
  const r = spawnSync('dpkg', ['--print-architecture'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : hostArch().debian;
}

/** The machine's Debian mirror and security mirror (from its deb822 sources), or Debian's defaults. */
export function debianMirrors(): { debian: string; security: string } {
  const f = '/etc/apt/sources.list.d/debian.sources';
  const text = existsSync(f) ? readFileSync(f, 'utf8') : '';
  const uris = [...text.matchAll(/^URIs:\s*(\S+)/gm)].map((m) => m[1]);
  return {
    debian: uris.find((u) => !u.includes('security')) ?? 'http://deb.debian.org/debian',
    security: uris.find((u) => u.includes('security')) ?? 'http://deb.debian.org/debian-security',
  };
}

function aptArgs(dir: string, arch: string): string[] {
  return [
    `-o=Dir::State::Lists=${join(dir, 'lists')}`,
    `-o=Dir::State::status=${join(dir, 'status')}`,
    `-o=Dir::Cache=${join(dir, 'cache')}`,
    `-o=Dir::Etc::SourceList=${join(dir, 'sources.list')}`,
    '-o=Dir::Etc::SourceParts=/nonexistent',
    '-o=Dir::Etc::Preferences=/nonexistent',
    '-o=Dir::Etc::PreferencesParts=/nonexistent',
    `-o=APT::Architectures=${arch}`,
    '-o=Acquire::Languages=none',
    '-o=Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false',
  ];
}

/** Fill `dir` with a sources.list for the release (deb and deb-src, main, with its security suite) and fetch it. */
function fetchLists(dir: string, release: string, arch: string, log: (l: string) => void): void {
  const m = debianMirrors();
  for (const d of ['lists/partial', 'cache/archives/partial']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'status'), '');
  const opt = `[arch=${arch} signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]`;
  const src = '[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]';
  writeFileSync(
    join(dir, 'sources.list'),
    [
      `deb ${opt} ${m.debian} ${release} main`,
      `deb-src ${src} ${m.debian} ${release} main`,
      `deb ${opt} ${m.security} ${release}-security main`,
      `deb-src ${src} ${m.security} ${release}-security main`,
    ].join('\n') + '\n',
  );
  log(`kdk: apt-get update for ${release} (private lists in ${dir})`);
  const r = spawnSync('apt-get', ['-q', ...aptArgs(dir, arch), 'update'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  // apt exits 100 when one index failed (a mirror mid-sync); what did arrive is usable if the Sources index did.
  for (const l of (r.stdout + r.stderr).split('\n').filter((x) => /^(E|Err):/.test(x))) log(`kdk: apt: ${l}`);
  if (!readdirSync(join(dir, 'lists')).some((f) => f.includes(`_${release}_main_source_Sources`))) {
    throw envError(`apt-get update for ${release} fetched no Sources index`, `check the mirror ${m.debian}`);
  }
}

/**
 * The private apt state for `release`, its lists fetched once and again when older than a week (into a new
 * directory renamed into place, so a reader never sees half-written lists). A failed refresh keeps the old lists.
 */
export function privateApt(
  release: string,
  log: (l: string) => void = (l) => process.stderr.write(l + '\n'),
): PrivateApt {
  if (!/^[a-z]+$/.test(release)) throw envError(`not a Debian release name: '${release}'`);
  const arch = nativeArch();
  const dir = join(cacheDir('debian'), `apt-${release}`);
  const listsAt = () => {
    try {
      return statSync(join(dir, 'sources.list')).mtimeMs;
    } catch {
      return undefined;
    }
  };
  const at = listsAt();
  if (at === undefined || Date.now() - at > MAX_AGE_MS) {
    if (!isRoot()) {
      if (at === undefined) throw envError(`fetching ${release}'s apt indexes needs apt-get as root`, 'run as root');
    } else {
      const tmp = tempPathFor(dir);
      try {
        fetchLists(tmp, release, arch, log);
        rmSync(dir, { recursive: true, force: true });
        renameSync(tmp, dir);
      } catch (err) {
        rmSync(tmp, { recursive: true, force: true });
        if (at === undefined) throw err;
        log(`kdk: refreshing ${release}'s apt lists failed (${(err as Error).message}); using the old ones`);
      }
    }
  }
  return { release, dir, args: aptArgs(dir, arch), stamp: String(listsAt()) };
}

/** The versions of a source package in the private Sources indexes, newest first. */
export function aptSourceVersions(pkg: string, apt?: PrivateApt): string[] {
  const r = spawnSync('apt-cache', [...(apt?.args ?? []), 'showsrc', pkg], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const versions = [...new Set([...(r.stdout ?? '').matchAll(/^Version: (\S+)$/gm)].map((m) => m[1]))];
  return sortVersionsDesc(versions);
}

/** The versions of a binary package apt can download, newest first. */
export function aptBinaryVersions(pkg: string, apt?: PrivateApt): string[] {
  const r = spawnSync('apt-cache', [...(apt?.args ?? []), 'show', pkg], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return sortVersionsDesc([...new Set([...(r.stdout ?? '').matchAll(/^Version: (\S+)$/gm)].map((m) => m[1]))]);
}

export function sortVersionsDesc(versions: string[]): string[] {
  const cmp = (a: string, b: string) =>
    a === b ? 0 : spawnSync('dpkg', ['--compare-versions', a, 'gt', b]).status === 0 ? -1 : 1;
  return [...versions].sort(cmp);
}

/**
 * `apt-get download PKG=VERSION` into `dir` (kept if already there). Returns the .deb's path, or undefined with
 * apt's error when the archive does not serve it (indexes can list files a mirror no longer has).
 */
export function aptDownload(
  pkg: string,
  version: string,
  dir: string,
  apt?: PrivateApt,
): { deb?: string; error?: string } {
  mkdirSync(dir, { recursive: true });
  // apt names the file PKG_VERSION_ARCH.deb, with an epoch's ':' written as %3a.
  const prefix = `${pkg}_${version.replace(':', '%3a')}_`;
  const find = () => readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith('.deb'));
  const have = find();
  if (have) return { deb: join(dir, have) };
  const r = spawnSync('apt-get', ['-q', ...(apt?.args ?? []), 'download', `${pkg}=${version}`], {
    cwd: dir,
    encoding: 'utf8',
  });
  const got = find();
  if (r.status === 0 && got) return { deb: join(dir, got) };
  return {
    error:
      (r.stderr || r.stdout)
        .trim()
        .split('\n')
        .filter((l) => /^E:/.test(l))
        .join('; ') || `exit ${r.status}`,
  };
}

/** Version → the binary packages it builds, from every Sources stanza of a source package (its Binary field). */
export function aptSourceBinaries(pkg: string, apt?: PrivateApt): Map<string, string[]> {
  const r = spawnSync('apt-cache', [...(apt?.args ?? []), 'showsrc', pkg], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const out = new Map<string, string[]>();
  for (const stanza of (r.stdout ?? '').split('\n\n')) {
    const version = /^Version: (\S+)$/m.exec(stanza)?.[1];
    const field = /^Binary: (.*(?:\n .*)*)/m.exec(stanza)?.[1];
    if (version && field) out.set(version, field.split(/[,\s]+/).filter(Boolean));
  }
  return out;
}
