// A distribution's own fixes on top of a stable release, read from Debian's packaging (the `debian/` dir of the
// `linux` source package): the patches in debian/patches/series with the upstream commits their headers name
// (`Origin:`, `commit <sha> upstream.`, `[ Upstream commit <sha> ]`, `cherry picked from commit <sha>`),
// `Bug-Debian:` links and CVE ids, and debian/changelog's CVE ids with the upstream stable release or Debian
// upload that brought each.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { inputError } from '../util/errors.js';
import { compareDebianVersions } from './debian-version.js';

const require = createRequire(import.meta.url);
/** node:zlib is loaded only to read a .gz changelog: a plain `gap cves` query never pays for it. */
const gunzipSync = (raw: Buffer): Buffer => (require('node:zlib') as typeof import('node:zlib')).gunzipSync(raw);

export interface DistroPatch {
  /** Path relative to the packaging root, e.g. `debian/patches/bugfix/all/foo.patch`. */
  file: string;
  applied: boolean;
  subject: string;
  commits: string[];
  cves: string[];
  bugDebian: string[];
}

export interface ChangelogCve {
  cve: string;
  /** The Debian upload (`6.1.187-1`). */
  debianVersion: string;
  /** Set when the entry lists it under an upstream stable release (`ChangeLog-6.1.183`). */
  upstreamStable?: string;
  /** The changelog item's text, one line. */
  item: string;
  line: number;
}

/** A changelog item `Revert "<subject>"`: the fix of that subject is gone again from that upload on. */
export interface ChangelogRevert {
  /** The reverted commit's subject, as quoted. */
  subject: string;
  debianVersion: string;
  upstreamStable?: string;
  item: string;
  line: number;
}

export interface DistroSource {
  dir: string;
  /** The file the changelog was read from, as evidence names it (`debian/changelog`). */
  changelogFile?: string;
  version?: string;
  patches: DistroPatch[];
  changelog: ChangelogCve[];
  reverts?: ChangelogRevert[];
  /** Changelog items of all uploads up to this Debian version count (a `--kernel 6.1.192-3`); later ones not. */
  upTo?: string;
  /** Only uploads of upstream releases up to this one count (`--distro debian --kernel 6.1.192`). */
  upstreamUpTo?: string;
}

const SHA = '[0-9a-f]{12,40}';
const COMMIT_RES = [
  new RegExp(`^Origin:.*?\\b(${SHA})\\b`, 'gim'),
  new RegExp(`\\bcommit (${SHA}) upstream\\b`, 'gi'),
  new RegExp(`\\[\\s*[Uu]pstream commit (${SHA})\\s*\\]`, 'g'),
  new RegExp(`cherry[- ]picked from commit (${SHA})`, 'gi'),
];

function walk(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(?:patch|diff)$/.test(n)) out.push(p);
  }
  return out;
}

/** The header of a patch file: everything before its diff. */
function header(text: string): string {
  const cut = text.search(/^(?:---\s*$|diff --git |Index: |--- a\/)/m);
  return cut < 0 ? text : text.slice(0, cut);
}

export function parsePatchHeader(text: string): Omit<DistroPatch, 'file' | 'applied'> {
  const h = header(text);
  const commits = new Set<string>();
  for (const re of COMMIT_RES) for (const m of h.matchAll(re)) commits.add(m[1].toLowerCase());
  const subject = /^Subject:\s*(?:\[[^\]]*\]\s*)?(.+)$/m.exec(h)?.[1].trim() ?? '';
  return {
    subject,
    commits: [...commits],
    cves: [...new Set([...h.matchAll(/\bCVE-\d{4}-\d{4,}\b/g)].map((m) => m[0]))],
    bugDebian: [...h.matchAll(/^Bug-Debian(?:-Security)?:\s*(\S+)/gm)].map((m) => m[1]),
  };
}

