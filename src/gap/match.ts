// `kdk gap match`: which known upstream bugs a crash is, by its normalised title against the crash titles the
// CVE descriptions quote, with their fixes and whether the given kernel version has them.
import { normaliseTitle } from './crash-title.js';
import { judgeCode } from './rule.js';
import type { CveIndex } from './index-build.js';
import type { Version } from './version.js';

export interface CrashInput {
  title: string;
  /** Further keys for the same crash (alternative titles, a RIP-completed generic title). */
  keys?: string[];
  /** How many times the input holds this crash (default 1). */
  count?: number;
}

export interface KnownBug {
  cve: string;
  summary: string;
  quoted: string;
  fixCommits: string[];
  /** true: this kernel version is affected (lacks the fix); false: it has the fix or never had the bug. */
  affected: boolean;
  fixedIn?: string;
}

export interface CrashMatch {
  title: string;
  /** How many reports of the input have this title (one row per distinct title). */
  count: number;
  keys: string[];
  verdict: 'known upstream bug' | 'no known upstream bug' | 'title too generic to match';
  bugs: KnownBug[];
}

export function matchCrashes(index: CveIndex, crashes: CrashInput[], v: Version): CrashMatch[] {
  const byKey = new Map<string, { cve: number; quoted: string }[]>();
  index.cves.forEach((c, i) => {
    for (const q of c.crashes)
      for (const k of q.keys) byKey.set(k, [...(byKey.get(k) ?? []), { cve: i, quoted: q.title }]);
  });
  return groupByTitle(crashes).map((crash) => {
    const own = normaliseTitle(crash.title);
    const keys = [...new Set([...(own ? [own] : []), ...(crash.keys ?? [])])];
    const seen = new Set<number>();
    const bugs: KnownBug[] = [];
    for (const k of keys) {
      for (const hit of byKey.get(k) ?? []) {
        if (seen.has(hit.cve)) continue;
        seen.add(hit.cve);
        const c = index.cves[hit.cve];
        const verdict = judgeCode(c.code, v);
        bugs.push({
          cve: c.id,
          summary: c.summary,
          quoted: hit.quoted,
          fixCommits: c.sha1,
          affected: verdict.affected,
          fixedIn: verdict.fixedIn,
        });
      }
    }
    const verdict =
      keys.length === 0 ? 'title too generic to match' : bugs.length ? 'known upstream bug' : 'no known upstream bug';
    return { title: crash.title, count: crash.count ?? 1, keys, verdict, bugs };
  });
}

/** One entry per distinct title, in first-seen order, with the keys of all its reports and their count. */
function groupByTitle(crashes: CrashInput[]): CrashInput[] {
  const by = new Map<string, { title: string; keys: Set<string>; count: number }>();
  for (const c of crashes) {
    let g = by.get(c.title);
    if (!g) by.set(c.title, (g = { title: c.title, keys: new Set(), count: 0 }));
    g.count += c.count ?? 1;
    for (const k of c.keys ?? []) g.keys.add(k);
  }
  return [...by.values()].map((g) => ({ title: g.title, keys: [...g.keys], count: g.count }));
}
