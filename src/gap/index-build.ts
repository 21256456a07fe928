// Builds the compact CVE index from a `cve/published` tree: one file (its layout: index-file.ts) holding, per
// CVE, its compiled dyad lines, fixing commits, touched files, subject line and quoted crash titles. A query
// then reads only this file (a few MB) instead of the 140 MB of records. Malformed files are listed as problems and skipped; the rest
// is still indexed.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { excerpt } from '../util/text.js';
import { parseDyad, type Problem } from './dyad.js';
import type { RecordFacts } from './record.js';
import { compileDyad } from './rule.js';
import { parseVersion } from './version.js';
import { INDEX_FORMAT, writeIndexFile } from './index-file.js';
import type { Progress } from '../util/progress.js';

export interface IndexedCve {
  id: string;
  /** Mainline fixing commit(s), from the `.sha1` file. */
  sha1: string[];
  /** Every fix the dyad names, `version=commit` (12 digits) separated by spaces: `6.1.78=1296c110c5a0 6.8=60c0c230c6f0`. */
  fixes: string;
  /** The lines compiled for the version rule (see rule.ts). */
  code: number[];
  files: string[];
  summary: string;
  crashes: { title: string; keys: string[] }[];
}

export interface CveIndex {
  format: number;
  /** What the index was built from (tarball hash, git commit or tree fingerprint) and where. */
  key: string;
  source: string;
  /** The cve/published directory it was built from (an unpacked tarball in the cache, or the checkout). */
  tree: string;
  builtAt: string;
  problems: Problem[];
  /** Per stable branch, the newest patch level any fix reached (`6.1` → 183): the data's horizon. */
  newestFix: Record<string, number>;
  cves: IndexedCve[];
}

function newestFixes(cves: IndexedCve[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of cves) {
    for (const f of c.fixes.split(' ')) {
      const v = parseVersion(f.split('=')[0]);
      if (v?.kind === 'stable') out[v.base.join('.')] = Math.max(out[v.base.join('.')] ?? 0, v.patch);
    }
  }
  return out;
}

