// What the dashboard, the API and `kdk triage bugs` read: one typed query per view, the same SQL on SQLite and
// PostgreSQL. The bug list pages on the bugs table's own counters, so a page costs the same at 100,000 crashes.
import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Selectable } from 'kysely';
import type { BugTable, DB } from './schema.js';
import type { DialectName } from './migrations.js';

export interface BugFilter {
  /** Text the title (or an alternative title) contains, case-insensitively. */
  q?: string;
  status?: string;
  /** Kernel name: only bugs with crashes on it. */
  kernel?: string;
  limit?: number;
  offset?: number;
}

export interface UpstreamRef {
  id: string;
  source: string;
  title: string;
  status: string;
  fixCommits: { hash?: string; title: string }[];
  link: string | null;
}

export interface BugRow {
  id: number;
  title: string;
  status: string;
  crashes: number;
  firstSeen: string;
  lastSeen: string;
  kernels: string[];
  upstream: UpstreamRef[];
  /** kernel name → fix-present | fix-present-as-backport | fix-missing | unknown */
  fixVerdict: Record<string, string>;
  cves: string[];
}

export const MAX_PAGE = 500;

/** `table.column` for each of a table's columns: a view lists its columns once, without the prefix. */
const columns = <T extends keyof DB & string, C extends keyof DB[T] & string>(table: T, names: C[]) =>
  names.map((c) => `${table}.${c}` as `${T}.${C}`);

type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;

/** A row's snake_case columns as the API's camelCase fields (`boot_seconds` → `bootSeconds`), in order. */
const camel = <R extends object>(row: R) =>
  Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), v]),
  ) as { [K in keyof R & string as Camel<K>]: R[K] };

/** `%` and `_` in user text match themselves. */
const likeArg = (q: string) => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The FTS5 phrase matching `q` as a substring, where SQLite's trigram index can answer it. */
const ftsPhrase = (q: string, dialect: DialectName) =>
  dialect === 'sqlite' && [...q].length >= 3 && !q.includes('\n') ? `"${q.replace(/"/g, '""')}"` : undefined;

/**
 * Bugs one of whose titles contains `q`, case-insensitively. SQLite asks its FTS5 trigram table (a row per bug,
 * its titles a line each; migrations.ts), which matches substrings of 3 characters or more; shorter text, and
 * text spanning lines, scans. PostgreSQL's LIKE is what its pg_trgm indexes serve. (The `+` keeps SQLite on
 * the last-seen index, stopping at a page of matches, rather than fetching and sorting every match.)
 */
function titleSearch(q: string, dialect: DialectName) {
  const phrase = ftsPhrase(q, dialect);
  if (phrase) return sql<boolean>`+bugs.id in (select rowid from bug_search where bug_search match ${phrase})`;
  // A bug's alternative titles live in bug_titles, its own title in bugs (a fixed bug's title names its
  // successor there): two scans of narrow columns, no per-row subquery.
  const like = sql<boolean>`${sql.raw('lower(title)')} like ${likeArg(q)} escape '\\'`;
  return (eb: ExpressionBuilder<DB, 'bugs'>) =>
    eb(
      'bugs.id',
      'in',
      eb
        .selectFrom('bug_titles')
        .select('bug_id')
        .where(like)
        .union(eb.selectFrom('bugs as b2').select('b2.id as bug_id').where(like)),
    );
}

export async function listBugs(
  db: Kysely<DB>,
  f: BugFilter = {},
  dialect: DialectName = 'sqlite',
): Promise<{ bugs: BugRow[]; total: number }> {
  let base = db.selectFrom('bugs');
  if (f.status) base = base.where('bugs.status', '=', f.status);
  if (f.q) base = base.where(titleSearch(f.q, dialect));
  if (f.kernel) {
    const k = f.kernel;
    base = base.where((eb) =>
      eb.exists(
        eb
          .selectFrom('bug_kernels')
          .innerJoin('kernels', 'kernels.id', 'bug_kernels.kernel_id')
          .select('bug_kernels.bug_id')
          .whereRef('bug_kernels.bug_id', '=', 'bugs.id')
          .where('kernels.name', '=', k),
      ),
    );
  }
  const limit = Math.min(Math.max(f.limit ?? 100, 1), MAX_PAGE);
  const [rows, count] = await Promise.all([
    base
      .selectAll('bugs')
      .orderBy('bugs.last_seen', 'desc')
      .orderBy('bugs.id', 'desc')
      .limit(limit)
      .offset(f.offset ?? 0)
      .execute(),
    countOf(db, base, f, dialect),
  ]);
  return { bugs: await decorate(db, rows), total: Number(count.n) };
}

