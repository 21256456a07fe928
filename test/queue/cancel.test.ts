// `kdk jobs cancel` on running jobs, with a real worker: a `repro` job (a bug bundle carrying Debian's stock
// kernel) and a `run` job, each with its guest up and its reproducer sleeping, are cancelled; within the worker's
// next heartbeat their QEMU processes are gone (checked in /proc, as every queue test does), both jobs are
// `cancelled` with one attempt ended `cancelled`; the same worker then runs a repro job to its end (`reproduced`)
// and drains at SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipIf } from '../helpers.js';
import { cFile, liveWith, noQemuWith, stockKernel, tag } from '../vm/fixtures.js';
import { pgUnavailable, queueEnv, startWorker, until } from './fixtures.js';

const skip = skipIf(pgUnavailable());
const SLEEP = '#include <unistd.h>\nint main(void) { sleep(240); return 0; }\n';
const SYSRQ =
  '#include <fcntl.h>\n#include <unistd.h>\nint main(void) {\n' +
  '  int fd = open("/proc/sysrq-trigger", O_WRONLY);\n  write(fd, "c", 1);\n  return 0;\n}\n';

function bundle(kernel: string, title = 'a crash this sleeper never makes', repro = SLEEP): string {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-cancel-bundle-'));
  writeFileSync(join(dir, 'bug.json'), JSON.stringify({ title, arch: 'x86_64' }));
  writeFileSync(join(dir, 'repro.c'), repro);
  copyFileSync(kernel, join(dir, 'bzImage'));
  return dir;
}

test('cancelling running repro and run jobs stops their QEMU and marks them cancelled', { skip }, async () => {
  const kernel = stockKernel();
  const env = await queueEnv();
  const t = tag();
  const common = ['--artifacts', env.artifacts, '--timeout', '300', '--retries', '0', '--json'];
  // Each job's guests carry the tag on their kernel command line (--append), which the /proc check finds.
  const repro = await env.kdk([
    ...['submit', 'repro', '--bundle', bundle(kernel), '--repeat', '3'],
    ...['--append', `${t} kdk.case=repro`, ...common],
  ]);
  assert.equal(repro.code, 0, repro.stderr);
  const run = await env.kdk([
    ...['submit', 'run', '--kernel', kernel, '--repro', cFile('sleep.c', SLEEP)],
    ...['--append', `${t} kdk.case=run`, ...common],
  ]);
  assert.equal(run.code, 0, run.stderr);
  const ids = { repro: JSON.parse(repro.stdout).id, run: JSON.parse(run.stdout).id };

  // Heartbeat (and so the cancel check) every 2 s; both jobs at once.
  const worker = await startWorker(env, 'w-cancel', ['--kinds', 'run,repro', '--slots', '2', '--lease', '6'], {
    KDK_ACCEL: 'tcg',
  });
  await until(
    'both guests to run',
    () => liveWith(`${t} kdk.case=repro`).length > 0 && liveWith(`${t} kdk.case=run`).length > 0,
    240_000,
  ).catch((e: Error) => {
    throw new Error(`${e.message}\n${worker.stderr()}`);
  });
  for (const id of Object.values(ids)) {
    const c = await env.kdk(['jobs', 'cancel', id]);
    assert.equal(c.code, 0, c.stderr);
  }
  for (const c of ['repro', 'run'])
    assert.deepEqual(await noQemuWith(`${t} kdk.case=${c}`, 15_000), [], `the cancelled ${c} job's QEMU lives on`);

  const jobs = await until(
    'the attempts to end',
    async () => {
      const list = JSON.parse((await env.kdk(['jobs', '--json'])).stdout).jobs;
      return list.every((j: { attempts: { endedAt?: string }[] }) => j.attempts.every((a) => a.endedAt))
        ? list
        : undefined;
    },
    30_000,
  );
  for (const [kind, id] of Object.entries(ids)) {
    const j = jobs.find((x: { id: string }) => x.id === id);
    assert.equal(j.state, 'cancelled', `${kind}: ${JSON.stringify(j)}`);
    assert.deepEqual(
      j.attempts.map((a: { outcome: string }) => a.outcome),
      ['cancelled'],
      kind,
    );
  }

  // The same worker runs a repro job to its end: a bundle whose reproducer crashes the kernel as its bug.json says.
  const hit = await env.kdk([
    ...['submit', 'repro', '--bundle', bundle(kernel, 'kernel panic: sysrq triggered crash', SYSRQ), '--repeat', '1'],
    ...['--append', `${t} kdk.case=reproduced`, ...common, '--wait'],
  ]);
  assert.equal(hit.code, 0, `${hit.stderr}\n${worker.stderr()}`);
  const hj = JSON.parse(hit.stdout).job;
  assert.deepEqual([hj.state, hj.verdict, hj.attempts.length], ['completed', 'reproduced', 1]);
  assert.deepEqual(await noQemuWith(t), [], 'no QEMU left');

  worker.child.kill('SIGTERM');
  assert.deepEqual(await worker.exited, { code: 0, signal: null }, worker.stderr());
});