/** A real directory, not a symlink to one (a snapshot's tree never leads out of itself). */
function isRealDir(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The `cve/published` directory inside a vulns checkout or unpacked tarball (or DIR itself). Every
 * directory below the one the user named must be a real one. */
export function publishedDir(root: string): string | undefined {
  const inside = (...parts: string[]) => parts.every((_, i) => isRealDir(join(root, ...parts.slice(0, i + 1))));
  for (const parts of [['cve', 'published'], ['vulns', 'cve', 'published'], []]) {
    const cand = join(root, ...parts);
    if (inside(...parts) && readdirSync(cand).some((n) => /^\d{4}$/.test(n))) return cand;
  }
  return undefined;
}

/** Every CVE id in the tree, with the year directory it lives in. */
function listCves(pub: string, problems: Problem[]): { id: string; dir: string }[] {
  const out: { id: string; dir: string }[] = [];
  for (const year of readdirSync(pub)
    .filter((n) => /^\d{4}$/.test(n))
    .sort()) {
    const dir = join(pub, year);
    if (!isRealDir(dir)) {
      problems.push({ file: dir, message: 'not a directory (a symlink or special file): left out' });
      continue;
    }
    const ids = new Set<string>();
    for (const n of readdirSync(dir)) {
      const m = /^(CVE-\d{4}-\d+)\.(?:dyad|json|sha1)$/.exec(n);
      if (m) ids.add(m[1]);
    }
    for (const id of [...ids].sort()) out.push({ id, dir });
  }
  return out;
}

/**
 * A record file's text, read only when it is a regular file: never through a symlink (O_NOFOLLOW: a link to
 * a host file would be quoted into problems and the index) and never a fifo or device (O_NONBLOCK: opening
 * one must not wait, and reading one would). undefined when there is no such file.
 */
function readRegular(path: string, problems: Problem[]): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    const why = code === 'ELOOP' ? 'a symlink' : `unreadable (${code ?? 'error'})`;
    problems.push({ file: path, message: `${why}, not a regular file: left out` });
    return undefined;
  }
  try {
    if (!fstatSync(fd).isFile()) {
      problems.push({ file: path, message: 'not a regular file (fifo, socket or device): left out' });
      return undefined;
    }
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Where a JSON.parse error is, as line and column; the message itself quotes the input, so it is dropped. */
function jsonErrorAt(text: string, err: Error): string {
  const m = /at position (\d+)/.exec(err.message);
  if (!m) return 'not valid JSON';
  const before = text.slice(0, Number(m[1])).split('\n');
  return `not valid JSON at line ${before.length} column ${before[before.length - 1].length + 1}`;
}

/** Index one CVE's three files; problems are appended, and undefined returned when nothing usable is left. */
type FactsOf = (json: unknown) => RecordFacts | string;

export function indexOne(id: string, dir: string, problems: Problem[], recordFacts: FactsOf): IndexedCve | undefined {
  const base = join(dir, id);
  const before = problems.length;
  const dyadText = readRegular(`${base}.dyad`, problems);
  if (dyadText === undefined) {
    if (problems.length === before)
      problems.push({ file: `${base}.dyad`, message: 'missing .dyad file; CVE left out' });
    return undefined;
  }
  const lines = parseDyad(dyadText, `${base}.dyad`, problems);
  const fixes = [...new Set(lines.filter((l) => l.fix).map((l) => `${l.fix!.text}=${l.fixCommit.slice(0, 12)}`))].join(
    ' ',
  );
  const code = compileDyad(lines);
  const sha1 = (readRegular(`${base}.sha1`, problems) ?? '')
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => /^[0-9a-f]{12,40}$/.test(s));
  const entry: IndexedCve = { id, sha1, fixes, code, files: [], summary: '', crashes: [] };
  const beforeJson = problems.length;
  const jsonText = readRegular(`${base}.json`, problems);
  if (jsonText === undefined) {
    if (problems.length === beforeJson)
      problems.push({ file: `${base}.json`, message: 'missing .json record; indexed from the dyad only' });
    return entry;
  }
  let json: unknown;
  try {
    json = JSON.parse(jsonText);
  } catch (err) {
    problems.push({ file: `${base}.json`, message: `invalid JSON: ${jsonErrorAt(jsonText, err as Error)}` });
    return entry;
  }
  const facts = recordFacts(json);
  if (typeof facts === 'string') {
    problems.push({ file: `${base}.json`, message: `unexpected CVE record shape: ${excerpt(facts, 200)}` });
    return entry;
  }
  if (facts.id !== id) problems.push({ file: `${base}.json`, message: `record names ${facts.id}, file is ${id}` });
  return { ...entry, files: facts.files, summary: facts.summary, crashes: facts.crashes };
}

/** Build the index of a published tree and write it atomically to `out`. */
export async function buildIndex(
  pub: string,
  out: string,
  meta: { key: string; source: string },
  progress?: Progress,
): Promise<CveIndex> {
  // zod is loaded only here: a query reads the finished index and never pays for it.
  const { recordFacts } = await import('./record.js');
  const problems: Problem[] = [];
  const all = listCves(pub, problems);
  const cves: IndexedCve[] = [];
  progress?.start(all.length, `indexing ${all.length} CVE records from ${pub}`);
  for (let i = 0; i < all.length; i++) {
    const e = indexOne(all[i].id, all[i].dir, problems, recordFacts);
    if (e) cves.push(e);
    // A count only: without a TTY each update is a line of its own, and record ids there are noise.
    if (i % 1000 === 999) progress?.update(i + 1);
  }
  progress?.done(`indexed ${cves.length} CVEs (${problems.length} problems)`);
  const index: CveIndex = {
    format: INDEX_FORMAT,
    ...meta,
    tree: pub,
    builtAt: new Date().toISOString(),
    problems,
    newestFix: newestFixes(cves),
    cves,
  };
  writeIndexFile(out, index);
  return index;
}
