// Versioned schema migrations. The store's version lives in kdk_meta; opening an older store applies the
// missing steps in order (each in its own transaction), and a store written by a newer kdk is refused rather
// than guessed at. A step is DDL with three words that differ between the dialects filled in.
import { sql, type Kysely } from 'kysely';
import { KdkError, ExitCode } from '../util/errors.js';
import type { DB } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

const WORDS: Record<DialectName, Record<'ID' | 'BLOB' | 'REAL', string>> = {
  sqlite: { ID: 'integer primary key autoincrement', BLOB: 'blob', REAL: 'real' },
  postgres: { ID: 'serial primary key', BLOB: 'bytea', REAL: 'double precision' },
};

/** Says something the user should know about their store (one line, no `kdk:` prefix). */
export type Notice = (line: string) => void;
/** A step's work that is more than statements: it may decide what it can do (the role's rights). */
type StepFn = (tx: Kysely<DB>, notice: Notice) => Promise<void>;
/** A step's statements: the same for both dialects, or each its own where they differ in kind (search). */
type Step = string[] | Record<DialectName, string[] | StepFn>;

/** PostgreSQL's trigram indexes for the title search (the LIKE in queries.ts titleSearch uses them). */
const TRIGRAM_INDEXES = [
  `create index if not exists bugs_title_trgm on bugs using gin (lower(title) gin_trgm_ops)`,
  `create index if not exists bug_titles_title_trgm on bug_titles using gin (lower(title) gin_trgm_ops)`,
];

const hasTrigram = async (tx: Kysely<DB>) =>
  (await sql`select 1 from pg_extension where extname = 'pg_trgm'`.execute(tx)).rows.length > 0;

/**
 * pg_trgm and its indexes, where this role may have them: the extension is trusted, so a database owner (or a
 * role with CREATE on the database) may create it; a role with less (CONNECT and a schema of its own) may not.
 * Then the search runs the same LIKE without an index (a scan of the titles) and the notice says why; once
 * someone who may has created the extension, the next open adds the indexes (catchUpTrigram).
 */
async function trigramSearch(tx: Kysely<DB>, notice: Notice): Promise<void> {
  if (!(await hasTrigram(tx))) {
    // A savepoint: the failed statement would otherwise abort the whole migration transaction.
    await sql`savepoint kdk_trgm`.execute(tx);
    try {
      await sql`create extension pg_trgm`.execute(tx);
      await sql`release savepoint kdk_trgm`.execute(tx);
    } catch (e) {
      await sql`rollback to savepoint kdk_trgm`.execute(tx);
      notice(
        `title search without trigram indexes (a scan): cannot create extension pg_trgm here (${(e as Error).message}); ` +
          `the database owner can run 'create extension pg_trgm' in it, and kdk adds the indexes on its next open`,
      );
      return;
    }
  }
  for (const stmt of TRIGRAM_INDEXES) await sql.raw(stmt).execute(tx);
}

/** The titles a bug is searched by: its own and those naming it now (bug_titles), one per line. */
const bugTitlesOf = (where: string) =>
  `select b.id, b.title || coalesce((select char(10) || group_concat(t.title, char(10)) from bug_titles t
     where t.bug_id = b.id), '') from bugs b ${where}`;
/** SQLite trigger body: re-index one bug's titles. */
const reindex = (id: string) =>
  `delete from bug_search where rowid = ${id}; insert into bug_search (rowid, titles) ${bugTitlesOf(`where b.id = ${id}`)};`;

