// The store stage's API: one SQLite file or a PostgreSQL database holding kernels, builds, runs, crashes placed
// into bugs, gap findings, upstream bugs with fix verdicts, and artifacts by sha256 (docs/store.md).
import type { Readable, Writable } from 'node:stream';
import { connect, defaultStorePath, type Connection } from './db.js';
import { migrate, type Notice } from './migrations.js';
import { ingestData, ingestPath, type IngestOptions, type IngestResult } from './ingest.js';
import * as q from './queries.js';
import { exportStore, importStore } from './transfer.js';
import { kernelId } from './record.js';
import type { UpstreamBug, FixVerdict } from '../triage/index.js';

export { defaultStorePath, isPostgresUrl } from './db.js';
export { SCHEMA_VERSION } from './migrations.js';
export { kernelFromConsole, MAX_INPUT, type IngestResult, type IngestKind, type IngestOptions } from './ingest.js';
export type {
  BugFilter,
  BugRow,
  BugDetail,
  CrashRow,
  UpstreamRef,
  FlavourFilter,
  SweepFilter,
  SweepRow,
} from './queries.js';
export { MAX_PAGE, SWEEP_ASSESSMENTS, SWEEP_VERDICTS } from './queries.js';

export class Store {
  constructor(readonly conn: Connection) {}

  get where(): string {
    return this.conn.where;
  }
  /** A token that changes whenever the data may have (undefined: unknown, do not cache). */
  version(): Promise<string | undefined> {
    return this.conn.version();
  }
  get dialect() {
    return this.conn.dialect;
  }

  ingest(path: string, opts?: IngestOptions): Promise<IngestResult> {
    return ingestPath(this.conn, path, opts);
  }

  /** Records what a command produced (its --json document), as `kdk ingest` would its file. */
  record(doc: unknown, source: string, opts?: IngestOptions): Promise<IngestResult> {
    return ingestData(this.conn, Buffer.from(JSON.stringify(doc)), source, opts);
  }

  /** Upstream bugs replace earlier imports of the same id. */
  async importUpstream(bugs: UpstreamBug[]): Promise<number> {
    return this.conn.writeTx(async (tx) => {
      for (const b of bugs) {
        const row = {
          id: b.id,
          source: b.source,
          title: b.title,
          status: b.status,
          match_key: b.matchKey,
          fix_commits: JSON.stringify(b.fixCommits),
          link: b.link ?? null,
        };
        await tx
          .insertInto('upstream_bugs')
          .values(row)
          .onConflict((oc) => oc.column('id').doUpdateSet(row))
          .execute();
      }
      return bugs.length;
    });
  }

  async setVerdict(bugId: number, kernel: string, verdict: FixVerdict, evidence: string): Promise<void> {
    await this.conn.writeTx(async (tx) => {
      const kid = await kernelId(tx, { name: kernel });
      const row = { bug_id: bugId, kernel_id: kid, verdict, evidence };
      await tx
        .insertInto('fix_verdicts')
        .values(row)
        .onConflict((oc) => oc.columns(['bug_id', 'kernel_id']).doUpdateSet({ verdict, evidence }))
        .execute();
    });
  }

  /** Closes or reopens a bug; a fixed bug's title seen again opens `TITLE (2)`. */
  async setBugStatus(bugId: number, status: 'open' | 'fixed' | 'invalid', fixCommits?: string[]): Promise<boolean> {
    return this.conn.writeTx(async (tx) => {
      const r = await tx
        .updateTable('bugs')
        .set({ status, ...(fixCommits ? { fix_commits: JSON.stringify(fixCommits) } : {}) })
        .where('id', '=', bugId)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    });
  }

  /** A kernel's git tree and commit, for the fix verdicts. */
  async setKernelTree(name: string, tree: string, commit?: string): Promise<void> {
    await this.conn.writeTx(async (tx) => {
      const id = await kernelId(tx, { name });
      await tx
        .updateTable('kernels')
        .set({ tree, ...(commit ? { commit_sha: commit } : {}) })
        .where('id', '=', id)
        .execute();
    });
  }

  listBugs = (f?: q.BugFilter) => q.listBugs(this.conn.db, f, this.conn.dialect);
  getBug = (id: number) => q.getBug(this.conn.db, id);
  getArtifact = (sha: string) => q.getArtifact(this.conn.db, sha);
  listBuilds = () => q.listBuilds(this.conn.db);
  listRuns = () => q.listRuns(this.conn.db);
  /** The newest flavours (200), each with its base flavour and profiles. */
  listFlavours = async () => (await q.listFlavours(this.conn.db)).flavours;
  /** A page of flavours (default 100, at most MAX_PAGE), newest first, with the total. */
  flavourPage = (f?: q.FlavourFilter) => q.listFlavours(this.conn.db, { ...f, limit: f?.limit ?? 100 });
  listKernels = () => q.listKernels(this.conn.db);
  /** Every sweep verdict matching (all pages). */
  listSweepVerdicts = async (f?: q.SweepFilter) =>
    (await q.listSweepVerdicts(this.conn.db, f, this.conn.dialect, true)).verdicts;
  /** A page of sweep verdicts (default 100, at most MAX_PAGE), with the total. */
  sweepPage = (f?: q.SweepFilter) => q.listSweepVerdicts(this.conn.db, f, this.conn.dialect);
  sweptKernels = () => q.sweptKernels(this.conn.db);
  gapOf = (kernel: string) => q.gapOf(this.conn.db, kernel);
  compareKernels = (a: string, b: string) => q.compareKernels(this.conn.db, a, b);

  export = (out: Writable) => exportStore(this.conn, out);
  import = (input: Readable, name: string) => importStore(this.conn, input, name);

  close(): Promise<void> {
    return this.conn.db.destroy();
  }
}

/** Opens (creating and upgrading as needed) the store at a path or postgres:// URL; default per defaultStorePath. */
export async function openStore(
  target?: string,
  opts: { schemaVersion?: number; notice?: Notice } = {},
): Promise<Store> {
  const conn = await connect(defaultStorePath(target));
  // What the user should know about their store (a search without indexes) goes to stderr, as kdk's own notes.
  const notice = opts.notice ?? ((line: string) => process.stderr.write(`kdk: note: ${conn.where}: ${line}\n`));
  try {
    await migrate(conn.db, conn.writeTx, conn.dialect, conn.where, opts.schemaVersion, notice);
  } catch (e) {
    await conn.db.destroy();
    throw e;
  }
  return new Store(conn);
}
