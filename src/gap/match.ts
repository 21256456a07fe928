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
  return crashes.map((crash) => {
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
    return { title: crash.title, keys, verdict, bugs };
  });
}