/** How many bugs match; a search alone counts its index rows (one per bug, kept by triggers). */
function countOf(
  db: Kysely<DB>,
  base: SelectQueryBuilder<DB, 'bugs', object>,
  f: BugFilter,
  dialect: DialectName,
): Promise<{ n: number }> {
  const phrase = f.q && !f.status && !f.kernel ? ftsPhrase(f.q, dialect) : undefined;
  if (phrase)
    return sql<{ n: number }>`select count(*) as n from bug_search where bug_search match ${phrase}`
      .execute(db)
      .then((r) => r.rows[0]);
  return base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
}

type BugRecord = Selectable<BugTable>;

/** Upstream bugs and verdicts of a page of bugs: two queries for the page, not two per bug. */
async function decorate(db: Kysely<DB>, rows: BugRecord[]): Promise<BugRow[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const keys = [...new Set(rows.map((r) => r.match_key))];
  const [ups, verdicts] = await Promise.all([
    db.selectFrom('upstream_bugs').selectAll().where('match_key', 'in', keys).orderBy('id').execute(),
    db
      .selectFrom('fix_verdicts')
      .innerJoin('kernels', 'kernels.id', 'fix_verdicts.kernel_id')
      .select(['fix_verdicts.bug_id', 'kernels.name', 'fix_verdicts.verdict'])
      .where('fix_verdicts.bug_id', 'in', ids)
      .execute(),
  ]);
  return rows.map((r) => {
    const upstream = ups
      .filter((u) => u.match_key === r.match_key)
      .map((u) => ({
        id: u.id,
        source: u.source,
        title: u.title,
        status: u.status,
        fixCommits: JSON.parse(u.fix_commits) as UpstreamRef['fixCommits'],
        link: u.link,
      }));
    return {
      id: r.id,
      title: r.title,
      status: r.status,
      crashes: r.crash_count,
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
      kernels: (JSON.parse(r.kernels) as string[]).sort(),
      upstream,
      fixVerdict: Object.fromEntries(verdicts.filter((v) => v.bug_id === r.id).map((v) => [v.name, v.verdict])),
      cves: [...new Set(upstream.filter((u) => u.source === 'cve').map((u) => u.id.split(':')[1]))],
    };
  });
}

export interface CrashRow {
  id: number;
  title: string;
  type: string;
  corrupted: boolean;
  seenAt: string;
  kernel: string | null;
  reportSha: string;
  consoleSha: string | null;
  runId: number | null;
}

export interface BugDetail extends BugRow {
  altTitles: string[];
  fixCommits: string[];
  crashList: CrashRow[];
  verdictEvidence: Record<string, string>;
  artifacts: { sha256: string; role: string; size: number }[];
}

