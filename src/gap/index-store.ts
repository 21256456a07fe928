// Where the CVE index comes from and where it is cached. Sources, in order: `--vulns DIR` (a live checkout
// of the CVE team's vulns repository), `--tarball FILE`, the source of the last `kdk gap update`, and the
// project's shared snapshot. Tarballs are unpacked once into $KDK_CACHE/vulns keyed by their hash; every
// index file is keyed by the content it was built from, so a stale one is never used.
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { cacheDir, hashFile, hashOf } from '../util/cache.js';
import { populateDirAtomic, writeFileAtomic } from '../util/atomic.js';
import { envError, inputError, KdkError, ExitCode } from '../util/errors.js';
import { excerpt } from '../util/text.js';
import type { Progress } from '../util/progress.js';
import { buildIndex, publishedDir, type CveIndex } from './index-build.js';
import { INDEX_FORMAT, IndexFile } from './index-file.js';
import { tableOf, type CveTable } from './cve-table.js';

import { VULNS_GIT_URL } from './source-url.js';

export { VULNS_GIT_URL };
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function sharedSnapshot(): string {
  return join(projectRoot, '..', 'shared', 'corpora', 'kernel-vulns', 'published.tar.xz');
}

export interface SourceOptions {
  vulns?: string;
  tarball?: string;
  rebuild?: boolean;
  progress?: Progress;
}

export interface OpenedIndex {
  index: CveIndex;
  path: string;
  built: boolean;
}

/** sha256 of a file, remembered by path+size+mtime so a warm query does not re-hash 12 MB. */
async function memoHash(path: string): Promise<string> {
  const st = statSync(path);
  const memoFile = join(cacheDir('vulns'), 'hash-memo.json');
  const id = `${realpathSync(path)}|${st.size}|${st.mtimeMs}`;
  let memo: Record<string, string> = {};
  try {
    memo = JSON.parse(readFileSync(memoFile, 'utf8')) as Record<string, string>;
  } catch {
    /* no memo yet */
  }
  if (memo[id]) return memo[id];
  const h = await hashFile(path);
  writeFileAtomic(memoFile, JSON.stringify({ ...memo, [id]: h }));
  return h;
}

/** Refuses a tarball holding anything but regular files and directories: a symlink or hard link would lead
 * the indexer out of the tree, a fifo would hang it, a device (tar as root makes them) would read the host. */
