// A distribution's own fixes on top of a stable release, read from Debian's packaging (the `debian/` dir of the
// `linux` source package): the patches in debian/patches/series with the upstream commits their headers name
// (`Origin:`, `commit <sha> upstream.`, `[ Upstream commit <sha> ]`, `cherry picked from commit <sha>`),
// `Bug-Debian:` links and CVE ids, and debian/changelog's CVE ids with the upstream stable release or Debian
// upload that brought each.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { inputError } from '../util/errors.js';

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

export interface DistroSource {
  dir: string;
  version?: string;
  patches: DistroPatch[];
  changelog: ChangelogCve[];
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

export function parseChangelog(text: string): { version?: string; cves: ChangelogCve[] } {
  const cves: ChangelogCve[] = [];
  let version: string | undefined;
  let debianVersion = '';
  let upstream: string | undefined;
  let item: { text: string; line: number; upstream?: string } | undefined;
  const flush = () => {
    if (!item) return;
    for (const m of item.text.matchAll(/\bCVE-\d{4}-\d{4,}\b/g)) {
      cves.push({ cve: m[0], debianVersion, upstreamStable: item.upstream, item: item.text, line: item.line });
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
    const sub = /^ {4}- (.*)$/.exec(l);
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
  return { version, cves };
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
  return { dir: root, version: cl.version, patches, changelog: cl.cves };
}

export interface DistroClosure {
  kind: 'fixed-by-distro-patch' | 'fixed';
  evidence: string;
}

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
const patchLevel = (v: string) => v.split('.').map(Number);

/**
 * How the distro closes a CVE open in plain upstream `kernel`: an applied patch carrying one of its fix commits
 * or naming it (`fixed-by-distro-patch`), else a changelog line saying an upstream stable release up to
 * `kernel` (which the CVE data does not know yet) or a Debian upload fixed it (`fixed`).
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
  const entries = d.changelog.filter((e) => e.cve === cve);
  for (const e of entries) {
    if (e.upstreamStable) continue;
    const p = d.patches.find((x) => x.applied && x.subject && norm(e.item).includes(norm(x.subject)));
    if (p)
      return { kind: 'fixed-by-distro-patch', evidence: `${p.file} (debian/changelog:${e.line}, ${e.debianVersion})` };
  }
  const k = patchLevel(kernel);
  for (const e of entries) {
    if (!e.upstreamStable) continue;
    const u = patchLevel(e.upstreamStable);
    if (
      u.length === k.length &&
      u.slice(0, -1).join('.') === k.slice(0, -1).join('.') &&
      u[u.length - 1] <= k[k.length - 1]
    ) {
      return {
        kind: 'fixed',
        evidence: `debian/changelog:${e.line}: upstream ${e.upstreamStable} (${e.debianVersion})`,
      };
    }
  }
  return undefined;
}