/** Each entry brings the schema from version i to i+1. */
const STEPS: Step[] = [
  // 1: what the recording commands produce.
  [
    `create table artifacts (sha256 text primary key, kind text not null, size integer not null,
       content BLOB not null, created_at text not null)`,
    `create table kernels (id ID, name text not null unique, version text, tree text, commit_sha text,
       config_hash text)`,
    `create table builds (id ID, record_sha text not null unique, kernel_id integer references kernels(id),
       flavour text not null, arch text not null, target text, exit_status integer not null,
       started_at text not null, wall_seconds REAL not null, record text not null)`,
    `create table runs (id ID, record_sha text not null unique, kernel_id integer references kernels(id),
       verdict text not null, booted integer not null, boot_seconds REAL, accelerator text not null,
       started_at text not null, record text not null)`,
    `create table bugs (id ID, title text not null unique, base_title text not null, seq integer not null,
       status text not null, match_key text not null, first_seen text not null, last_seen text not null,
       crash_count integer not null, fix_commits text not null)`,
    `create table bug_titles (title text primary key, bug_id integer not null references bugs(id))`,
    `create table bug_kernels (bug_id integer not null references bugs(id), kernel_id integer not null
       references kernels(id), crash_count integer not null, primary key (bug_id, kernel_id))`,
    `create table crashes (id ID, dedup_sha text not null unique, bug_id integer references bugs(id),
       run_id integer references runs(id), kernel_id integer references kernels(id), title text not null,
       alt_titles text not null, type text not null, corrupted integer not null, seen_at text not null,
       report_sha text not null references artifacts(sha256), console_sha text references artifacts(sha256))`,
    `create index crashes_bug on crashes (bug_id, id)`,
    `create table bug_artifacts (bug_id integer not null references bugs(id), sha256 text not null
       references artifacts(sha256), role text not null, primary key (bug_id, sha256, role))`,
    `create table gap_findings (id ID, kernel_id integer not null references kernels(id), cve text not null,
       fix_commit text not null, status text not null, subsystem text not null, summary text not null,
       evidence text not null, unique (kernel_id, cve, fix_commit))`,
    `create table ingested (sha256 text primary key, kind text not null, source text not null, at text not null)`,
  ],
  // 2: triage against upstream, and the indexes the bug list pages on.
  [
    `create table upstream_bugs (id text primary key, source text not null, title text not null,
       status text not null, match_key text not null, fix_commits text not null, link text)`,
    `create index upstream_bugs_key on upstream_bugs (match_key)`,
    `create table fix_verdicts (bug_id integer not null references bugs(id), kernel_id integer not null
       references kernels(id), verdict text not null, evidence text not null, primary key (bug_id, kernel_id))`,
    `create index bugs_last_seen on bugs (last_seen, id)`,
    `create index bugs_match_key on bugs (match_key)`,
    `create index bug_kernels_kernel on bug_kernels (kernel_id, bug_id)`,
  ],
  // 3: indexed title search, and each bug's kernel names on its row (the list pages without a join). Both are trigram indexes, so a search keeps its meaning (a case-insensitive
  // substring of any of a bug's titles) and answers the same on both dialects. SQLite: an FTS5 table, one row
  // per bug, kept by triggers (so ingest, import and status changes all keep it). PostgreSQL: pg_trgm (shipped
  // with Debian's postgresql-15, trusted, so a database owner may create it) GIN indexes the LIKE uses; a role
  // that may not create it gets the same LIKE without them (trigramSearch).
  {
    sqlite: [
      `alter table bugs add column kernels text not null default '[]'`,
      `update bugs set kernels = (select json_group_array(name) from (select k.name from bug_kernels bk
         join kernels k on k.id = bk.kernel_id where bk.bug_id = bugs.id order by k.name))`,
      `create virtual table bug_search using fts5 (titles, tokenize = 'trigram')`,
      `insert into bug_search (rowid, titles) ${bugTitlesOf('')}`,
      `create trigger bugs_search_ins after insert on bugs begin ${reindex('new.id')} end`,
      `create trigger bugs_search_upd after update of title on bugs begin ${reindex('new.id')} end`,
      `create trigger bugs_search_del after delete on bugs begin delete from bug_search where rowid = old.id; end`,
      `create trigger bug_titles_search_ins after insert on bug_titles begin ${reindex('new.bug_id')} end`,
      `create trigger bug_titles_search_upd after update on bug_titles begin
         ${reindex('old.bug_id')} ${reindex('new.bug_id')} end`,
      `create trigger bug_titles_search_del after delete on bug_titles begin ${reindex('old.bug_id')} end`,
    ],
    postgres: async (tx, notice) => {
      await sql`alter table bugs add column kernels text not null default '[]'`.execute(tx);
      await sql`update bugs set kernels = coalesce((select '[' || string_agg(to_json(k.name)::text, ',' order by k.name
         collate "C") || ']' from bug_kernels bk join kernels k on k.id = bk.kernel_id where bk.bug_id = bugs.id), '[]')`.execute(
        tx,
      );
      await trigramSearch(tx, notice);
    },
  },
  // 4: `kdk sweep --db`: the latest sweep verdict per (kernel, bug), joined with the fix's presence.
  [
    `create table sweep_verdicts (kernel_id integer not null references kernels(id), bug_id integer not null
       references bugs(id), kernel_sha256 text not null, bundle text not null, verdict text not null,
       hits integer not null, runs integer not null, cve text, fix_commit text, fix_state text not null,
       fix_how text not null, assessment text, recorded_at text not null, primary key (kernel_id, bug_id))`,
  ],
  // 5: what `kdk flavour` produced: one row per distinct report (stored as an artifact, by sha256), naming the
  // kernel a default build of it will be.
  [
    `create table flavours (id ID, report_sha text not null unique references artifacts(sha256), name text not null,
       arch text not null, tree_version text, packaging_version text, config_hash text not null,
       kernel_id integer references kernels(id), created_at text not null)`,
    `create index flavours_kernel on flavours (kernel_id)`,
  ],
];