export function parseChangelog(text: string): { version?: string; cves: ChangelogCve[]; reverts: ChangelogRevert[] } {
  const cves: ChangelogCve[] = [];
  const reverts: ChangelogRevert[] = [];
  let version: string | undefined;
  let debianVersion = '';
  let upstream: string | undefined;
  let item: { text: string; line: number; upstream?: string } | undefined;
  const flush = () => {
    if (!item) return;
    for (const m of item.text.matchAll(/\bCVE-\d{4}-\d{4,}\b/g)) {
      cves.push({ cve: m[0], debianVersion, upstreamStable: item.upstream, item: item.text, line: item.line });
    }
    const rev = /^(?:\[[^\]]*\]\s*)*(?:[\w/.-]+: )?Revert "(.+)"/.exec(item.text);
    if (rev) {
      reverts.push({ subject: rev[1], debianVersion, upstreamStable: item.upstream, item: item.text, line: item.line });
    }
    item = undefined;
  };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const head = /^\S+ \(([^)]+)\) /.exec(l);
    if (head) {
      flush();
      debianVersion = head[1];
      version ??= head[1];
      upstream = undefined;
      continue;
    }
    const url = /ChangeLog-(\d+\.\d+(?:\.\d+)+)\s*$/.exec(l);
    if (url) {
      flush();
      upstream = url[1];
      continue;
    }
    const top = /^ {2}\* (.*)$/.exec(l);
    const sub = /^ {4}[-*] (.*)$/.exec(l);
    if (top || sub) {
      flush();
      if (top) upstream = /New upstream (?:stable )?(?:update|release)/i.test(top[1]) ? upstream : undefined;
      item = { text: (top ?? sub)![1].trim(), line: i + 1, upstream: sub ? upstream : undefined };
    } else if (item && /^\s{4,}\S/.test(l)) {
      item.text += ' ' + l.trim();
    } else if (/^\s*$|^ -- /.test(l)) {
      flush();
    }
  }
  flush();
  return { version, cves, reverts };
}

/** A changelog file on its own (`changelog.Debian.gz` as linux-source-* ships it, or a plain one). */
export function readChangelogFile(file: string): DistroSource {
  const raw = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const cl = parseChangelog(text);
  return { dir: file, changelogFile: file, version: cl.version, patches: [], changelog: cl.cves, reverts: cl.reverts };
}

