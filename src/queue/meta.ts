// kdk's own tables beside pg-boss's (schema kdk_queue): what each job is (kind, inputs, identity), every
// attempt with the worker that made it and how it ended, the workers with their heartbeats and capabilities,
// and the finished results by job identity (so a resubmission reuses them). pg-boss keeps the job states.
import pg from 'pg';

export const META = 'kdk_queue';

const TABLES = [
  `create schema if not exists ${META}`,
  `create table if not exists ${META}.jobs (
     id uuid primary key, key text not null unique, kind text not null, queue text not null,
     inputs jsonb not null, timeout_s integer not null, retry_limit integer not null,
     submitted_at timestamptz not null default now())`,
  `create table if not exists ${META}.workers (
     id text primary key, host text not null, pid integer not null, caps jsonb not null, lease_s integer not null,
     state text not null, started_at timestamptz not null default now(), last_seen timestamptz not null default now())`,
  `create table if not exists ${META}.attempts (
     job_id uuid not null, n integer not null, worker text not null, queue text not null,
     started_at timestamptz not null default now(), ended_at timestamptz, outcome text, detail text,
     primary key (job_id, n))`,
  `create table if not exists ${META}.results (
     key text primary key, job_id uuid not null, verdict text not null, result jsonb not null,
     at timestamptz not null default now())`,
];

/** Creates the tables once; several workers starting together serialize on an advisory lock. */
export async function ensureMeta(pool: pg.Pool): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('begin');
    await c.query(`select pg_advisory_xact_lock(hashtext('kdk_queue schema'))`);
    for (const t of TABLES) await c.query(t);
    await c.query('commit');
  } catch (e) {
    await c.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}