export const SCHEMA_VERSION = STEPS.length;

const ddl = (stmt: string, d: DialectName) => stmt.replace(/\b(ID|BLOB|REAL)\b/g, (w) => WORDS[d][w as 'ID']);

export async function schemaVersion(db: Kysely<DB>): Promise<number> {
  await sql`create table if not exists kdk_meta (key text primary key, value text not null)`.execute(db);
  const row = await db.selectFrom('kdk_meta').select('value').where('key', '=', 'schema_version').executeTakeFirst();
  return row ? Number(row.value) : 0;
}

export type WriteTx = <T>(fn: (tx: Kysely<DB>) => Promise<T>) => Promise<T>;

/**
 * Brings the store to `target` (default: this kdk's version). Refuses a newer store, naming both versions.
 * Each step re-reads the version inside its write transaction, so two processes opening a new store at once
 * apply it once. `where` names the store in messages.
 */
export async function migrate(
  db: Kysely<DB>,
  writeTx: WriteTx,
  dialect: DialectName,
  where: string,
  target = SCHEMA_VERSION,
  notice: Notice = () => {},
): Promise<{ from: number; to: number }> {
  const from = await schemaVersion(db);
  const refuse = (v: number) =>
    new KdkError(
      `store schema version ${v} is newer than this kdk's version ${SCHEMA_VERSION}: upgrade kdk to open it`,
      {
        file: where,
        exitCode: ExitCode.usage,
      },
    );
  if (from > SCHEMA_VERSION) throw refuse(from);
  for (let v = from; v < target; v++) {
    await writeTx(async (tx) => {
      const now = await schemaVersion(tx);
      if (now > SCHEMA_VERSION) throw refuse(now);
      if (now !== v) return; // another process applied this step first
      const step = STEPS[v];
      const work = Array.isArray(step) ? step : step[dialect];
      if (typeof work === 'function') await work(tx, notice);
      else for (const stmt of work) await sql.raw(ddl(stmt, dialect)).execute(tx);
      await tx.deleteFrom('kdk_meta').where('key', '=', 'schema_version').execute();
      await tx
        .insertInto('kdk_meta')
        .values({ key: 'schema_version', value: String(v + 1) })
        .execute();
    });
  }
  if (dialect === 'postgres' && target >= 3) await catchUpTrigram(db, writeTx);
  return { from, to: Math.max(from, target) };
}

/** A store migrated without pg_trgm gets its indexes once the extension is there (one catalogue query an open). */
async function catchUpTrigram(db: Kysely<DB>, writeTx: WriteTx): Promise<void> {
  const { rows } = await sql<{ missing: boolean }>`select exists (select 1 from pg_extension where extname = 'pg_trgm')
    and (select count(*) from pg_indexes where schemaname = current_schema()
         and indexname in ('bugs_title_trgm', 'bug_titles_title_trgm')) < 2 as missing`.execute(db);
  if (!rows[0]?.missing) return;
  await writeTx(async (tx) => {
    for (const stmt of TRIGRAM_INDEXES) await sql.raw(stmt).execute(tx);
  });
}
