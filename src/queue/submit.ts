// Submitting: the job's identity is the hash of its inputs, its pg-boss id derived from that, so the same work
// submitted again is the same job: its finished result is reused, a waiting or running one is joined, and
// only a failed or cancelled one is queued anew.
import type { QueueConn } from './connect.js';
import { META } from './meta.js';
import { jobIdOf, jobKey, jobTimeoutS, queueOf, type JobSpec } from './kinds.js';

export interface SubmitOptions {
  /** Retries after infrastructure failures (default 3). */
  retryLimit?: number;
  /** Seconds before the first retry; later ones back off exponentially (pg-boss's retryBackoff). */
  retryDelayS?: number;
  /** The job's own limit, after which it counts as lost (default from its VM time: jobTimeoutS). */
  timeoutS?: number;
}

export interface Submitted {
  id: string;
  key: string;
  queue: string;
  /** 'new': queued now; 'finished': its result exists; 'pending': the same job is waiting or running. */
  status: 'new' | 'finished' | 'pending';
}

export const SUBMIT_DEFAULTS = { retryLimit: 3, retryDelayS: 2 };

export async function submitJob(conn: QueueConn, spec: JobSpec, opts: SubmitOptions = {}): Promise<Submitted> {
  const key = jobKey(spec);
  const id = jobIdOf(key);
  const queue = queueOf(spec);
  const timeoutS = opts.timeoutS ?? jobTimeoutS(spec);
  const retryLimit = opts.retryLimit ?? SUBMIT_DEFAULTS.retryLimit;
  const done = await conn.pool.query(`select 1 from ${META}.results where key = $1`, [key]);
  if (done.rowCount) return { id, key, queue, status: 'finished' };
  await conn.pool.query(
    `insert into ${META}.jobs (id, key, kind, queue, inputs, timeout_s, retry_limit) values ($1,$2,$3,$4,$5,$6,$7)
     on conflict (id) do update set timeout_s = excluded.timeout_s, retry_limit = excluded.retry_limit`,
    [id, key, spec.kind, queue, JSON.stringify(spec), Math.ceil(timeoutS), retryLimit],
  );
  await conn.boss.createQueue(queue).catch(() => undefined); // exists already, or made by a racing client
  const send = () =>
    conn.boss.send(
      queue,
      { key, spec },
      {
        id,
        retryLimit,
        retryDelay: opts.retryDelayS ?? SUBMIT_DEFAULTS.retryDelayS,
        retryBackoff: true,
        expireInSeconds: Math.ceil(timeoutS),
      },
    );
  if (await send()) return { id, key, queue, status: 'new' };
  const prev = await conn.boss.getJobById(queue, id);
  if (prev && (prev.state === 'failed' || prev.state === 'cancelled')) {
    await conn.boss.deleteJob(queue, id);
    if (await send()) return { id, key, queue, status: 'new' };
  }
  return { id, key, queue, status: 'pending' };
}