export async function getBug(db: Kysely<DB>, id: number, crashLimit = 100): Promise<BugDetail | undefined> {
  const row = await db.selectFrom('bugs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const [bug] = await decorate(db, [row]);
  const [titles, crashes, verdicts, arts] = await Promise.all([
    db.selectFrom('bug_titles').select('title').where('bug_id', '=', id).orderBy('title').execute(),
    db
      .selectFrom('crashes')
      .leftJoin('kernels', 'kernels.id', 'crashes.kernel_id')
      .select([
        ...columns('crashes', ['id', 'title', 'type', 'corrupted', 'seen_at']),
        'kernels.name as kernel',
        ...columns('crashes', ['report_sha', 'console_sha', 'run_id']),
      ])
      .where('crashes.bug_id', '=', id)
      .orderBy('crashes.id', 'desc')
      .limit(crashLimit)
      .execute(),
    db
      .selectFrom('fix_verdicts')
      .innerJoin('kernels', 'kernels.id', 'fix_verdicts.kernel_id')
      .select(['kernels.name', 'fix_verdicts.evidence'])
      .where('bug_id', '=', id)
      .execute(),
    db
      .selectFrom('bug_artifacts')
      .innerJoin('artifacts', 'artifacts.sha256', 'bug_artifacts.sha256')
      .select(['bug_artifacts.sha256', 'bug_artifacts.role', 'artifacts.size'])
      .where('bug_id', '=', id)
      .orderBy('role')
      .execute(),
  ]);
  return {
    ...bug,
    altTitles: titles.map((t) => t.title).filter((t) => t !== row.title),
    fixCommits: JSON.parse(row.fix_commits) as string[],
    crashList: crashes.map((c) => ({ ...camel(c), corrupted: c.corrupted === 1 })),
    verdictEvidence: Object.fromEntries(verdicts.map((v) => [v.name, v.evidence])),
    artifacts: arts,
  };
}

export async function getArtifact(db: Kysely<DB>, sha: string) {
  return db.selectFrom('artifacts').selectAll().where('sha256', '=', sha).executeTakeFirst();
}

export async function listBuilds(db: Kysely<DB>, limit = 200) {
  const rows = await db
    .selectFrom('builds')
    .leftJoin('kernels', 'kernels.id', 'builds.kernel_id')
    .select(['builds.id', 'builds.record', 'kernels.name as kernel'])
    .orderBy('builds.started_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, kernel: r.kernel, ...(JSON.parse(r.record) as Record<string, unknown>) }));
}

export async function listRuns(db: Kysely<DB>, limit = 200) {
  const rows = await db
    .selectFrom('runs')
    .leftJoin('kernels', 'kernels.id', 'runs.kernel_id')
    .select([
      'runs.id',
      'kernels.name as kernel',
      ...columns('runs', ['verdict', 'booted', 'boot_seconds', 'accelerator', 'started_at']),
    ])
    .orderBy('runs.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...camel(r), booted: r.booted === 1 }));
}

export interface FlavourFilter {
  limit?: number;
  offset?: number;
}

/** What the flavours list shows of a report: its base flavour and profiles (the name alone cannot be split). */
function reportParts(content: Buffer | null): { base: string | null; profiles: string[] } {
  try {
    const r = JSON.parse(Buffer.from(content ?? '').toString('utf8')) as {
      base?: { id?: { flavour?: unknown } };
      profile?: { profiles?: unknown };
    };
    const profiles = r.profile?.profiles;
    return {
      base: typeof r.base?.id?.flavour === 'string' ? r.base.id.flavour : null,
      profiles: Array.isArray(profiles) ? profiles.filter((p): p is string => typeof p === 'string') : [],
    };
  } catch {
    return { base: null, profiles: [] };
  }
}

/**
 * Flavours recorded from `kdk flavour`, newest first, with the kernel each defines, and the base flavour and
 * profiles read from its stored report (a page of reports, a few tens of kB each).
 */
export async function listFlavours(db: Kysely<DB>, f: FlavourFilter = {}) {
  const limit = Math.min(Math.max(f.limit ?? 200, 1), MAX_PAGE);
  const [rows, count] = await Promise.all([
    db
      .selectFrom('flavours')
      .leftJoin('kernels', 'kernels.id', 'flavours.kernel_id')
      .leftJoin('artifacts', 'artifacts.sha256', 'flavours.report_sha')
      .select([
        ...columns('flavours', ['id', 'name', 'arch']),
        'kernels.name as kernel',
        ...columns('flavours', ['tree_version', 'packaging_version', 'config_hash', 'report_sha', 'created_at']),
        'artifacts.content',
      ])
      .orderBy('flavours.id', 'desc')
      .limit(limit)
      .offset(f.offset ?? 0)
      .execute(),
    db
      .selectFrom('flavours')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    flavours: rows.map(({ content, ...r }) => ({ ...camel(r), ...reportParts(content) })),
    total: Number(count.n),
  };
}

/**
 * A text column ordered by its bytes on both dialects (SQLite's default; PostgreSQL's database collation would
 * otherwise order `/root/...` after `6.1...` in some locales), so a page holds the same rows on either.
 */
const bytewise = (column: string, dialect: DialectName) =>
  dialect === 'postgres' ? sql`${sql.ref(column)} collate "C"` : sql.ref(column);

/** The verdicts `kdk sweep` records (docs/sweep.md), strongest first when the store ranks them. */
export const SWEEP_VERDICTS = [
  'reproduces',
  'flaky',
  'different-crash',
  'no-crash',
  'not-applicable',
  'infra-error',
] as const;

/** What a verdict means joined with the fix's presence (docs/sweep.md). */
export const SWEEP_ASSESSMENTS = ['missing backport', 'regression', 'fix missing but not reproduced', 'fixed'] as const;

export interface SweepFilter {
  /** Kernel name (a swept image's path, or the name given to ingest). */
  kernel?: string;
  verdict?: string;
  assessment?: string;
  bugId?: number;
  limit?: number;
  offset?: number;
}

export interface SweepRow {
  kernel: string;
  kernelSha256: string;
  bugId: number;
  bug: string;
  bundle: string;
  verdict: string;
  hits: number;
  runs: number;
  cve: string | null;
  fixCommit: string | null;
  fix: { state: string; how: string };
  assessment: string | null;
  recordedAt: string;
}

/**
 * The sweep verdicts (one per kernel and bug), by kernel name then bug title: a page of at most MAX_PAGE (default
 * 100), or with `all` every match.
 */
export async function listSweepVerdicts(
  db: Kysely<DB>,
  f: SweepFilter = {},
  dialect: DialectName = 'sqlite',
  all = false,
): Promise<{ verdicts: SweepRow[]; total: number }> {
  let base = db
    .selectFrom('sweep_verdicts')
    .innerJoin('kernels', 'kernels.id', 'sweep_verdicts.kernel_id')
    .innerJoin('bugs', 'bugs.id', 'sweep_verdicts.bug_id');
  if (f.kernel !== undefined) base = base.where('kernels.name', '=', f.kernel);
  if (f.verdict !== undefined) base = base.where('sweep_verdicts.verdict', '=', f.verdict);
  if (f.assessment !== undefined) base = base.where('sweep_verdicts.assessment', '=', f.assessment);
  if (f.bugId !== undefined) base = base.where('sweep_verdicts.bug_id', '=', f.bugId);
  let sel = base
    .selectAll('sweep_verdicts')
    .select(['kernels.name as kernel', 'bugs.title as bug'])
    .orderBy(bytewise('kernels.name', dialect))
    .orderBy(bytewise('bugs.title', dialect))
    .orderBy('sweep_verdicts.bug_id');
  if (!all) sel = sel.limit(Math.min(Math.max(f.limit ?? 100, 1), MAX_PAGE)).offset(f.offset ?? 0);
  const [rows, count] = await Promise.all([
    sel.execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const verdicts = rows.map((r) => ({
    kernel: r.kernel,
    kernelSha256: r.kernel_sha256,
    bugId: r.bug_id,
    bug: r.bug,
    bundle: r.bundle,
    verdict: r.verdict,
    hits: r.hits,
    runs: r.runs,
    cve: r.cve,
    fixCommit: r.fix_commit,
    fix: { state: r.fix_state, how: r.fix_how },
    assessment: r.assessment,
    recordedAt: r.recorded_at,
  }));
  return { verdicts, total: Number(count.n) };
}

/** The kernels with sweep verdicts, by name (the sweep page's kernel filter). */
export async function sweptKernels(db: Kysely<DB>): Promise<string[]> {
  const rows = await db
    .selectFrom('kernels')
    .select('name')
    .where((eb) => eb.exists(eb.selectFrom('sweep_verdicts').select('bug_id').whereRef('kernel_id', '=', 'kernels.id')))
    .execute();
  return rows.map((r) => r.name).sort();
}

export async function listKernels(db: Kysely<DB>) {
  return db.selectFrom('kernels').selectAll().orderBy('name').execute();
}

export async function gapOf(db: Kysely<DB>, kernel: string) {
  const rows = await db
    .selectFrom('gap_findings')
    .innerJoin('kernels', 'kernels.id', 'gap_findings.kernel_id')
    .select(columns('gap_findings', ['cve', 'fix_commit', 'status', 'subsystem', 'summary', 'evidence']))
    .where('kernels.name', '=', kernel)
    .orderBy('gap_findings.subsystem')
    .orderBy('gap_findings.cve')
    .execute();
  return rows.map(camel);
}

/** Open bugs with crashes on kernel B and none on A (new), on A only (gone), on both (still open). */
export async function compareKernels(db: Kysely<DB>, a: string, b: string) {
  const on = async (k: string) =>
    new Set(
      (
        await db
          .selectFrom('bug_kernels')
          .innerJoin('kernels', 'kernels.id', 'bug_kernels.kernel_id')
          .innerJoin('bugs', 'bugs.id', 'bug_kernels.bug_id')
          .select('bug_kernels.bug_id')
          .where('kernels.name', '=', k)
          .where('bugs.status', '=', 'open')
          .execute()
      ).map((r) => r.bug_id),
    );
  const [sa, sb] = await Promise.all([on(a), on(b)]);
  const pick = async (ids: number[]) =>
    ids.length
      ? decorate(db, await db.selectFrom('bugs').selectAll().where('id', 'in', ids).orderBy('title').execute())
      : [];
  return {
    a,
    b,
    newInB: await pick([...sb].filter((i) => !sa.has(i))),
    goneInB: await pick([...sa].filter((i) => !sb.has(i))),
    stillOpen: await pick([...sa].filter((i) => sb.has(i))),
  };
}
