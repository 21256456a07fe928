// One connection to the queue: pg-boss (its own schema, `pgboss`) and a pool for kdk's tables, both in the
// PostgreSQL database the store uses. Clients (submit, jobs) never run pg-boss's maintenance; workers do.
import PgBoss from 'pg-boss';
import pg from 'pg';
import { envError, inputError } from '../util/errors.js';
import { isPostgresUrl } from '../store/index.js';
import { ensureMeta } from './meta.js';

export interface QueueConn {
  url: string;
  boss: PgBoss;
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Run pg-boss's maintenance here (expiring jobs past their timeout, archiving): workers do. */
  supervise?: boolean;
}

/** The --db of the queue commands; the queue needs PostgreSQL (a SQLite file has no job engine). */
export function queueUrl(db: string | undefined): string {
  const url = db ?? process.env.KDK_DB;
  if (!url) throw inputError('--db: the queue needs a PostgreSQL URL (postgres://user@host/db), or $KDK_DB');
  if (!isPostgresUrl(url)) throw inputError(`--db: the queue needs PostgreSQL, not '${url}' (postgres://...)`);
  return url;
}

export async function connectQueue(url: string, opts: ConnectOptions = {}): Promise<QueueConn> {
  const boss = new PgBoss({
    connectionString: url,
    max: 4,
    supervise: opts.supervise ?? false,
    schedule: false,
    maintenanceIntervalSeconds: 10,
  });
  // pg-boss reports connection trouble as events; a worker carries on (its next poll retries).
  boss.on('error', (e) => process.stderr.write(`kdk: queue: ${e.message}\n`));
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  try {
    await boss.start();
    await ensureMeta(pool);
  } catch (e) {
    await pool.end().catch(() => undefined);
    await boss.stop({ graceful: false, wait: false }).catch(() => undefined);
    const msg = (e as Error).message;
    throw envError(`cannot reach the queue's PostgreSQL at ${url}: ${msg}`, 'is the server up? (pg_isready)');
  }
  return {
    url,
    boss,
    pool,
    async close() {
      await boss.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}
