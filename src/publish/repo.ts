// `kdk publish`: a signed apt repository made with Debian's own apt-ftparchive and gpg.
//
// Layout (what apt reads is Debian's; the rest is kdk's bookkeeping):
//   pool/main/<l>/<source>/<file>.deb        immutable: a name is never reused for other bytes
//   dists/<suite> -> .<suite>.gen-<n>         a symlink, swapped atomically once a generation is complete
//   dists/.<suite>.gen-<n>/                   Release, InRelease, Release.gpg, main/binary-<arch>/Packages{,.gz,.xz},
//                                             kdk-suite.json (what the generation holds)
//   kdk-archive-keyring.{gpg,asc}, <suite>.sources
// A run copies new .debs into the pool, writes and signs a whole new generation beside the current one, checks
// its signature with gpgv, and only then points dists/<suite> at it: a failure anywhere before that leaves the
// published repository as it was. The previous generation and its pool files stay one more run, so a client
// that fetched the old InRelease a moment before the swap still finds everything it names.
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { tempPathFor, writeFileAtomic } from '../util/atomic.js';
import { envError, inputError, KdkError } from '../util/errors.js';
import { collectDebs, type DebFile } from './debs.js';
import { openSigner, verifyWith, type KeySpec } from './gpg.js';
import { sourcesEntry } from './sources.js';
import { withRepoLock } from './lock.js';
import { compareVersions } from './versions.js';

export const COMPONENT = 'main';
export const KEYRING = 'kdk-archive-keyring.gpg';

export interface SuiteEntry {
  package: string;
  version: string;
  architecture: string;
  /** Path in the repository (the Packages index's Filename). */
  filename: string;
  size: number;
  sha256: string;
}

export interface SuiteManifest {
  suite: string;
  generation: number;
  published: string;
  entries: SuiteEntry[];
}

export interface PublishRequest {
  debsDir: string;
  repo: string;
  suite: string;
  key: KeySpec;
  passphraseFile?: string;
  /** Versions kept per package and architecture (undefined: all). */
  keep?: number;
  /** URIs: in the printed sources entry (default file://<repo>). */
  url?: string;
  origin?: string;
  log?: (line: string) => void;
}

export interface PublishResult {
  repo: string;
  suite: string;
  generation: number;
  fingerprint: string;
  added: SuiteEntry[];
  dropped: SuiteEntry[];
  entries: SuiteEntry[];
  sourcesFile: string;
  sources: string;
}

const SUITE_NAME = /^[A-Za-z0-9][A-Za-z0-9.+_-]*$/;

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Debian's pool directory for a source package: lib* sources get four letters, others one. */
export function poolDir(source: string): string {
  const prefix = source.startsWith('lib') && source.length > 3 ? source.slice(0, 4) : source[0];
  return join('pool', COMPONENT, prefix, source);
}

/** The suite's current generation directory (what dists/<suite> points at), if one is published. */
export function currentGeneration(repo: string, suite: string): string | undefined {
  const link = join(repo, 'dists', suite);
  let st;
  try {
    st = lstatSync(link);
  } catch {
    return undefined;
  }
  if (!st.isSymbolicLink()) {
    throw inputError(
      `dists/${suite} is not kdk's generation link: this repository is not managed by kdk publish`,
      link,
    );
  }
  return join(repo, 'dists', readlinkSync(link));
}

export function readManifest(genDir: string): SuiteManifest {
  return JSON.parse(readFileSync(join(genDir, 'kdk-suite.json'), 'utf8')) as SuiteManifest;
}

