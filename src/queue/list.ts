// Reading the queue: each job with its pg-boss state (from the live table, else the archive pg-boss moves
// finished jobs to), its attempts with their workers and outcomes, and its result's verdict; cancelling one.
import type { QueueConn } from './connect.js';
import { META } from './meta.js';
import { inputError } from '../util/errors.js';

export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed' | 'unknown';

export interface Attempt {
  n: number;
  worker: string;
  startedAt: string;
  endedAt?: string;
  /** completed | infra-error | worker-lost | timeout | cancelled | handed-back | reused (absent while running) */
  outcome?: string;
  detail?: string;
}

export interface JobRow {
  id: string;
  key: string;
  kind: string;
  queue: string;
  state: JobState;
  /** The result's verdict (no-crash, crash, boot-failure, built, build-failed...) once there is one. */
  verdict?: string;
  /** The worker of the latest attempt. */
  worker?: string;
  attempts: Attempt[];
  retryLimit: number;
  timeoutS: number;
  submittedAt: string;
  startedAt?: string;
  completedAt?: string;
  /** Why it failed, for jobs failed after their last retry. */
  error?: string;
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : undefined);

// pg-boss 10's tables (pgboss.job and pgboss.archive, one row per job id; the archive may hold an older run
// of a resubmitted id, so the newest row wins).
const JOBS_SQL = `
  select j.id, j.key, j.kind, j.queue, j.submitted_at, j.timeout_s, j.retry_limit,
         s.state, s.started_on, s.completed_on, s.output, r.verdict
  from ${META}.jobs j
  left join lateral (
    select * from (
      select state::text, started_on, completed_on, output, created_on from pgboss.job where id = j.id
      union all
      select state::text, started_on, completed_on, output, created_on from pgboss.archive where id = j.id
    ) u order by created_on desc limit 1
  ) s on true
  left join ${META}.results r on r.key = j.key`;

export async function listJobs(conn: QueueConn, ids?: string[]): Promise<JobRow[]> {
  const where = ids ? ` where j.id = any($1::uuid[])` : '';
  const jobs = await conn.pool.query(`${JOBS_SQL}${where} order by j.submitted_at, j.id`, ids ? [ids] : []);
  const att = await conn.pool.query(
    `select * from ${META}.attempts where job_id = any($1::uuid[]) order by job_id, n`,
    [jobs.rows.map((r) => r.id)],
  );
  const byJob = new Map<string, Attempt[]>();
  for (const a of att.rows) {
    const list = byJob.get(a.job_id) ?? [];
    list.push({
      n: a.n,
      worker: a.worker,
      startedAt: iso(a.started_at)!,
      endedAt: iso(a.ended_at),
      outcome: a.outcome ?? undefined,
      detail: a.detail ?? undefined,
    });
    byJob.set(a.job_id, list);
  }
  return jobs.rows.map((r) => {
    const attempts = byJob.get(r.id) ?? [];
    const state = (r.state ?? 'unknown') as JobState;
    const out = r.output as { error?: string; verdict?: string; message?: string; value?: { message?: string } } | null;
    return {
      id: r.id,
      key: r.key,
      kind: r.kind,
      queue: r.queue,
      state,
      verdict: r.verdict ?? out?.verdict ?? undefined,
      worker: attempts.at(-1)?.worker,
      attempts,
      retryLimit: r.retry_limit,
      timeoutS: r.timeout_s,
      submittedAt: iso(r.submitted_at)!,
      startedAt: iso(r.started_on),
      completedAt: iso(r.completed_on),
      error: state === 'failed' ? (out?.error ?? out?.message ?? out?.value?.message) : undefined,
    };
  });
}

export async function getJob(conn: QueueConn, id: string): Promise<JobRow> {
  const [row] = await listJobs(conn, [await resolveJobId(conn, id)]);
  if (!row) throw inputError(`no job ${id} in the queue`);
  return row;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// `kdk jobs` shows ids cut to 8 characters, so that is what users paste: a prefix of at least 4 hex
// digits names the one job that starts with it (as git takes abbreviated commits).
const PREFIX = /^[0-9a-f]{4,}(-[0-9a-f-]*)?$/i;

export function checkId(id: string): string {
  if (!UUID.test(id)) throw inputError(`'${id}' is no job id (a uuid, as kdk submit printed)`);
  return id.toLowerCase();
}

/** The full id of the job `id` names: a whole uuid, or an unambiguous prefix of one. */
export async function resolveJobId(conn: QueueConn, id: string): Promise<string> {
  if (UUID.test(id)) return id.toLowerCase();
  if (!PREFIX.test(id) || id.length > 36)
    throw inputError(
      `'${id}' is no job id (a uuid as kdk submit printed, or its first 4+ characters as kdk jobs shows)`,
    );
  const r = await conn.pool.query(`select id::text from ${META}.jobs where id::text like $1 order by id limit 3`, [
    `${id.toLowerCase()}%`,
  ]);
  if (r.rows.length === 0) throw inputError(`no job ${id} in the queue`);
  if (r.rows.length > 1)
    throw inputError(`'${id}' names several jobs (${r.rows.map((x) => x.id).join(', ')}...): give more of the id`);
  return r.rows[0].id as string;
}

/** Cancels a waiting or running job (a worker running it stops at its next heartbeat); false if it had ended. */
export async function cancelJob(conn: QueueConn, id: string): Promise<boolean> {
  const job = await getJob(conn, id);
  const r = (await conn.boss.cancel(job.queue, job.id)) as unknown as { affected?: number } | undefined;
  return (r?.affected ?? 0) > 0;
}

export const FINAL_STATES: JobState[] = ['completed', 'cancelled', 'failed'];