/** Read a packaging directory (holding `debian/`, or `debian/` itself). */
export function readDistroSource(dir: string): DistroSource {
  const root = existsSync(join(dir, 'debian', 'changelog'))
    ? dir
    : existsSync(join(dir, 'changelog'))
      ? join(dir, '..')
      : undefined;
  if (!root) throw inputError(`--distro-source ${dir}: no debian/changelog in it (give the dir holding debian/)`);
  const patchDir = join(root, 'debian', 'patches');
  const seriesFile = join(patchDir, 'series');
  const series = existsSync(seriesFile)
    ? new Set(
        readFileSync(seriesFile, 'utf8')
          .split('\n')
          .map((l) => l.replace(/#.*/, '').trim().split(/\s+/)[0])
          .filter(Boolean),
      )
    : undefined;
  const patches = existsSync(patchDir)
    ? walk(patchDir).map((p) => {
        const rel = relative(patchDir, p);
        return {
          file: relative(root, p),
          applied: series ? series.has(rel) : true,
          ...parsePatchHeader(readFileSync(p, 'utf8')),
        };
      })
    : [];
  const cl = parseChangelog(readFileSync(join(root, 'debian', 'changelog'), 'utf8'));
  return {
    dir: root,
    changelogFile: 'debian/changelog',
    version: cl.version,
    patches,
    changelog: cl.cves,
    reverts: cl.reverts,
  };
}

export interface DistroClosure {
  kind: 'fixed-by-distro-patch' | 'fixed' | 'reverted';
  evidence: string;
}

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
const patchLevel = (v: string) => v.split('.').map(Number);

/** An item's subject: architecture tags and trailing notes (`(CVE-...)`, `(regression in ...)`) cut. */
const subjectOf = (item: string) =>
  norm(
    item
      .replace(/^(?:\[[^\]]*\]\s*)+/, '')
      .replace(/(?:\s*\([^()]*\))+\s*$/, '')
      .replace(/^Revert "(.*)"$/, 'revert $1'),
  );

/** Whether upstream stable release `u` is at most `k` on the same branch. */
function upToRelease(u: string, k: string): boolean {
  const a = patchLevel(u);
  const b = patchLevel(k);
  return (
    a.length === b.length && a.slice(0, -1).join('.') === b.slice(0, -1).join('.') && a[a.length - 1] <= b[b.length - 1]
  );
}

/** Whether an upload counts for the version asked about. */
function uploadCounts(d: DistroSource, debianVersion: string): boolean {
  if (d.upTo && compareDebianVersions(debianVersion, d.upTo) > 0) return false;
  if (d.upstreamUpTo) {
    const up = debianVersion.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
    if (/^\d+(?:\.\d+)+$/.test(up) && !upToRelease(up, d.upstreamUpTo) && up !== d.upstreamUpTo) return false;
  }
  return true;
}

/**
 * How the distro closes a CVE open in plain upstream `kernel`: an applied patch carrying one of its fix commits
 * or naming it (`fixed-by-distro-patch`), else a changelog line saying an upstream stable release up to
 * `kernel` (which the CVE data does not know yet) or a Debian upload fixed it (`fixed`). A later upload whose
 * changelog reverts that fix (`Revert "<its subject>"`) opens it again (`reverted`).
 */
export function distroClosure(
  d: DistroSource,
  cve: string,
  fixCommits: string[],
  kernel: string,
): DistroClosure | undefined {
  const fixes = fixCommits.map((c) => c.toLowerCase());
  for (const p of d.patches) {
    if (!p.applied) continue;
    const hit = p.commits.find((c) => fixes.some((f) => f.startsWith(c) || c.startsWith(f)));
    const bug = p.bugDebian.length ? `, Bug-Debian: ${p.bugDebian.join(' ')}` : '';
    if (hit)
      return { kind: 'fixed-by-distro-patch', evidence: `${p.file} (upstream commit ${hit.slice(0, 12)}${bug})` };
    if (p.cves.includes(cve)) return { kind: 'fixed-by-distro-patch', evidence: `${p.file} (names ${cve}${bug})` };
  }
  const file = d.changelogFile ?? 'debian/changelog';
  const entries = d.changelog.filter((e) => e.cve === cve && uploadCounts(d, e.debianVersion));
  // Changelog items in upload order: the file lists the newest upload first.
  const events: { line: number; closure: DistroClosure; subject: string }[] = [];
  for (const e of entries) {
    if (e.upstreamStable && !upToRelease(e.upstreamStable, kernel)) continue;
    const p = e.upstreamStable
      ? undefined
      : d.patches.find((x) => x.applied && x.subject && norm(e.item).includes(norm(x.subject)));
    let closure: DistroClosure | undefined;
    if (p) closure = { kind: 'fixed-by-distro-patch', evidence: `${p.file} (${file}:${e.line}, ${e.debianVersion})` };
    else if (e.upstreamStable) {
      closure = { kind: 'fixed', evidence: `${file}:${e.line}: upstream ${e.upstreamStable} (${e.debianVersion})` };
    } else if (d.patches.length === 0) {
      // Only the changelog is known (the one linux-source ships): a Debian-own item naming the CVE is its patch.
      closure = { kind: 'fixed-by-distro-patch', evidence: `${file}:${e.line}: Debian upload ${e.debianVersion}` };
    }
    if (closure) events.push({ line: e.line, closure, subject: subjectOf(e.item) });
  }
  if (events.length === 0) return undefined;
  const subjects = new Set(events.map((e) => e.subject));
  for (const r of d.reverts ?? []) {
    if (!uploadCounts(d, r.debianVersion) || (r.upstreamStable && !upToRelease(r.upstreamStable, kernel))) continue;
    if (!subjects.has(norm(r.subject)) && !r.item.includes(cve)) continue;
    const first = events.find((e) => e.line > r.line);
    if (!first) continue; // a revert older than every fix: the fix came back later
    events.push({
      line: r.line,
      subject: '',
      closure: { kind: 'reverted', evidence: `${file}:${r.line}: fix reverted in ${r.debianVersion}` },
    });
  }
  const fixesOnly = events.filter((e) => e.closure.kind !== 'reverted');
  // The newest item decides (the smallest line number): reverted, or fixed, evidence preferring a patch.
  const newest = events.reduce((a, b) => (b.line < a.line ? b : a));
  if (newest.closure.kind !== 'reverted') {
    return (fixesOnly.find((e) => e.closure.kind === 'fixed-by-distro-patch') ?? fixesOnly[0]).closure;
  }
  const fixed = fixesOnly.reduce((a, b) => (b.line < a.line ? b : a));
  return { kind: 'reverted', evidence: `${fixed.closure.evidence}, then ${newest.closure.evidence}` };
}
