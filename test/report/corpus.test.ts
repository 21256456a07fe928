// Ground truth nobody here wrote: every file of syzkaller's report corpus, each field it gives
// compared with what kdk's parser says. Prints the accuracy figures and the misses by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLog, type CrashReport } from '../../src/report/index.js';
import { skipIf, haveShared } from '../helpers.js';
import { caseNames, loadGuiltyCase, loadReportCase, type Case } from './corpus.js';

const missing = haveShared('corpora', 'syzkaller-report') ? undefined : '../shared/corpora/syzkaller-report is missing';

const latin1 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

/** Every field the corpus file gives, as "field: got X, want Y" lines (empty when all agree). */
function compare(c: Case, r: CrashReport | undefined): { titleOk: boolean; diffs: string[] } {
  const w = c.want;
  const diffs: string[] = [];
  const eq = (field: string, got: unknown, want: unknown): void => {
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      diffs.push(`${field}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
  };
  eq('title', r?.title ?? '', w.title);
  eq('alt titles', [...(r?.altTitles ?? [])].sort(), w.altTitles);
  eq('type', r?.type ?? '', w.type);
  eq('corrupted', r?.corrupted ?? false, w.corrupted);
  eq('panicked', r?.panicked ?? false, w.panicked);
  eq('suppressed', r?.suppressed ?? false, w.suppressed);
  if (w.frame !== undefined) eq('frame', r?.guiltyFrame, w.frame);
  if (w.executor !== undefined) {
    eq('executor', r?.executor ? `proc=${r.executor.procId}, id=${r.executor.execId}` : undefined, w.executor);
  }
  if (w.report !== undefined) eq('report text', latin1(r?.text ?? ''), w.report.toString('latin1'));
  const lineAt = (from: number): string => c.log.subarray(from).toString('latin1').split('\n')[0];
  if (w.startLine !== undefined) eq('start', r ? lineAt(r.start) : undefined, w.startLine);
  if (w.endLine !== undefined) {
    eq('end', r ? c.log.subarray(0, r.end).toString('latin1').split('\n').pop() : undefined, w.endLine);
  }
  return { titleOk: (r?.title ?? '') === w.title, diffs };
}

test('syzkaller report corpus: titles >= 98% and every field >= 95% exactly right', { skip: skipIf(missing) }, () => {
  const names = caseNames('report');
  let titles = 0;
  let all = 0;
  const misses: string[] = [];
  for (const name of names) {
    const c = loadReportCase(name);
    const { titleOk, diffs } = compare(c, parseLog(c.log)[0]);
    if (titleOk) titles++;
    if (diffs.length === 0) all++;
    else misses.push(`  report/${name}: ${diffs.join('; ')}`);
  }
  const pct = (n: number): string => ((100 * n) / names.length).toFixed(1);
  console.log(
    `report corpus: ${names.length} files, title exact ${titles} (${pct(titles)}%), everything exact ${all} (${pct(all)}%)`,
  );
  if (misses.length) console.log(`misses:\n${misses.join('\n')}`);
  assert.ok(names.length > 400, `corpus too small: ${names.length} files`);
  assert.ok(titles / names.length >= 0.98, `title accuracy ${pct(titles)}% < 98%`);
  assert.ok(all / names.length >= 0.95, `full accuracy ${pct(all)}% < 95%`);
});

test('syzkaller guilty-file corpus: the guilty source file of each report', { skip: skipIf(missing) }, () => {
  const names = caseNames('guilty');
  const misses: string[] = [];
  for (const name of names) {
    const c = loadGuiltyCase(name);
    const got = parseLog(c.log)[0]?.guiltyFile;
    if (got !== c.file) misses.push(`  guilty/${name}: got ${got}, want ${c.file}`);
  }
  const ok = names.length - misses.length;
  console.log(
    `guilty corpus: ${names.length} files, guilty file exact ${ok} (${((100 * ok) / names.length).toFixed(1)}%)`,
  );
  if (misses.length) console.log(`misses:\n${misses.join('\n')}`);
  assert.ok(names.length >= 40);
  assert.ok(ok / names.length >= 0.95, `guilty file accuracy below 95%`);
});
