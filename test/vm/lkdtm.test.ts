// The small LKDTM/KASAN kernel built from Debian's linux-source-6.1: each LKDTM crash type, run through
// `kdk run`, gives the title the console shows (cases in data/lkdtm.json); a program doing nothing gives none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cFile, kdk, lkdtmSource, noQemuWith, smallKernel, tag } from './fixtures.js';

const cases = (
  JSON.parse(readFileSync(join(import.meta.dirname, 'data', 'lkdtm.json'), 'utf8')) as {
    cases: { type: string; title: string }[];
  }
).cases;
const kernel = await smallKernel();

for (const c of cases) {
  test(`LKDTM ${c.type}: kdk run reports "${c.title}"`, async () => {
    const t = tag();
    const repro = cFile(`lkdtm-${c.type}.c`, lkdtmSource(c.type));
    const r = await kdk([
      'run',
      '--kernel',
      kernel.bzImage,
      '--repro',
      repro,
      '--append',
      t,
      '--timeout',
      '120',
      '--json',
    ]);
    assert.equal(r.code, 1, r.stderr);
    const res = JSON.parse(r.stdout);
    const run = res.runs[0];
    assert.equal(run.verdict, 'crash', run.reason);
    assert.equal(run.crashes[0].title, c.title);
    // The console itself shows the LKDTM action that was provoked.
    assert.match(readFileSync(run.consoleLog, 'utf8'), new RegExp(`lkdtm: Performing direct entry ${c.type}`));
    assert.deepEqual(await noQemuWith(t), []);
  });
}

test('a program that does nothing: no crash, in every one of 2 parallel runs with their own logs', async () => {
  const t = tag();
  const repro = cFile('nothing.c', 'int main(void) { return 0; }\n');
  const r = await kdk([
    'run',
    '--kernel',
    kernel.bzImage,
    '--repro',
    repro,
    '--append',
    t,
    '--repeat',
    '2',
    '--parallel',
    '2',
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.equal(res.summary.verdict, 'no-crash');
  assert.deepEqual(res.summary.verdicts, { 'no-crash': 2 });
  assert.notEqual(res.runs[0].consoleLog, res.runs[1].consoleLog);
  for (const run of res.runs) assert.deepEqual(run.programs, [{ name: '01-repro', status: 0 }]);
  assert.deepEqual(await noQemuWith(t), []);
});
