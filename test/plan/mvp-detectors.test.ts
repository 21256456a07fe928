// `kdk plan mvp` counts a detector's catches from the report parser's output. Checked against syzkaller's corpus
// (ground truth: the titles and types syzkaller's own parser gives each log): the detector kdk reads from its own
// parse of the log must be the detector the corpus' expected title and type name, for (nearly) every crash log,
// and every detector the expected titles name must be found at least once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseNames, loadReportCase } from '../report/corpus.js';
import { parseLog } from '../../src/report/index.js';
import { detectorOf } from '../../src/plan/mvp-detectors.js';

test('the detector read from the parser agrees with the corpus expected titles', () => {
  let total = 0;
  let agree = 0;
  const wrong: string[] = [];
  const seenWant = new Set<string>();
  const seenGot = new Set<string>();
  for (const name of caseNames('report')) {
    const c = loadReportCase(name);
    if (!c.want.title || c.want.corrupted) continue;
    const want = detectorOf({ title: c.want.title, type: c.want.type }) ?? 'none';
    const r = parseLog(c.log)[0];
    const got = r ? (detectorOf(r) ?? 'none') : 'none';
    total++;
    seenWant.add(want);
    if (got === want) {
      agree++;
      seenGot.add(got);
    } else wrong.push(`${name}: want ${want} (${c.want.title}) got ${got} (${r?.title ?? 'no report'})`);
  }
  console.log(`detector agreement ${agree}/${total}; detectors in corpus: ${[...seenWant].sort().join(' ')}`);
  assert.ok(total > 300, `corpus too small: ${total}`);
  assert.ok(agree / total >= 0.97, `agreement ${agree}/${total}:\n${wrong.slice(0, 20).join('\n')}`);
  for (const d of seenWant) assert.ok(seenGot.has(d), `detector ${d} never read correctly from the parser`);
  // The title rules alone (type withheld) against the corpus' own TYPE header, where that names a sanitizer.
  const byType: [RegExp, string][] = [
    [/^KASAN-/, 'KASAN'],
    [/^KFENCE-/, 'KFENCE'],
    [/^KMSAN-/, 'KMSAN'],
    [/^UBSAN/, 'UBSAN'],
  ];
  for (const name of caseNames('report')) {
    const w = loadReportCase(name).want;
    const hit = byType.find(([re]) => re.test(w.type));
    if (w.title && hit) assert.equal(detectorOf({ title: w.title, type: '' }), hit[1], `${name}: ${w.title}`);
  }
  for (const d of ['KASAN', 'KMSAN', 'LOCKDEP', 'KMEMLEAK', 'KFENCE', 'UBSAN']) assert.ok(seenWant.has(d), d);
});
