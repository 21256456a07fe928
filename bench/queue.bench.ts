// The job queue's cost (issue 12): the dispatch overhead per job (submitted → started by an idle worker) and the
// throughput of 1, 2 and 4 `kdk worker` processes on short real jobs, as ratios to running the same jobs directly
// in one process, measured in the same run. The short job is a `boot` job: the small test kernel booted to kdk's
// initramfs (a few seconds under TCG), executed by the worker exactly as a team's would (artifact fetched and
// hash-checked, VM run, console kept, result stored). PostgreSQL is a throwaway cluster (test/store/pg.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smallTestKernel } from '../src/build/index.js';
import { buildInitramfs } from '../src/image/index.js';
import {
  ArtifactDir,
  connectQueue,
  FINAL_STATES,
  listJobs,
  submitJob,
  type JobRow,
  type QueueConn,
} from '../src/queue/index.js';
import { DEFAULT_GUEST_ARCH } from '../src/util/arch.js';
import { resolveAccel, runVm } from '../src/vm/index.js';
import { startPg } from '../test/store/pg.js';

const JOBS = Number(process.env.KDK_BENCH_JOBS ?? 8);
const WORKERS = [1, 2, 4];
const DISPATCH_SAMPLES = 5;
const TIMEOUT_S = 120;
const run = `${process.pid}-${Date.now()}`; // every bench run is new work: a job's identity is its inputs

function startWorker(url: string, artifacts: string, name: string, all: Set<ChildProcess>): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['bin/kdk.js', 'worker', '--db', url, '--artifacts', artifacts, '--kinds', 'boot', '--name', name],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  all.add(child);
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      if (/ready: /.test(err)) resolve(child);
    });
    child.on('close', (code) => reject(new Error(`worker ${name} exited (${code}) before ready:\n${err}`)));
  });
}

async function stopWorkers(ws: ChildProcess[]): Promise<void> {
  await Promise.all(
    ws.map(
      (w) =>
        new Promise<void>((res) => (w.exitCode !== null ? res() : (w.on('close', () => res()), w.kill('SIGTERM')))),
    ),
  );
}

async function waitAll(conn: QueueConn, ids: string[]): Promise<JobRow[]> {
  for (;;) {
    const rows = await listJobs(conn, ids);
    if (rows.length === ids.length && rows.every((r) => FINAL_STATES.includes(r.state))) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ms = (a: string, b: string) => new Date(b).getTime() - new Date(a).getTime();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const kernel = (await smallTestKernel((l) => process.stderr.write(l + '\n'))).bzImage;
  const pg = await startPg();
  const artifacts = mkdtempSync(join(tmpdir(), 'kdk-bench-artifacts-'));
  pg.createDb('kdk');
  const url = pg.url('kdk');
  const conn = await connectQueue(url);
  const workers = new Set<ChildProcess>();
  // Stopped by hand (Ctrl-C, a timeout's SIGTERM): no cluster or worker outlives the bench.
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      for (const w of workers) w.kill('SIGKILL');
      pg.stop();
      rmSync(artifacts, { recursive: true, force: true });
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  try {
    const sha = await new ArtifactDir(artifacts).put(kernel);
    const spec = (tag: string) => ({
      kind: 'boot' as const,
      kernel: { sha256: sha, name: 'bzImage' },
      kernelName: 'bench',
      timeoutS: TIMEOUT_S,
      arch: DEFAULT_GUEST_ARCH,
      kvm: false,
      append: `kdk.bench=${run}-${tag}`,
    });

    // Reference: the same boots, one after another, in this process.
    const accel = (await resolveAccel('auto', kernel, DEFAULT_GUEST_ARCH, () => {})).accel;
    const initramfs = buildInitramfs([]);
    const t0 = Date.now();
    for (let i = 0; i < JOBS; i++) {
      const r = await runVm(
        {
          kernel,
          arch: DEFAULT_GUEST_ARCH,
          initramfs,
          append: `kdk.bench=${run}-direct-${i}`,
          bootTimeoutS: TIMEOUT_S,
          runTimeoutS: TIMEOUT_S,
          totalTimeoutS: TIMEOUT_S,
        },
        accel,
      );
      if (!r.booted) throw new Error(`direct boot ${i} failed: ${r.verdict}`);
    }
    const directS = (Date.now() - t0) / 1000;
    console.log(
      `direct, one process: ${JOBS} boots in ${directS.toFixed(1)} s (${(JOBS / directS).toFixed(2)} jobs/s, ${accel})`,
    );

    // Dispatch: one idle worker, one job at a time; submitted → the worker's attempt started.
    const one = [await startWorker(url, artifacts, 'bench-d', workers)];
    const waits: number[] = [];
    for (let i = 0; i < DISPATCH_SAMPLES; i++) {
      const s = await submitJob(conn, spec(`dispatch-${i}`));
      const [row] = await waitAll(conn, [s.id]);
      waits.push(ms(row.submittedAt, row.attempts[0].startedAt));
    }
    await stopWorkers(one);
    const perBoot = (directS / JOBS) * 1000;
    console.log(
      `dispatch overhead (submit → start on an idle worker, worker --poll default): median ${median(waits)} ms ` +
        `of ${DISPATCH_SAMPLES} (${waits.join(', ')} ms) = ${(median(waits) / perBoot).toFixed(3)}x one direct boot`,
    );

    for (const n of WORKERS) {
      const ws = await Promise.all(
        Array.from({ length: n }, (_, i) => startWorker(url, artifacts, `bench-${n}-${i}`, workers)),
      );
      const t1 = Date.now();
      const ids: string[] = [];
      for (let i = 0; i < JOBS; i++) ids.push((await submitJob(conn, spec(`w${n}-${i}`))).id);
      const rows = await waitAll(conn, ids);
      const wallS = (Date.now() - t1) / 1000;
      await stopWorkers(ws);
      const bad = rows.filter((r) => r.state !== 'completed' || r.verdict !== 'no-crash');
      if (bad.length) throw new Error(`${bad.length} jobs did not complete: ${JSON.stringify(bad[0])}`);
      console.log(
        `${n} worker${n > 1 ? 's' : ''}: ${JOBS} jobs in ${wallS.toFixed(1)} s (${(JOBS / wallS).toFixed(2)} jobs/s) = ` +
          `${(directS / wallS).toFixed(2)}x direct throughput`,
      );
    }
  } finally {
    await conn.close();
    pg.stop();
    rmSync(artifacts, { recursive: true, force: true });
  }
}

await main();
