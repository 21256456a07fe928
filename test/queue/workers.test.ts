// Three real `kdk worker` processes on a throwaway PostgreSQL, twelve `run` jobs on Debian's stock kernel under
// QEMU, one worker SIGKILLed while its guest runs: its job's lease expires, another worker completes it, its
// QEMU died with it, every job ends exactly once (one result each in the store), kernel crashes are results
// that are never retried, a resubmission reuses the result, and SIGTERM drains the others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { chooseAccel } from '../../src/vm/index.js';
import { skipIf } from '../helpers.js';
import { cFile, liveWith, noQemuWith, stockKernel, tag } from '../vm/fixtures.js';
import { pgUnavailable, queueEnv, startWorker, until, type WorkerProc } from './fixtures.js';

const skip = skipIf(pgUnavailable());
const JOBS = 12;
// Jobs 0 and 6 crash the kernel (sysrq), the rest boot, sleep a second and exit.
const crashes = (i: number) => i % 6 === 0;

const SLEEP = '#include <unistd.h>\nint main(void) { sleep(1); return 0; }\n';
const SYSRQ =
  '#include <fcntl.h>\n#include <unistd.h>\nint main(void) {\n' +
  '  int fd = open("/proc/sysrq-trigger", O_WRONLY);\n  write(fd, "c", 1);\n  return 0;\n}\n';

test('twelve run jobs on three workers, one SIGKILLed mid-job: each job ends exactly once', { skip }, async () => {
  const kernel = stockKernel();
  // The per-host probe once here, not in three workers at once; the workers read its cached verdict.
  await chooseAccel(kernel);
  assert.equal((await chooseAccel(kernel)).source, 'cache', 'the accelerator verdict was not cached');
  const env = await queueEnv();
  const t = tag();
  const sleep = cFile('sleep.c', SLEEP);
  const sysrq = cFile('sysrq.c', SYSRQ);
  const ids: string[] = [];
  for (let i = 0; i < JOBS; i++) {
    const r = await env.kdk([
      ...['submit', 'run', '--artifacts', env.artifacts, '--kernel', kernel],
      ...['--repro', crashes(i) ? sysrq : sleep, '--append', `${t} kdk.job=j${i}j`, '--timeout', '120', '--json'],
    ]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.status, 'new');
    ids.push(s.id);
  }
  assert.equal(new Set(ids).size, JOBS, 'different inputs, different jobs');

  const opts = ['--kinds', 'run', '--slots', '1', '--lease', '15', '--poll', '0.2'];
  const workers: WorkerProc[] = [];
  for (const n of ['w0', 'w1', 'w2']) workers.push(await startWorker(env, n, opts));
  const [victim, ...rest] = workers;

  // The victim's first job, once its guest is running.
  const held = await until(
    'w0 to start a guest',
    () => {
      const m = /\[([0-9a-f]{8})\] kdk-run-x86_64: attempt 1 on w0/.exec(victim.stderr());
      const i = m ? ids.findIndex((id) => id.startsWith(m[1])) : -1;
      return i >= 0 && liveWith(`kdk.job=j${i}j`).length > 0 ? i : undefined;
    },
    240_000,
  ).catch((e: Error) => {
    throw new Error(`${e.message}\n${victim.stderr()}`);
  });
  const qemu = liveWith(`kdk.job=j${held}j`);
  victim.child.kill('SIGKILL');
  await victim.exited;
  assert.deepEqual(await noQemuWith(`kdk.job=j${held}j`, 5000), [], `QEMU ${qemu} outlived its worker`);

  const jobs = await until(
    'all jobs to end',
    async () => {
      const r = await env.kdk(['jobs', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const list = JSON.parse(r.stdout).jobs as { id: string; state: string }[];
      return list.every((j) => ['completed', 'failed', 'cancelled'].includes(j.state)) ? list : undefined;
    },
    600_000,
  );
  type Job = { id: string; state: string; verdict: string; attempts: { worker: string; outcome: string }[] };
  const byId = new Map((jobs as Job[]).map((j) => [j.id, j]));
  assert.equal(byId.size, JOBS);
  for (const [i, id] of ids.entries()) {
    const j = byId.get(id)!;
    assert.equal(j.state, 'completed', `job ${i}: ${JSON.stringify(j)}`);
    assert.equal(j.verdict, crashes(i) ? 'crash' : 'no-crash', `job ${i}: ${JSON.stringify(j)}`);
    const outcomes = j.attempts.map((a) => a.outcome);
    if (i === held) {
      assert.deepEqual(outcomes, ['worker-lost', 'completed'], JSON.stringify(j.attempts));
      assert.equal(j.attempts[0].worker, 'w0');
      assert.notEqual(j.attempts[1].worker, 'w0');
    } else assert.deepEqual(outcomes, ['completed'], `job ${i}: a kernel crash is a result, never retried`);
  }

  // Exactly one result per job in the store, crashes with the kernel's own title.
  const db = new pg.Client({ connectionString: env.url });
  await db.connect();
  try {
    const runs = await db.query('select verdict, count(*)::int as n from runs group by verdict order by verdict');
    assert.deepEqual(runs.rows, [
      { verdict: 'crash', n: 2 },
      { verdict: 'no-crash', n: JOBS - 2 },
    ]);
    const titles = await db.query('select distinct title from crashes');
    assert.deepEqual(
      titles.rows.map((r) => r.title),
      ['kernel panic: sysrq triggered crash'],
    );
  } finally {
    await db.end();
  }
  assert.deepEqual(await noQemuWith(t), [], 'no QEMU left');

  // The same work again is the same job, its result reused without running anything.
  const resubmit = await env.kdk([
    ...['submit', 'run', '--artifacts', env.artifacts, '--kernel', kernel, '--repro', sleep],
    ...['--append', `${t} kdk.job=j1j`, '--timeout', '120', '--json'],
  ]);
  assert.equal(resubmit.code, 0, resubmit.stderr);
  assert.deepEqual(
    { id: JSON.parse(resubmit.stdout).id, status: JSON.parse(resubmit.stdout).status },
    { id: ids[1], status: 'finished' },
  );

  for (const w of rest) w.child.kill('SIGTERM');
  for (const w of rest) assert.deepEqual(await w.exited, { code: 0, signal: null }, w.stderr());
});
