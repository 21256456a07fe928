// What each detector of `kdk plan mvp` catches (issue 13), counted from two real sources: the crash titles CVE
// records quote (the gap stage's index) and syzkaller's crash corpus (each log parsed by the report stage). The
// counting lives in the gap stage because it reads the CVE index and the report parser, both above plan. The
// owning detector is read from the parsed title by detectorOf, never from keyword lists over raw text.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseTitle } from './crash-title.js';
export { sharedSyzkallerCorpus } from './shared-corpus.js';
import { openIndex } from './index-store.js';
import { parseLog, titleToType } from '../report/index.js';
import { detectorOf, MVP_DETECTORS, type MvpDetector } from '../plan/index.js';

export interface Catches {
  /** Per detector, the ids of the bugs it owns (`CVE-…` or `syz:<file>`). */
  byDetector: Record<MvpDetector, Set<string>>;
  /** Per bug, the detectors that own it (a CVE quoting a KASAN and a lockdep report has both). */
  byBug: Map<string, MvpDetector[]>;
  /** Bugs seen (with a parsed crash) that no detector owns: a plain kernel reports them too. */
  none: number;
  sources: { cves: number; cvesWithCrash: number; corpusLogs: number; corpusReports: number; corpus?: string };
}

/** syzkaller's crash-report corpus beside the project (the shared corpora), the default `--corpus`. */

function empty(): Record<MvpDetector, Set<string>> {
  return Object.fromEntries(MVP_DETECTORS.map((d) => [d, new Set<string>()])) as Record<MvpDetector, Set<string>>;
}

/** Count detectors over the CVE index's quoted crashes and (when the directory exists) a syzkaller report corpus. */
export async function mvpCatches(opts: { corpus?: string; tarball?: string } = {}): Promise<Catches> {
  const byDetector = empty();
  let none = 0;
  const { index } = await openIndex(opts.tarball ? { tarball: opts.tarball } : {});
  let cvesWithCrash = 0;
  for (const c of index.cves) {
    if (!c.crashes.length) continue;
    cvesWithCrash++;
    // A CVE counts once per detector; the first quoted crash a detector owns decides it.
    // The index keeps the quoted line as written (`BUG: KASAN: …`); the gap stage's normaliser gives the title form.
    const owners = new Set(
      c.crashes.map((x) => {
        // normaliseTitle gives up on lines that name no place (`BUG: KASAN: null-ptr-deref in range [...]`),
        // yet the detector is still plain in the headline: drop the `BUG: ` wrapper the kernel puts on it.
        const title =
          normaliseTitle(x.title) ?? x.title.replace(/^\s*(?:BUG: )(?=(?:KASAN|KMSAN|KCSAN|KFENCE|UBSAN): )/, '');
        return detectorOf({ title, type: titleToType(title) });
      }),
    );
    let owned = false;
    for (const d of owners) {
      if (!d) continue;
      byDetector[d].add(c.id);
      owned = true;
    }
    if (!owned) none++;
  }
  let corpusLogs = 0;
  let corpusReports = 0;
  if (opts.corpus) {
    for (const name of readdirSync(opts.corpus).sort()) {
      const file = join(opts.corpus, name);
      if (!statSync(file).isFile()) continue;
      corpusLogs++;
      const reports = parseLog(readFileSync(file));
      if (!reports.length) continue;
      corpusReports++;
      const d = detectorOf(reports[0]!);
      if (d) byDetector[d].add(`syz:${name}`);
      else none++;
    }
  }
  const byBug = new Map<string, MvpDetector[]>();
  for (const d of MVP_DETECTORS) for (const id of byDetector[d]) byBug.set(id, [...(byBug.get(id) ?? []), d]);
  return {
    byDetector,
    byBug,
    none,
    sources: {
      cves: index.cves.length,
      cvesWithCrash,
      corpusLogs,
      corpusReports,
      ...(opts.corpus ? { corpus: opts.corpus } : {}),
    },
  };
}
