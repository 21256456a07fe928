// `kdk worker`: N slots pulling jobs from the pg-boss queues this machine can serve, each attempt recorded with
// the worker that made it. Liveness is a lease: the worker heartbeats every lease/3; any worker finding another's
// heartbeat older than its lease ends that worker's open attempts as `worker-lost` and fails them to pg-boss,
// which retries them (with backoff) on whoever polls next. Its QEMU died with it (pdeathsig, src/util/proc.ts).
// SIGTERM drains (no new jobs, running ones finish); a second SIGTERM hands the running ones back.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type PgBoss from 'pg-boss';
import { openStore, type Store } from '../store/index.js';
import { ExitCode, KdkError } from '../util/errors.js';
import { onTerminate } from '../util/proc.js';
import { openArtifacts, type ArtifactStore } from './artifacts.js';
import { queuesFor, workerCaps, type WorkerCaps } from './caps.js';
import { connectQueue, type QueueConn } from './connect.js';
import { executeJob } from './execute.js';
import { InfraError } from './infra-error.js';
import { JobSpec, type JobKind } from './kinds.js';
import { META } from './meta.js';
import { startDistccd, type DistccdOptions } from './distccd.js';

export interface WorkerOptions {
  url: string;
  /** The artifact store every worker and submitter reaches: a directory, or a kdk server's URL. */
  artifacts: string;
  /** The kdk server's write token, for uploads when `artifacts` is a URL. */
  artifactToken?: string;
  kinds: JobKind[];
  slots: number;
  /** Seconds without a heartbeat before this worker counts as lost (default 30). */
  leaseS?: number;
  /** Seconds between polls of an idle slot (default 0.5). */
  pollS?: number;
  name?: string;
  log: (l: string) => void;
  /** Also serve compiles for `kdk build --distcc` (distccd, ended with the worker). */
  distccd?: DistccdOptions;
  /** Called once the worker is registered and polling (tests and benchmarks wait for it). */
  onReady?: (id: string, caps: WorkerCaps, queues: string[]) => void;
}

export const WORKER_DEFAULTS = { leaseS: 30, pollS: 0.5 };

type Ending = { outcome: 'cancelled' | 'timeout' | 'handed-back' | 'lease-lost'; detail: string };

interface Held {
  queue: string;
  n: number;
  abort: AbortController;
}

