// Writing what kdk produced into the store, inside a caller's transaction: artifacts by sha256, kernels by name,
// build and run records, crashes placed into bugs by triage's dedup, gap findings.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { reportToJson, type CrashReport } from '../report/index.js';
import { placeCrash, crashTitles, matchKey, type KnownBug, type BugStatus } from '../triage/index.js';
import type { DB } from './schema.js';

export type Tx = Kysely<DB>;

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const now = () => new Date().toISOString();

export async function putArtifact(tx: Tx, kind: string, data: string | Buffer): Promise<string> {
  const content = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const sha = sha256(content);
  await tx
    .insertInto('artifacts')
    .values({ sha256: sha, kind, size: content.length, content, created_at: now() })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
  return sha;
}

export interface KernelInfo {
  name: string;
  version?: string;
  tree?: string;
  commit?: string;
  configHash?: string;
}

/** The kernel's id, created on first sight; facts learnt later fill the columns still empty. */
export async function kernelId(tx: Tx, k: KernelInfo): Promise<number> {
  const row = await tx.selectFrom('kernels').selectAll().where('name', '=', k.name).executeTakeFirst();
  if (!row) {
    const ins = await tx
      .insertInto('kernels')
      .values({
        name: k.name,
        version: k.version ?? null,
        tree: k.tree ?? null,
        commit_sha: k.commit ?? null,
        config_hash: k.configHash ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return ins.id;
  }
  const fill = {
    version: row.version ?? k.version ?? null,
    tree: row.tree ?? k.tree ?? null,
    commit_sha: row.commit_sha ?? k.commit ?? null,
    config_hash: row.config_hash ?? k.configHash ?? null,
  };
  if (Object.entries(fill).some(([c, v]) => row[c as keyof typeof fill] !== v))
    await tx.updateTable('kernels').set(fill).where('id', '=', row.id).execute();
  return row.id;
}

/** The bug each title currently names. */
async function currentBugs(tx: Tx, titles: string[]): Promise<Map<string, KnownBug>> {
  const out = new Map<string, KnownBug>();
  if (titles.length === 0) return out;
  const rows = await tx
    .selectFrom('bug_titles')
    .innerJoin('bugs', 'bugs.id', 'bug_titles.bug_id')
    .select(['bug_titles.title as key', 'bugs.id', 'bugs.title', 'bugs.base_title', 'bugs.seq', 'bugs.status'])
    .where('bug_titles.title', 'in', titles)
    .execute();
  for (const r of rows)
    out.set(r.key, { id: r.id, title: r.title, baseTitle: r.base_title, seq: r.seq, status: r.status as BugStatus });
  return out;
}

async function pointTitles(tx: Tx, titles: string[], bugId: number): Promise<void> {
  for (const title of titles)
    await tx
      .insertInto('bug_titles')
      .values({ title, bug_id: bugId })
      .onConflict((oc) => oc.column('title').doUpdateSet({ bug_id: bugId }))
      .execute();
}

/** The bug a crash (or a bundle's title) belongs to, opening one when triage says so; null: none. */
export async function placeInBug(
  tx: Tx,
  c: { title: string; altTitles: string[]; corrupted: boolean; suppressed?: boolean },
  seenAt: string,
): Promise<number | null> {
  const p = placeCrash(c, await currentBugs(tx, crashTitles(c)));
  if (p.kind === 'unattached') return null;
  let bugId: number;
  if (p.kind === 'attach') bugId = p.bugId;
  else {
    const ins = await tx
      .insertInto('bugs')
      .values({
        title: p.title,
        base_title: p.baseTitle,
        seq: p.seq,
        status: 'open',
        match_key: matchKey(p.baseTitle),
        first_seen: seenAt,
        last_seen: seenAt,
        crash_count: 0,
        fix_commits: '[]',
        kernels: '[]',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    bugId = ins.id;
  }
  await pointTitles(tx, p.titles, bugId);
  return bugId;
}

export interface CrashContext {
  kernelId: number | null;
  runId: number | null;
  /** The console stored as an artifact, when the input was the console itself. */
  consoleSha: string | null;
  /**
   * The sha256 of the console the report's offsets refer to, when known (a console log, or a run record that
   * names its console's hash): a crash is that console and offset, whichever shape brought it.
   */
  consoleOf: string | null;
  /** Otherwise what makes this occurrence distinct from the same report elsewhere (the input's key). */
  origin: string;
  seenAt: string;
}

/** One crash occurrence's identity: its console and offset, else its input and the report itself. */
const occurrence = (ctx: CrashContext, start: number, reportSha: string) =>
  ctx.consoleOf ? sha256(`console\0${ctx.consoleOf}\0${start}`) : sha256(`${ctx.origin}\0${start}\0${reportSha}`);

/**
 * Records one crash; false when this very occurrence is already stored. A second shape of the same crash (its
 * console after its run record, or the other way round) fills in the link the first one lacked.
 */
export async function recordCrash(tx: Tx, r: CrashReport, ctx: CrashContext): Promise<boolean> {
  const reportSha = await putArtifact(tx, 'report', JSON.stringify(reportToJson(r)));
  const dedup = occurrence(ctx, r.start, reportSha);
  const seen = await tx
    .selectFrom('crashes')
    .select(['id', 'run_id', 'console_sha'])
    .where('dedup_sha', '=', dedup)
    .executeTakeFirst();
  if (seen) {
    const fill = {
      ...(seen.run_id === null && ctx.runId !== null ? { run_id: ctx.runId } : {}),
      ...(seen.console_sha === null && ctx.consoleSha !== null ? { console_sha: ctx.consoleSha } : {}),
    };
    if (Object.keys(fill).length) await tx.updateTable('crashes').set(fill).where('id', '=', seen.id).execute();
    return false;
  }
  const bugId = await placeInBug(tx, r, ctx.seenAt);
  await tx
    .insertInto('crashes')
    .values({
      dedup_sha: dedup,
      bug_id: bugId,
      run_id: ctx.runId,
      kernel_id: ctx.kernelId,
      title: r.title,
      alt_titles: JSON.stringify(r.altTitles ?? []),
      type: r.type ?? '',
      corrupted: r.corrupted ? 1 : 0,
      seen_at: ctx.seenAt,
      report_sha: reportSha,
      console_sha: ctx.consoleSha,
    })
    .execute();
  if (bugId !== null) await countCrash(tx, bugId, ctx.kernelId, ctx.seenAt);
  return true;
}

/** The bug list pages on these counters and names instead of counting 100,000 crashes per request. */
async function countCrash(tx: Tx, bugId: number, kernel: number | null, at: string): Promise<void> {
  const b = await tx
    .selectFrom('bugs')
    .select(['first_seen', 'last_seen', 'crash_count', 'kernels'])
    .where('id', '=', bugId)
    .executeTakeFirstOrThrow();
  let kernels = b.kernels;
  if (kernel !== null) {
    const k = await tx
      .insertInto('bug_kernels')
      .values({ bug_id: bugId, kernel_id: kernel, crash_count: 1 })
      .onConflict((oc) =>
        oc
          .columns(['bug_id', 'kernel_id'])
          .doUpdateSet((eb) => ({ crash_count: eb('bug_kernels.crash_count', '+', 1) })),
      )
      .returning('crash_count')
      .executeTakeFirstOrThrow();
    if (k.crash_count === 1) {
      // A kernel new to this bug: its name joins the bug's own list.
      const { name } = await tx.selectFrom('kernels').select('name').where('id', '=', kernel).executeTakeFirstOrThrow();
      kernels = JSON.stringify([...(JSON.parse(b.kernels) as string[]), name].sort());
    }
  }
  await tx
    .updateTable('bugs')
    .set({
      crash_count: b.crash_count + 1,
      first_seen: at < b.first_seen ? at : b.first_seen,
      last_seen: at > b.last_seen ? at : b.last_seen,
      kernels,
    })
    .where('id', '=', bugId)
    .execute();
}
