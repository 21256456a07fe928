// No report rule may blow up on what a guest prints: every compiled pattern (titles, report patterns,
// stack parts, skip lists, frame and file patterns) is run over long lines built from its own literal
// fragments (4,096 characters: the stream's line cap), under a time limit. A cubic rule
// (`WARNING: .*mm/.*\.c.* k?.?malloc` took 5.6 s on one such line) fails here; so does any future one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseLog } from '../../src/report/index.js';
import { adversarialInputs, literalFragments } from './adversarial.js';

/** Per rule, the worst single line. Measured: the slowest linear-or-quadratic rule takes about 0.1 s on a
 * loaded 2-core machine, a cubic one 15-20 s; the limit sits between with room for load. */
const LIMIT_MS = 1000;
/** The whole sweep (about 650 patterns); past it the rule in progress is the one named. */
const SWEEP_MS = 240_000;

interface Msg {
  started?: string;
  done?: string;
  source?: string;
  ms?: number;
  inputLen?: number;
  finished?: number;
}

test('the fragment reader finds the literals of a rule', () => {
  assert.deepEqual(literalFragments(String.raw`WARNING: .*mm/.*\.c.* k?.?malloc`), [
    'WARNING: ',
    'mm/',
    '.c',
    ' k',
    'malloc',
  ]);
  const inputs = adversarialInputs(String.raw`WARNING: .*mm/.*\.c.* k?.?malloc`);
  assert.ok(inputs.some((s) => s.length >= 4000 && s.startsWith('WARNING: mm/.c')));
});

test(
  'every compiled report rule stays fast on 4,096-character adversarial lines',
  { timeout: SWEEP_MS + 10_000 },
  async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./redos-worker.ts', import.meta.url)), '4096'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const slow: string[] = [];
    let current = '';
    let count = 0;
    const timedOut = await new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => resolve(true), SWEEP_MS);
      createInterface({ input: child.stdout }).on('line', (line) => {
        const m = JSON.parse(line) as Msg;
        if (m.started) current = `${m.started}: /${m.source}/`;
        if (m.done && m.ms! > LIMIT_MS)
          slow.push(`${m.done}: /${m.source}/ took ${m.ms!.toFixed(0)} ms on ${m.inputLen} chars`);
        if (m.finished !== undefined) count = m.finished;
      });
      child.on('error', reject);
      child.on('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    child.kill('SIGKILL');
    assert.ok(!timedOut, `the sweep did not finish in ${SWEEP_MS / 1000} s; stuck in ${current}`);
    console.log(`adversarial sweep: ${count} distinct patterns, limit ${LIMIT_MS} ms per line`);
    assert.ok(count > 300, `only ${count} patterns found`);
    assert.deepEqual(slow, []);
  },
);

test('a console of long WARNING lines parses in bounded time', () => {
  // The shape that was worst for `WARNING: .*mm/.*\.c.* k?.?malloc` (many starts, each cubic): ten
  // 4,000-character lines of it took minutes before the fix.
  const line = 'WARNING: mm/.c'.repeat(285);
  const log = `[    1.000000] ${line}\n`.repeat(10) + '[    1.000001] Call Trace:\n[    1.000002]  foo+0x1/0x2\n';
  const t0 = performance.now();
  const reps = parseLog(Buffer.from(log));
  const ms = performance.now() - t0;
  assert.ok(reps.length >= 1);
  assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
});