/** Copy a .deb into the pool (temp + rename); an existing file of the same name must hold the same bytes. */
function addToPool(repo: string, deb: DebFile): SuiteEntry {
  const base = deb.path.split('/').pop()!;
  const filename = join(poolDir(deb.source), base);
  const target = join(repo, filename);
  const sum = sha256(deb.path);
  if (existsSync(target)) {
    if (sha256(target) !== sum) {
      throw inputError(
        `${filename} is already published with other contents: a version is never rebuilt in place (bump the package version)`,
        deb.path,
      );
    }
  } else {
    mkdirSync(dirname(target), { recursive: true });
    const tmp = tempPathFor(target);
    try {
      copyFileSync(deb.path, tmp);
      renameSync(tmp, target);
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  return {
    package: deb.package,
    version: deb.version,
    architecture: deb.architecture,
    filename,
    size: deb.size,
    sha256: sum,
  };
}

/** The previous entries plus the new ones, then at most `keep` newest versions of each package per arch. */
export function mergeEntries(
  prev: SuiteEntry[],
  added: SuiteEntry[],
  keep?: number,
): { entries: SuiteEntry[]; dropped: SuiteEntry[] } {
  const key = (e: SuiteEntry) => `${e.package}\0${e.architecture}\0${e.version}`;
  const all = new Map(prev.map((e) => [key(e), e]));
  for (const e of added) all.set(key(e), e);
  const groups = new Map<string, SuiteEntry[]>();
  for (const e of all.values()) {
    const g = `${e.package}\0${e.architecture}`;
    groups.set(g, [...(groups.get(g) ?? []), e]);
  }
  const entries: SuiteEntry[] = [];
  const dropped: SuiteEntry[] = [];
  for (const g of groups.values()) {
    g.sort((a, b) => compareVersions(b.version, a.version));
    entries.push(...(keep === undefined ? g : g.slice(0, keep)));
    if (keep !== undefined) dropped.push(...g.slice(keep));
  }
  const order = (a: SuiteEntry, b: SuiteEntry) =>
    a.package.localeCompare(b.package) ||
    a.architecture.localeCompare(b.architecture) ||
    compareVersions(b.version, a.version);
  return { entries: entries.sort(order), dropped: dropped.sort(order) };
}

function ftparchive(args: string[], cwd: string): string {
  const r = spawnSync('apt-ftparchive', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw envError(`cannot run apt-ftparchive: ${r.error.message}`, 'apt-get install -y apt-utils');
  if (r.status !== 0) throw new KdkError(`apt-ftparchive ${args[0]} failed: ${r.stderr.trim()}`, { exitCode: 3 });
  return r.stdout;
}

/** Packages indexes and Release for one generation, written by apt-ftparchive into `gen` (relative to repo). */
function writeIndexes(repo: string, gen: string, req: PublishRequest, entries: SuiteEntry[]): string[] {
  const archs = [...new Set(entries.map((e) => e.architecture).filter((a) => a !== 'all'))].sort();
  if (archs.length === 0) archs.push(...new Set(entries.map((e) => e.architecture)));
  const lists = join(repo, gen, '.lists');
  mkdirSync(lists, { recursive: true });
  for (const a of archs) {
    // arch:all packages belong in every architecture's index.
    const files = entries.filter((e) => e.architecture === a || e.architecture === 'all').map((e) => e.filename);
    writeFileSync(join(lists, a), files.join('\n') + '\n');
    mkdirSync(join(repo, gen, COMPONENT, `binary-${a}`), { recursive: true });
  }
  const q = (s: string) => `"${s.replace(/["\\]/g, '')}"`;
  const conf = [
    `Dir { ArchiveDir ${q(repo)}; };`,
    'Default { Packages::Compress ". gzip xz"; };',
    `Tree ${q(gen)} { Sections "${COMPONENT}"; Architectures "${archs.join(' ')}"; FileList ${q(join(lists, '$(ARCH)'))}; Contents " "; };`,
    '',
  ].join('\n');
  writeFileSync(join(lists, 'apt-ftparchive.conf'), conf);
  ftparchive(['-q', 'generate', join(lists, 'apt-ftparchive.conf')], repo);
  rmSync(lists, { recursive: true, force: true });
  const o = (k: string, v: string) => `-o=APT::FTPArchive::Release::${k}=${v}`;
  const release = ftparchive(
    [
      o('Origin', req.origin ?? 'kdk'),
      o('Label', req.origin ?? 'kdk'),
      o('Suite', req.suite),
      o('Codename', req.suite),
      o('Architectures', archs.join(' ')),
      o('Components', COMPONENT),
      o('Description', `kdk debug kernels (${req.suite})`),
      'release',
      '.',
    ],
    join(repo, gen),
  );
  writeFileSync(join(repo, gen, 'Release'), release);
  return archs;
}

/** Swap dists/<suite> to point at `genName` (a new symlink renamed over the old one: atomic). */
function swapLink(repo: string, suite: string, genName: string): void {
  const link = join(repo, 'dists', suite);
  const tmp = tempPathFor(link);
  symlinkSync(genName, tmp);
  try {
    renameSync(tmp, link);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Generations of every suite still in use: each suite's current one and the one before it. */
function liveGenerations(repo: string): { keep: Set<string>; pool: Set<string> } {
  const dists = join(repo, 'dists');
  const keep = new Set<string>();
  const bySuite = new Map<string, number[]>();
  for (const n of existsSync(dists) ? readdirSync(dists) : []) {
    const m = /^\.(.+)\.gen-(\d+)$/.exec(n);
    if (m) bySuite.set(m[1], [...(bySuite.get(m[1]) ?? []), Number(m[2])]);
  }
  for (const [suite, gens] of bySuite) {
    const cur = currentGeneration(repo, suite);
    const curN = cur ? Number(/\.gen-(\d+)$/.exec(cur)?.[1]) : Math.max(...gens);
    const older = gens.filter((g) => g < curN).sort((a, b) => b - a)[0];
    for (const g of [curN, older]) if (g !== undefined) keep.add(`.${suite}.gen-${g}`);
  }
  const pool = new Set<string>();
  for (const g of keep) {
    const f = join(dists, g, 'kdk-suite.json');
    if (existsSync(f)) for (const e of readManifest(join(dists, g)).entries) pool.add(e.filename);
  }
  return { keep, pool };
}

/** Drop generations no suite uses any more and pool files none of the kept generations names. */
function pruneRepo(repo: string): void {
  const { keep, pool } = liveGenerations(repo);
  const dists = join(repo, 'dists');
  for (const n of readdirSync(dists)) {
    if (/^\..+\.gen-\d+$/.test(n) && !keep.has(n)) rmSync(join(dists, n), { recursive: true, force: true });
  }
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        walk(p);
        if (readdirSync(p).length === 0) rmSync(p, { recursive: true });
      } else if (e.name.endsWith('.deb') && !pool.has(relative(repo, p))) rmSync(p);
    }
  };
  if (existsSync(join(repo, 'pool'))) walk(join(repo, 'pool'));
}

export function publish(req: PublishRequest): PublishResult {
  const log = req.log ?? (() => {});
  if (!SUITE_NAME.test(req.suite)) throw inputError(`--suite: not a suite name: '${req.suite}'`);
  if (req.keep !== undefined && (!Number.isInteger(req.keep) || req.keep < 1)) {
    throw inputError(`--keep: expected a positive integer, got '${req.keep}'`);
  }
  const repo = resolve(req.repo);
  const debs = collectDebs(req.debsDir);
  mkdirSync(join(repo, 'dists'), { recursive: true });
  const signer = openSigner(req.key, req.passphraseFile);
  try {
    return withRepoLock(repo, () => {
      const cur = currentGeneration(repo, req.suite);
      const prev = cur ? readManifest(cur) : undefined;
      log(`adding ${debs.length} .deb(s) to the pool`);
      const added = debs.map((d) => addToPool(repo, d));
      const { entries, dropped } = mergeEntries(prev?.entries ?? [], added, req.keep);
      const generation = (prev?.generation ?? 0) + 1;
      const genName = `.${req.suite}.gen-${generation}`;
      const tmpName = `.${req.suite}.tmp-${process.pid}`;
      const tmpGen = join('dists', tmpName);
      rmSync(join(repo, tmpGen), { recursive: true, force: true });
      try {
        log(`apt-ftparchive: indexes and Release for ${req.suite} (generation ${generation})`);
        writeIndexes(repo, tmpGen, req, entries);
        const manifest: SuiteManifest = { suite: req.suite, generation, published: new Date().toISOString(), entries };
        writeFileSync(join(repo, tmpGen, 'kdk-suite.json'), JSON.stringify(manifest, null, 2) + '\n');
        log(`gpg: signing InRelease and Release.gpg with ${signer.fingerprint}`);
        const release = join(repo, tmpGen, 'Release');
        signer.clearsign(release, join(repo, tmpGen, 'InRelease'));
        signer.detachSign(release, join(repo, tmpGen, 'Release.gpg'));
        writeFileAtomic(join(repo, KEYRING), signer.publicBinary);
        writeFileAtomic(join(repo, KEYRING.replace(/\.gpg$/, '.asc')), signer.publicArmored);
        // apt's own check, before anything is swapped: gpgv against the exported keyring.
        const ok =
          verifyWith(join(repo, KEYRING), join(repo, tmpGen, 'InRelease')) &&
          verifyWith(join(repo, KEYRING), join(repo, tmpGen, 'Release.gpg'), release);
        if (!ok) throw new KdkError('gpgv does not accept the new signatures; nothing was published', { exitCode: 3 });
        renameSync(join(repo, tmpGen), join(repo, 'dists', genName));
      } catch (err) {
        rmSync(join(repo, tmpGen), { recursive: true, force: true });
        throw err;
      }
      swapLink(repo, req.suite, genName);
      log(`dists/${req.suite} -> ${genName}`);
      pruneRepo(repo);
      const sources = sourcesEntry({
        uri: req.url ?? `file://${repo}`,
        suite: req.suite,
        component: COMPONENT,
        publicKeyArmored: signer.publicArmored,
      });
      const sourcesFile = join(repo, `${req.suite}.sources`);
      writeFileAtomic(sourcesFile, sources);
      return {
        repo,
        suite: req.suite,
        generation,
        fingerprint: signer.fingerprint,
        added,
        dropped,
        entries,
        sourcesFile,
        sources,
      };
    });
  } finally {
    signer.close();
  }
}
