// Ground truth nobody here wrote: every file of syzkaller's report corpus, each field it gives
// compared with what kdk's parser says. Prints the accuracy figures and the misses by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLog } from '../../src/report/index.js';
import { skipIf, haveShared } from '../helpers.js';
import { caseNames, compareCase, loadGuiltyCase, loadReportCase } from './corpus.js';

const missing = haveShared('corpora', 'syzkaller-report') ? undefined : '../shared/corpora/syzkaller-report is missing';

test('syzkaller report corpus: titles >= 98% and every field >= 95% exactly right', { skip: skipIf(missing) }, () => {
  const names = caseNames('report');
  let titles = 0;
  let all = 0;
  const misses: string[] = [];
  for (const name of names) {
    const c = loadReportCase(name);
    const { titleOk, diffs } = compareCase(c, parseLog(c.log)[0]);
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