class Abort extends Error {
  constructor(readonly ending: Ending) {
    super(ending.detail);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Worker {
  readonly id: string;
  private conn!: QueueConn;
  private store!: Store;
  private caps!: WorkerCaps;
  private queues: string[] = [];
  private draining = false;
  private held = new Map<string, Held>();
  private artifacts: ArtifactStore;
  private leaseS: number;
  private done = 0;

  constructor(private opts: WorkerOptions) {
    this.id = opts.name ?? `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
    this.artifacts = openArtifacts(opts.artifacts, opts.artifactToken);
    this.leaseS = opts.leaseS ?? WORKER_DEFAULTS.leaseS;
  }

  /** Stop taking jobs; running ones finish. */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.opts.log(`kdk: worker ${this.id}: draining (${this.held.size} running; SIGTERM again hands them back)`);
  }

  /** Give the running jobs back to the queue (retried elsewhere). */
  handBack(): void {
    this.drain();
    for (const h of this.held.values())
      h.abort.abort(new Abort({ outcome: 'handed-back', detail: `worker ${this.id} stopped` }));
  }

  async run(): Promise<{ jobs: number }> {
    this.conn = await connectQueue(this.opts.url, { supervise: true });
    try {
      this.store = await openStore(this.opts.url);
      this.caps = await workerCaps(this.opts.kinds, this.opts.slots, this.opts.log);
      this.queues = queuesFor(this.caps);
      for (const q of this.queues) await this.conn.boss.createQueue(q).catch(() => undefined);
      await this.conn.pool.query(
        `insert into ${META}.workers (id, host, pid, caps, lease_s, state) values ($1,$2,$3,$4,$5,'running')
         on conflict (id) do update set host = $2, pid = $3, caps = $4, lease_s = $5, state = 'running',
           started_at = now(), last_seen = now()`,
        [this.id, this.caps.host, process.pid, JSON.stringify(this.caps), this.leaseS],
      );
      const beat = setInterval(() => void this.heartbeat(), (this.leaseS * 1000) / 3);
      this.opts.onReady?.(this.id, this.caps, this.queues);
      try {
        await Promise.all(Array.from({ length: this.opts.slots }, () => this.slot()));
      } finally {
        clearInterval(beat);
        await this.conn.pool
          .query(`update ${META}.workers set state = 'stopped', last_seen = now() where id = $1`, [this.id])
          .catch(() => undefined);
      }
      return { jobs: this.done };
    } finally {
      await this.store?.close().catch(() => undefined);
      await this.conn.close();
    }
  }

  private async slot(): Promise<void> {
    let turn = 0;
    while (!this.draining) {
      let job: PgBoss.Job<{ key: string; spec: unknown }> | undefined;
      let queue = '';
      for (let i = 0; i < this.queues.length && !job && !this.draining; i++) {
        queue = this.queues[(turn + i) % this.queues.length];
        [job] = await this.conn.boss.fetch<{ key: string; spec: unknown }>(queue, { batchSize: 1 });
      }
      turn++;
      if (job) await this.attempt(queue, job);
      else await sleep((this.opts.pollS ?? WORKER_DEFAULTS.pollS) * 1000);
    }
  }

  private async heartbeat(): Promise<void> {
    try {
      const me = await this.conn.pool.query(
        `update ${META}.workers set last_seen = now() where id = $1 and state = 'running' returning id`,
        [this.id],
      );
      if (me.rowCount === 0 && !this.draining) {
        // Another worker took this one for lost (it could not heartbeat in time): its jobs run elsewhere now.
        this.opts.log(`kdk: worker ${this.id}: lease lost; stopping`);
        this.draining = true;
        for (const h of this.held.values())
          h.abort.abort(new Abort({ outcome: 'lease-lost', detail: 'the lease expired; retried elsewhere' }));
      }
      await this.reap();
      await this.checkCancelled();
    } catch (e) {
      this.opts.log(`kdk: worker ${this.id}: heartbeat: ${(e as Error).message}`);
    }
  }

  /** Ends the open attempts of workers whose lease ran out, and fails their jobs to pg-boss (a retry). */
  private async reap(): Promise<void> {
    await this.conn.pool.query(
      `update ${META}.workers set state = 'lost'
       where state = 'running' and last_seen < now() - lease_s * interval '1 second'`,
    );
    const lost = await this.conn.pool.query(
      `update ${META}.attempts a set ended_at = now(), outcome = 'worker-lost',
         detail = 'worker ' || a.worker || ' stopped heartbeating (lease ' || w.lease_s || ' s)'
       from ${META}.workers w
       where a.worker = w.id and a.ended_at is null and w.state in ('lost', 'stopped')
       returning a.job_id, a.queue, a.worker`,
    );
    for (const r of lost.rows) {
      this.opts.log(`kdk: worker ${this.id}: job ${r.job_id}: worker ${r.worker} lost; retrying it`);
      await this.conn.boss.fail(r.queue, r.job_id, { error: `worker ${r.worker} lost` });
    }
  }

  private async checkCancelled(): Promise<void> {
    if (this.held.size === 0) return;
    const r = await this.conn.pool.query(
      `select id from pgboss.job where id = any($1::uuid[]) and state = 'cancelled'`,
      [[...this.held.keys()]],
    );
    for (const row of r.rows)
      this.held.get(row.id)?.abort.abort(new Abort({ outcome: 'cancelled', detail: 'cancelled (kdk jobs cancel)' }));
  }

  private async attempt(queue: string, job: PgBoss.Job<{ key: string; spec: unknown }>): Promise<void> {
    const { pool, boss } = this.conn;
    const meta = await pool.query(`select timeout_s from ${META}.jobs where id = $1`, [job.id]);
    const timeoutS: number = meta.rows[0]?.timeout_s ?? job.expireInSeconds;
    const n = await pool.query(
      `insert into ${META}.attempts (job_id, n, worker, queue)
       select $1, coalesce(max(n), 0) + 1, $2, $3 from ${META}.attempts where job_id = $1 returning n`,
      [job.id, this.id, queue],
    );
    const abort = new AbortController();
    this.held.set(job.id, { queue, n: n.rows[0].n, abort });
    const timer = setTimeout(
      () => abort.abort(new Abort({ outcome: 'timeout', detail: `ran past its timeout of ${timeoutS} s` })),
      timeoutS * 1000,
    );
    const workDir = mkdtempSync(join(tmpdir(), 'kdk-job-'));
    const log = (l: string) => this.opts.log(`kdk: [${job.id.slice(0, 8)}] ${l.replace(/^kdk: /, '')}`);
    let outcome = 'completed';
    let detail = '';
    log(`${queue}: attempt ${n.rows[0].n} on ${this.id}`);
    try {
      const verdict = await this.perform(job, workDir, abort.signal, log);
      const r = (await boss.complete(queue, job.id, verdict)) as unknown as { affected: number };
      detail = String(verdict.verdict);
      if (!r.affected) outcome = 'superseded'; // cancelled or retried elsewhere meanwhile; the result stands
      log(`finished: ${detail}`);
    } catch (e) {
      const ending =
        abort.signal.aborted && abort.signal.reason instanceof Abort ? abort.signal.reason.ending : undefined;
      outcome = ending?.outcome ?? 'infra-error';
      detail = ending?.detail ?? (e as Error).message;
      log(`${outcome}: ${detail}`);
      if (outcome !== 'cancelled' && outcome !== 'lease-lost')
        await boss.fail(queue, job.id, { error: `${outcome}: ${detail}` }).catch(() => undefined);
    } finally {
      clearTimeout(timer);
      this.held.delete(job.id);
      rmSync(workDir, { recursive: true, force: true });
      await pool.query(
        `update ${META}.attempts set ended_at = now(), outcome = $3, detail = $4
         where job_id = $1 and n = $2 and ended_at is null`,
        [job.id, n.rows[0].n, outcome, detail.slice(0, 2000)],
      );
      this.done++;
    }
  }

  /** The job's result: reused when this identity finished before, else computed, stored once, and kept. */
  private async perform(
    job: PgBoss.Job<{ key: string; spec: unknown }>,
    workDir: string,
    signal: AbortSignal,
    log: (l: string) => void,
  ): Promise<Record<string, unknown>> {
    const { key } = job.data;
    const prev = await this.conn.pool.query(`select verdict, result from ${META}.results where key = $1`, [key]);
    if (prev.rowCount) return { ...prev.rows[0].result, reused: true };
    const parsed = JobSpec.safeParse(job.data.spec);
    if (!parsed.success) throw new InfraError(`malformed job: ${parsed.error.issues[0].message}`);
    let out;
    try {
      out = await executeJob(parsed.data, { artifacts: this.artifacts, workDir, signal, log });
    } catch (e) {
      // A job that can never succeed (not a kernel image, a reproducer that does not compile) is its result.
      if (!(e instanceof KdkError) || e.exitCode !== ExitCode.usage || signal.aborted) throw e;
      out = { verdict: 'input-error', document: undefined, kernel: undefined, artifacts: {}, error: e.format() };
    }
    const result = { verdict: out.verdict, artifacts: out.artifacts, ...('error' in out ? { error: out.error } : {}) };
    if (out.document) {
      const file = join(workDir, 'result.json');
      writeFileSync(file, JSON.stringify(out.document));
      await this.store.ingest(file, { key: `queue:${key}`, kernel: out.kernel });
      const sha = await this.artifacts.put(file);
      Object.assign(result, { result: sha });
    }
    await this.conn.pool.query(
      `insert into ${META}.results (key, job_id, verdict, result) values ($1,$2,$3,$4) on conflict (key) do nothing`,
      [key, job.id, out.verdict, JSON.stringify(result)],
    );
    return result;
  }
}

/** Runs a worker until SIGTERM (drain) or a second SIGTERM (hand back). */
export async function runWorker(opts: WorkerOptions): Promise<{ id: string; jobs: number }> {
  const w = new Worker(opts);
  const distccd = opts.distccd && startDistccd(opts.distccd, opts.log);
  onTerminate(() => {
    w.drain();
    onTerminate(() => w.handBack());
  });
  const r = await w.run().finally(() => distccd?.kill('SIGTERM'));
  return { id: w.id, jobs: r.jobs };
}
