// Connections: a SQLite file (better-sqlite3, WAL with a busy timeout, so several kdk processes can write it)
// or a PostgreSQL URL (pg). Both drivers load only when a store is opened.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { homedir } from 'node:os';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { envError } from '../util/errors.js';
import type { DB } from './schema.js';
import type { DialectName, WriteTx } from './migrations.js';

export interface Connection {
  db: Kysely<DB>;
  dialect: DialectName;
  /** The store as users name it (file path or URL with the password cut). */
  where: string;
  /** A write transaction: BEGIN IMMEDIATE on SQLite (no lock upgrade to fail under a second writer). */
  writeTx: WriteTx;
  /**
   * Changes whenever the data may have: SQLite's data_version (moves on another connection's commit) and this
   * connection's own commits. Undefined on PostgreSQL, where readers must not cache.
   */
  version: () => Promise<string | undefined>;
}

/** How long a SQLite writer waits for another process's transaction before giving up. */
const BUSY_TIMEOUT_MS = 30_000;

/** `--db`, else `$KDK_DB`, else `~/.local/share/kdk/kdk.db` (data, so never under the cache). */
export function defaultStorePath(flag?: string): string {
  if (flag) return flag;
  if (process.env.KDK_DB) return process.env.KDK_DB;
  const base = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'kdk', 'kdk.db');
}

export const isPostgresUrl = (s: string) => /^postgres(?:ql)?:\/\//.test(s);

export async function connect(target: string): Promise<Connection> {
  return isPostgresUrl(target) ? connectPostgres(target) : connectSqlite(target);
}

/**
 * `mkdir -p` one level at a time: Node 20's recursive mkdirSync never returns under /proc (e.g. --db
 * /proc/x/kdk.db spins at full CPU), where a plain mkdir fails at once with the error to report.
 */
function makeParents(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeParents(parent);
  mkdirSync(dir);
}

async function connectSqlite(file: string): Promise<Connection> {
  const { default: Database } = await import('better-sqlite3');
  if (file !== ':memory:') makeParents(dirname(file));
  const raw = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: raw }) });
  let ownCommits = 0;
  const writeTx: WriteTx = (fn) =>
    db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      try {
        const out = await fn(conn);
        await sql`commit`.execute(conn);
        ownCommits++;
        return out;
      } catch (e) {
        await sql`rollback`.execute(conn);
        throw e;
      }
    });
  const dataVersion = raw.prepare('pragma data_version').pluck();
  const version = async () => `${dataVersion.get() as number}.${ownCommits}`;
  return { db, dialect: 'sqlite', where: file, writeTx, version };
}

async function connectPostgres(url: string): Promise<Connection> {
  const pg = await import('pg');
  // int8 (count(*), sums) as numbers: the store's counts stay far below 2^53.
  pg.default.types.setTypeParser(20, (v: string) => Number(v));
  const pool = new pg.default.Pool({ connectionString: url, max: 8 });
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end();
    throw envError(
      `cannot connect to ${redact(url)}: ${(e as Error).message}`,
      'check the URL and that the server runs',
    );
  }
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const writeTx: WriteTx = (fn) =>
    db.transaction().execute(async (tx) => {
      // One writer of the store at a time, like SQLite: ingest reads then writes bug rows.
      await sql`select pg_advisory_xact_lock(7305)`.execute(tx);
      return fn(tx);
    });
  return { db, dialect: 'postgres', where: redact(url), writeTx, version: async () => undefined };
}

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
