// Golden test of `kdk abi diff` against Debian's own ABI check: each case in fixtures/abi/cases/ (old, new,
// optional defines with [abi] ignore-changes) goes through buildcheck.py's CheckAbi (bookworm's packaging, run by
// fixtures/abi/debian-checkabi.py) and through the kdk CLI; the verdict, exit status and every listed symbol
// with its ignored mark must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { abiFixtures as fixtures, debianCheckAbi, kdkCheckAbi } from './abi-helpers.js';

const cases = readdirSync(join(fixtures, 'cases')).sort();

test('the golden cases cover each of buildcheck.py verdicts and sections', () => {
  const seen = new Set<string>();
  for (const c of cases) {
    const d = join(fixtures, 'cases', c);
    const defines = existsSync(join(d, 'defines')) ? join(d, 'defines') : undefined;
    const deb = debianCheckAbi(join(d, 'old'), join(d, 'new'), defines);
    seen.add(deb.verdict);
    for (const s of Object.keys(deb.sections)) seen.add(s);
  }
  for (const v of ['changed', 'changed-all-ignored', 'added', 'added-all-ignored', 'unchanged'])
    assert.ok(seen.has(v), `no case reaches ${v}`);
  for (const s of ['unversioned', 'added', 'changed', 'removed']) assert.ok(seen.has(s), `no case lists ${s}`);
});

for (const c of cases) {
  test(`abi diff agrees with Debian's buildcheck.py: ${c}`, () => {
    const d = join(fixtures, 'cases', c);
    const defines = existsSync(join(d, 'defines')) ? join(d, 'defines') : undefined;
    const deb = debianCheckAbi(join(d, 'old'), join(d, 'new'), defines);
    const ours = kdkCheckAbi(join(d, 'old'), join(d, 'new'), defines);
    assert.equal(ours.status, deb.status, 'exit status');
    assert.equal(ours.verdict, deb.verdict, 'verdict');
    assert.deepEqual(ours.sections, deb.sections, 'listed symbols');
  });
}