function checkMembers(tarball: string): void {
  const r = spawnSync('tar', ['-tvJf', tarball, '--quoting-style=escape', '--numeric-owner'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw inputError(`cannot list: ${r.stderr.trim() || 'tar failed'}`, tarball);
  const lines = r.stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const type = lines[i].charAt(0);
    if (type === '' || type === '-' || type === 'd') continue;
    const kind = { l: 'a symlink', h: 'a hard link', p: 'a fifo', c: 'a device', b: 'a device' }[type] ?? 'not a file';
    throw inputError(`member ${i + 1} is ${kind}: ${excerpt(lines[i], 160)}; refusing the tarball`, tarball);
  }
}

function unpackTarball(tarball: string, hash: string, progress?: Progress): string {
  const dir = join(cacheDir('vulns'), `tar-${hash.slice(0, 16)}`);
  if (!existsSync(dir)) {
    progress?.step(`unpacking ${tarball} into ${dir} (once)`);
    checkMembers(tarball);
    populateDirAtomic(dir, (tmp) => {
      const r = spawnSync('tar', ['-xJf', tarball, '-C', tmp, '--no-same-owner', '--no-same-permissions'], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw inputError(`cannot unpack: ${r.stderr.trim() || 'tar failed'}`, tarball);
    });
  }
  return dir;
}

/**
 * Index files of other formats than this one, in the cache directory: `index-<hash>.json` (formats up to 7,
 * and the `-f7.json` some builds wrote) and `index-<hash>-f<N>.bin` of another N. This kdk never reads them
 * again; removed when it writes its own, so the cache does not grow with each format change.
 */
function removeSupersededIndexes(dir: string): void {
  const current = new RegExp(`^index-[0-9a-f]{16}-f${INDEX_FORMAT}\\.bin$`);
  for (const name of readdirSync(dir)) {
    if (/^index-.*\.(?:json|bin)$/.test(name) && !current.test(name)) rmSync(join(dir, name), { force: true });
  }
}

function currentFile(): string {
  return join(cacheDir('vulns'), 'current.json');
}

/** Remember the source `kdk gap update` last indexed, so later queries default to it. */
export function setCurrentSource(src: { vulns?: string; tarball?: string }): void {
  writeFileAtomic(currentFile(), JSON.stringify(src));
}

function defaultSource(): { vulns?: string; tarball?: string } {
  try {
    const cur = JSON.parse(readFileSync(currentFile(), 'utf8')) as { vulns?: string; tarball?: string };
    if ((cur.vulns && existsSync(cur.vulns)) || (cur.tarball && existsSync(cur.tarball))) return cur;
  } catch {
    /* no update yet */
  }
  if (existsSync(sharedSnapshot())) return { tarball: sharedSnapshot() };
  throw envError('no CVE data: no --vulns DIR given and no index yet', `kdk gap update --from ${VULNS_GIT_URL}`);
}

interface Located {
  /** The index file for this source and content. */
  path: string;
  key: string;
  source: string;
  /** The published tree, when the source is a checkout (a tarball is unpacked only to build). */
  pub?: string;
}

async function locate(opts: SourceOptions): Promise<Located> {
  const src = opts.vulns || opts.tarball ? { vulns: opts.vulns, tarball: opts.tarball } : defaultSource();
  let pub: string | undefined;
  let key: string;
  let source: string;
  if (src.vulns) {
    source = resolve(src.vulns);
    if (!existsSync(source)) throw inputError(`--vulns ${src.vulns}: no such directory`);
    pub = publishedDir(source);
    if (!pub) throw inputError(`--vulns ${src.vulns}: no cve/published/YEAR/ directories in it`);
    // Loaded here: a tarball's query needs none of the git helpers.
    key = (await import('./dir-key.js')).dirKey(pub);
  } else {
    source = resolve(src.tarball!);
    if (!existsSync(source)) throw inputError(`--tarball ${src.tarball}: no such file`);
    if (!statSync(source).isFile()) throw inputError(`--tarball ${src.tarball}: not a regular file`);
    key = `tar:${await memoHash(source)}`;
  }
  const path = join(cacheDir('vulns'), `index-${hashOf(source, key).slice(0, 16)}-f${INDEX_FORMAT}.bin`);
  return { path, key, source, pub };
}

async function build(at: Located, progress?: Progress): Promise<CveIndex> {
  let pub = at.pub;
  if (!pub) {
    const unpacked = unpackTarball(at.source, at.key.slice(4), progress);
    pub = publishedDir(unpacked);
    if (!pub) throw new KdkError(`${at.source}: no cve/published/YEAR/ tree inside`, { exitCode: ExitCode.usage });
  }
  const index = await buildIndex(pub, at.path, { key: at.key, source: at.source }, progress);
  removeSupersededIndexes(cacheDir('vulns'));
  return index;
}

/** Open (building when needed) the index for the given or default source, every CVE parsed. */
export async function openIndex(opts: SourceOptions = {}): Promise<OpenedIndex> {
  const at = await locate(opts);
  const cached = opts.rebuild ? undefined : IndexFile.open(at.path, at.key)?.toIndex();
  if (cached) return { index: cached, path: at.path, built: false };
  return { index: await build(at, opts.progress), path: at.path, built: true };
}

/** The same index as a table a query reads in place: only the CVEs it prints are parsed (`kdk gap cves`). */
export async function openCveTable(
  opts: SourceOptions = {},
): Promise<{ table: CveTable; path: string; built: boolean }> {
  const at = await locate(opts);
  const cached = opts.rebuild ? undefined : IndexFile.open(at.path, at.key);
  if (cached) return { table: cached, path: at.path, built: false };
  return { table: tableOf(await build(at, opts.progress)), path: at.path, built: true };
}
