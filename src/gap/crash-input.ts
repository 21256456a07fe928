// Crash titles to match, from a report file (whatever `kdk report parse --json`/`--jsonl` writes, a CrashReport,
// or a list of them: read and validated by the report stage) or from a raw console log (parsed by the report
// stage, with the oops lines in each report's text as further keys). Both are streamed and grouped by title as
// they are read: a console that repeats one crash 40,000 times is one crash seen 40,000 times.
import { normaliseTitle } from './crash-title.js';
import { quotedCrashes } from './quoted-crashes.js';
import type { CrashInput } from './match.js';
import type { CrashReport } from '../report/index.js';

// Only `gap match` needs the report stage: the other gap commands do not load it.
const reportStage = () => import('../report/index.js');

/** The crash keys a report adds to its title: its alternative titles and the oops lines in its text. */
function keysOf(r: Pick<CrashReport, 'altTitles' | 'text'>): string[] {
  const alt = r.altTitles.map((t) => normaliseTitle(t)).filter((k): k is string => k !== undefined);
  return [...alt, ...quotedCrashes(r.text).flatMap((q) => q.keys)];
}

class TitleGroups {
  private readonly groups = new Map<string, { keys: Set<string>; count: number }>();
  add(r: Pick<CrashReport, 'title' | 'altTitles' | 'text'>): void {
    let g = this.groups.get(r.title);
    if (!g) this.groups.set(r.title, (g = { keys: new Set(), count: 0 }));
    g.count++;
    for (const k of keysOf(r)) g.keys.add(k);
  }
  list(): CrashInput[] {
    return [...this.groups].map(([title, g]) => ({ title, keys: [...g.keys], count: g.count }));
  }
}

export async function crashesFromFile(file: string): Promise<CrashInput[]> {
  const { checkInputFile, looksLikeReportJson, readReportFile, readLogReports } = await reportStage();
  checkInputFile(file);
  const groups = new TitleGroups();
  // A console may start with `[  12.3]`: only a .json/.jsonl name or a leading `{` means a report file.
  if (/\.jsonl?$/.test(file) || looksLikeReportJson(file)) {
    for await (const r of readReportFile(file)) groups.add(r);
  } else {
    for await (const reps of readLogReports(file)) for (const r of reps) groups.add(r);
  }
  return groups.list();
}
