// Real consoles for the store tests: syzkaller's report corpus (read in place), the cases whose first crash the
// report stage titles as syzkaller does, with their expected (ground-truth) titles.
import { parseLog } from '../../src/report/index.js';
import { caseNames, loadReportCase, type Case } from '../report/corpus.js';
import { haveShared } from '../helpers.js';

export const haveCorpus = () => haveShared('corpora', 'syzkaller-report', 'report');

/** Up to `n` single-crash cases (clean or corrupted as asked) the report stage agrees with. */
export function corpusCases(n: number, kind: 'clean' | 'corrupted' = 'clean'): Case[] {
  const out: Case[] = [];
  for (const name of caseNames('report')) {
    const c = loadReportCase(name);
    if (!c.want.title || c.want.suppressed || c.want.corrupted !== (kind === 'corrupted')) continue;
    const reps = parseLog(c.log);
    if (reps.length !== 1 || reps[0].title !== c.want.title || reps[0].corrupted !== c.want.corrupted) continue;
    out.push(c);
    if (out.length >= n) break;
  }
  return out;
}
