// What each failure does, with a real worker process and PostgreSQL: an infrastructure failure (the kernel's
// artifact gone from the share) is retried with growing delays up to the job's limit and then fails (exit 3 for
// `kdk submit --wait`); a job past its timeout is ended and counted as such, its QEMU gone; a waiting job can be
// cancelled, once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { skipIf } from '../helpers.js';
import { cFile, noQemuWith, stockKernel, tag } from '../vm/fixtures.js';
import { pgUnavailable, queueEnv, startWorker, until } from './fixtures.js';

const skip = skipIf(pgUnavailable());
const SLEEP = '#include <unistd.h>\nint main(void) { sleep(30); return 0; }\n';

test('infra errors retry with backoff to the limit; timeouts end the job; cancel', { skip }, async () => {
  const kernel = stockKernel();
  const env = await queueEnv();
  const t = tag();
  const repro = cFile('sleep.c', SLEEP);
  // Its own reproducer (tagged), so no worker's local cache holds a verified copy of it from an earlier run.
  const fresh = cFile('fresh.c', `/* ${t} */\n${SLEEP}`);
  const submit = (extra: string[]) =>
    env.kdk(['submit', 'run', '--artifacts', env.artifacts, '--kernel', kernel, '--repro', repro, ...extra]);

  // A waiting job is cancelled by the 8 characters `kdk jobs` shows (the full id is printed back);
  // cancelling it again finds nothing to cancel (exit 1); a prefix naming no job, or no id at all, is exit 2.
  const c = await submit(['--append', `${t} kdk.case=cancel`, '--json']);
  const cid: string = JSON.parse(c.stdout).id;
  const byPrefix = await env.kdk(['jobs', 'cancel', cid.slice(0, 8), '--json']);
  assert.equal(byPrefix.code, 0, byPrefix.stderr);
  assert.deepEqual(JSON.parse(byPrefix.stdout), { id: cid, cancelled: true });
  assert.equal((await env.kdk(['jobs', 'cancel', cid])).code, 1);
  const other = (cid[0] === 'f' ? '0' : 'f').repeat(8);
  const none = await env.kdk(['jobs', 'cancel', other]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, new RegExp(`no job ${other}`));
  assert.equal((await env.kdk(['jobs', 'cancel', 'xyz'])).code, 2);

  // The kernel's artifact vanishes from the share after submission: every attempt is an infra-error.
  const lost = await env.kdk([
    ...['submit', 'run', '--artifacts', env.artifacts, '--kernel', kernel, '--repro', fresh],
    ...['--append', `${t} kdk.case=infra`, '--retries', '2', '--json'],
  ]);
  const lostId = JSON.parse(lost.stdout).id;
  for (const d of readdirSync(env.artifacts))
    for (const f of readdirSync(join(env.artifacts, d))) rmSync(join(env.artifacts, d, f));
  const worker = await startWorker(env, 'w-fail', ['--kinds', 'run', '--poll', '0.2'], { KDK_ACCEL: 'tcg' });
  const job = await until(
    'the infra job to fail',
    async () => {
      const r = await env.kdk(['jobs', '--json']);
      const j = JSON.parse(r.stdout).jobs.find((x: { id: string }) => x.id === lostId);
      return j.state === 'failed' ? j : undefined;
    },
    180_000,
  );
  assert.equal(job.state, 'failed');
  assert.deepEqual(
    job.attempts.map((a: { outcome: string }) => a.outcome),
    ['infra-error', 'infra-error', 'infra-error'],
  );
  assert.match(job.attempts[0].detail, /artifact [0-9a-f]{12} is not in/);
  const starts = job.attempts.map((a: { startedAt: string }) => Date.parse(a.startedAt));
  // pg-boss's backoff with a 2 s delay: the first retry after 2-4 s, the second after 4-8 s.
  assert.ok(starts[1] - starts[0] >= 2000, `first retry after ${starts[1] - starts[0]} ms`);
  assert.ok(starts[2] - starts[1] >= 4000, `second retry after ${starts[2] - starts[1]} ms`);

  // A job with a 20 s limit whose guest sleeps 30 s: ended at its timeout, not retried (--retries 0).
  const slow = await submit(['--append', `${t} kdk.case=timeout`, '--retries', '0', '--job-timeout', '20', '--json']);
  assert.equal(slow.code, 0, slow.stderr);
  const timedOut = await env.kdk([
    'submit',
    'run',
    '--artifacts',
    env.artifacts,
    '--kernel',
    kernel,
    '--repro',
    repro,
    '--append',
    `${t} kdk.case=timeout`,
    '--retries',
    '0',
    '--job-timeout',
    '20',
    '--wait',
    '--json',
  ]);
  assert.equal(timedOut.code, 3, 'failed (timeout, no retries left): exit 3');
  assert.equal(JSON.parse(timedOut.stdout).status, 'pending', 'the same inputs: the same job, joined');
  const tj = JSON.parse(timedOut.stdout).job;
  assert.equal(tj.state, 'failed', timedOut.stderr);
  assert.deepEqual(
    tj.attempts.map((a: { outcome: string }) => a.outcome),
    ['timeout'],
  );
  assert.deepEqual(await noQemuWith(t), [], 'the timed-out job took its QEMU with it');

  worker.child.kill('SIGTERM');
  assert.deepEqual(await worker.exited, { code: 0, signal: null }, worker.stderr());
});
