// `kdk ingest`: existing outputs into the store, each file in one transaction, each at most once (keyed by its
// content and the kernel it is filed under). Input is hostile: JSON is validated, paths inside it are never
// followed (a run's consoleLog may name any host file), and a file larger than MAX_INPUT is refused.
import { readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseLog, reportFromJson, type CrashReport } from '../report/index.js';
import { loadBundle } from '../vm/index.js';
import { defaultLocalversion } from '../build/index.js';
import { inputError } from '../util/errors.js';
import { kernelId, placeInBug, putArtifact, recordCrash, sha256, type Tx } from './record.js';
import type { Connection } from './db.js';

export const MAX_INPUT = 256 * 1024 * 1024;

export type IngestKind = 'console' | 'reports' | 'run' | 'build' | 'flavour' | 'gap-cves' | 'bundle' | 'sweep';

export interface IngestResult {
  path: string;
  kind: IngestKind;
  /** true: this input was ingested before; nothing was added. */
  already: boolean;
  crashes: number;
  runs: number;
  builds: number;
  flavours: number;
  findings: number;
  /** Sweep verdicts (kernel, bug) new or changed. */
  verdicts: number;
}

export interface IngestOptions {
  /** The kernel to file crashes under when the input does not say (console logs, report JSON). */
  kernel?: string;
  /** When the crashes were seen (default: now). */
  seenAt?: string;
  /**
   * The input's identity instead of its content: a queue job's, so a second attempt of the same job (whose
   * run differs in every timestamp) adds nothing once the first one was recorded.
   */
  key?: string;
}

const Report = z.object({ title: z.string(), start: z.number(), end: z.number(), text: z.string() }).passthrough();
const Run = z
  .object({
    kernel: z.string(),
    accelerator: z.string(),
    booted: z.boolean(),
    verdict: z.string(),
    crashes: z.array(Report),
    bootSeconds: z.number().nullish(),
    /** The hash of the console the crashes' offsets refer to (kdk run prints it): the crash's identity. */
    consoleSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  })
  .passthrough();
const Build = z
  .object({
    flavour: z.string(),
    arch: z.string(),
    kernelVersion: z.string(),
    configHash: z.string(),
    start: z.string(),
    wallSeconds: z.number(),
    exitStatus: z.number(),
    target: z.string().optional(),
  })
  .passthrough();
/** `kdk flavour --json` (or the report.json it writes): what the flavours table keeps of it. */
const Flavour = z
  .object({
    base: z.object({ id: z.object({ arch: z.string(), flavour: z.string() }).passthrough() }).passthrough(),
    profile: z.object({ profiles: z.array(z.string()) }).passthrough(),
    configHash: z.string(),
    tree: z.string(),
    kernel: z.string().optional(),
    packaging: z.object({ version: z.string() }).passthrough().optional(),
  })
  .passthrough();
const Finding = z.object({
  cve: z.string(),
  status: z.string(),
  fixCommit: z.string(),
  summary: z.string().default(''),
  files: z.array(z.string()).default([]),
  evidence: z.string().default(''),
});
const GapCves = z.object({ kernel: z.string(), findings: z.array(Finding) }).passthrough();
/** `kdk sweep --json`: per bundle its verdict, the fix's presence, and the runs behind it (runRecords). */
const SweepResult = z
  .object({
    bundle: z.string(),
    title: z.string(),
    cve: z.string().optional(),
    fixCommit: z.string().optional(),
    verdict: z.string(),
    hits: z.number(),
    runs: z.number(),
    fix: z.object({ state: z.string(), how: z.string() }),
    assessment: z.string().optional(),
    runRecords: z.array(Run).default([]),
  })
  .passthrough();
const Sweep = z
  .object({
    kernel: z
      .object({
        image: z.string(),
        release: z.string().optional(),
        version: z.string().optional(),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
      })
      .passthrough(),
    results: z.array(SweepResult),
  })
  .passthrough();

type Doc =
  | { kind: 'reports'; reports: CrashReport[] }
  | { kind: 'run'; runs: z.infer<typeof Run>[] }
  | { kind: 'build'; build: z.infer<typeof Build> }
  /** report: the document less where it was written (`out`, `written`), its identity whatever --out said. */
  | { kind: 'flavour'; flavour: z.infer<typeof Flavour>; report: string }
  | { kind: 'gap-cves'; gap: z.infer<typeof GapCves> }
  | { kind: 'sweep'; sweep: z.infer<typeof Sweep> };

/** What a `--json` document is, by its shape; undefined when it is no kdk output. */
function classify(j: unknown): Doc | undefined {
  if (typeof j !== 'object' || j === null) return undefined;
  const o = j as Record<string, unknown>;
  // Parsed as whole documents, so an error's path names the field from the top (`reports.0.title`).
  if (Array.isArray(o.reports))
    return {
      kind: 'reports',
      reports: z
        .object({ reports: z.array(Report) })
        .parse(o)
        .reports.map(toReport),
    };
  if (Array.isArray(o.runs)) return { kind: 'run', runs: z.object({ runs: z.array(Run) }).parse(o).runs };
  if ('verdict' in o && 'crashes' in o) return { kind: 'run', runs: [Run.parse(o)] };
  if ('configHash' in o && 'flavour' in o) return { kind: 'build', build: Build.parse(o) };
  if ('configHash' in o && 'profile' in o && 'base' in o) {
    const { out: _out, written: _written, ...report } = o;
    return { kind: 'flavour', flavour: Flavour.parse(report), report: JSON.stringify(report) };
  }
  if ('findings' in o && 'kernel' in o) return { kind: 'gap-cves', gap: GapCves.parse(o) };
  if (Array.isArray(o.results) && typeof o.kernel === 'object' && o.kernel !== null && 'sha256' in o.kernel)
    return { kind: 'sweep', sweep: Sweep.parse(o) };
  return undefined;
}

const toReport = (j: Record<string, unknown>) => reportFromJson(j);

/** `Linux version 6.1.0 (...)` from the boot banner, else the `Not tainted 6.1.0 #1` of a report. */
export function kernelFromConsole(text: string): string | undefined {
  return /Linux version (\S+)/.exec(text)?.[1] ?? /(?:Not tainted|Tainted: [A-Z ]+?) (\d+\.\d+\S*) #/.exec(text)?.[1];
}

function readInput(path: string): Buffer {
  const st = statSync(path);
  if (st.size > MAX_INPUT) throw inputError(`larger than ${MAX_INPUT >> 20} MiB; not ingested`, path);
  return readFileSync(path);
}

const empty = (path: string, kind: IngestKind): IngestResult => ({
  path,
  kind,
  already: false,
  crashes: 0,
  runs: 0,
  builds: 0,
  flavours: 0,
  findings: 0,
  verdicts: 0,
});

/** Records one file or bundle directory. */
export async function ingestPath(conn: Connection, path: string, opts: IngestOptions = {}): Promise<IngestResult> {
  if (!existsSync(path)) throw inputError('no such file or directory', path);
  if (statSync(path).isDirectory()) return ingestBundle(conn, path, opts);
  return ingestData(conn, readInput(path), path, opts);
}

/** Records one input already in memory (a command's own output, for `--db`); `source` names it. */
export async function ingestData(
  conn: Connection,
  data: Buffer,
  path: string,
  opts: IngestOptions = {},
): Promise<IngestResult> {
  let doc: Doc | undefined;
  const text = data.toString('utf8');
  if (/^\s*[{[]/.test(text)) {
    try {
      doc = classify(JSON.parse(text));
    } catch (e) {
      if (e instanceof z.ZodError) {
        const i = e.issues[0];
        throw inputError(`not a kdk --json output: ${i.path.join('.')}: ${i.message}`, path);
      }
      // Not JSON after all: a console log that starts with a brace.
    }
  }
  const kind: IngestKind = doc?.kind ?? 'console';
  const content = doc?.kind === 'flavour' ? doc.report : data;
  const key = opts.key ? sha256(`key\0${opts.key}`) : sha256(`${kind}\0${opts.kernel ?? ''}\0${sha256(content)}`);
  const seenAt = opts.seenAt ?? new Date().toISOString();
  return conn.writeTx(async (tx) => {
    const res = empty(path, kind);
    if (await alreadyIngested(tx, key)) return { ...res, already: true };
    if (!doc) await ingestConsole(tx, data, text, opts, seenAt, res);
    else if (doc.kind === 'reports') {
      const kid = opts.kernel ? await kernelId(tx, { name: opts.kernel }) : null;
      for (const r of doc.reports)
        if (
          await recordCrash(tx, r, {
            kernelId: kid,
            runId: null,
            consoleSha: null,
            consoleOf: null,
            origin: key,
            seenAt,
          })
        )
          res.crashes++;
    } else if (doc.kind === 'run') for (const r of doc.runs) await ingestRun(tx, r, opts, seenAt, res);
    else if (doc.kind === 'build') await ingestBuild(tx, doc.build, res);
    else if (doc.kind === 'sweep') await ingestSweep(tx, doc.sweep, opts, seenAt, res);
    else if (doc.kind === 'flavour') await ingestFlavour(tx, doc.flavour, doc.report, opts, res);
    else await ingestGap(tx, doc.gap, opts, res);
    await markIngested(tx, key, kind, path);
    return res;
  });
}

async function alreadyIngested(tx: Tx, key: string): Promise<boolean> {
  return !!(await tx.selectFrom('ingested').select('sha256').where('sha256', '=', key).executeTakeFirst());
}

async function markIngested(tx: Tx, key: string, kind: string, source: string): Promise<void> {
  await tx.insertInto('ingested').values({ sha256: key, kind, source, at: new Date().toISOString() }).execute();
}

async function ingestConsole(
  tx: Tx,
  data: Buffer,
  text: string,
  opts: IngestOptions,
  seenAt: string,
  res: IngestResult,
): Promise<void> {
  const consoleSha = await putArtifact(tx, 'console', data);
  const name = opts.kernel ?? kernelFromConsole(text);
  const kid = name ? await kernelId(tx, { name, version: kernelFromConsole(text) }) : null;
  for (const r of parseLog(data))
    if (
      await recordCrash(tx, r, {
        kernelId: kid,
        runId: null,
        consoleSha,
        consoleOf: consoleSha,
        origin: consoleSha,
        seenAt,
      })
    )
      res.crashes++;
}

async function ingestRun(
  tx: Tx,
  run: z.infer<typeof Run>,
  opts: IngestOptions,
  seenAt: string,
  res: IngestResult,
): Promise<void> {
  // The RunResult's own fields only (not what a command printed beside it, like accelVerdict), so one run has
  // one identity whether it came alone or inside a `runs` list.
  const { accelVerdict: _a, ...own } = run as Record<string, unknown>;
  const record = JSON.stringify(own);
  const recordSha = sha256(record);
  const kid = await kernelId(tx, { name: opts.kernel ?? run.kernel });
  const ins = await tx
    .insertInto('runs')
    .values({
      record_sha: recordSha,
      kernel_id: kid,
      verdict: run.verdict,
      booted: run.booted ? 1 : 0,
      boot_seconds: run.bootSeconds ?? null,
      accelerator: run.accelerator,
      started_at: seenAt,
      record,
    })
    .onConflict((oc) => oc.column('record_sha').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!ins) return; // the same run inside another document
  res.runs++;
  for (const c of run.crashes)
    if (
      await recordCrash(tx, reportFromJson(c), {
        kernelId: kid,
        runId: ins.id,
        consoleSha: null,
        consoleOf: run.consoleSha256 ?? null,
        origin: recordSha,
        seenAt,
      })
    )
      res.crashes++;
}

async function ingestBuild(tx: Tx, b: z.infer<typeof Build>, res: IngestResult): Promise<void> {
  const { recordPath: _drop, ...rest } = b as Record<string, unknown>;
  const record = JSON.stringify(rest);
  const kid = await kernelId(tx, { name: b.kernelVersion, version: b.kernelVersion, configHash: b.configHash });
  const ins = await tx
    .insertInto('builds')
    .values({
      record_sha: sha256(record),
      kernel_id: kid,
      flavour: b.flavour,
      arch: b.arch,
      target: b.target ?? null,
      exit_status: b.exitStatus,
      started_at: b.start,
      wall_seconds: b.wallSeconds,
      record,
    })
    .onConflict((oc) => oc.column('record_sha').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (ins) res.builds++;
}

/**
 * A flavour and the kernel it defines: named as a default `kdk build --flavour-dir` of it will name its kernel
 * (the tree's version, then LOCALVERSION; Debian's CONFIG_LOCALVERSION is empty), with its config hash, so the
 * build's record later lands on the same kernel row.
 */
async function ingestFlavour(
  tx: Tx,
  f: z.infer<typeof Flavour>,
  report: string,
  opts: IngestOptions,
  res: IngestResult,
): Promise<void> {
  const profile = f.profile.profiles.join('+');
  const release = f.kernel && `${f.kernel}${defaultLocalversion(profile)}`;
  const name = opts.kernel ?? release;
  const kid = name ? await kernelId(tx, { name, version: release, tree: f.tree, configHash: f.configHash }) : null;
  const ins = await tx
    .insertInto('flavours')
    .values({
      report_sha: await putArtifact(tx, 'flavour-report', report),
      name: `${f.base.id.flavour}${profile ? '-' + profile : ''}`,
      arch: f.base.id.arch,
      tree_version: f.kernel ?? null,
      packaging_version: f.packaging?.version ?? null,
      config_hash: f.configHash,
      kernel_id: kid,
      created_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.column('report_sha').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (ins) res.flavours++;
}

/** A CVE's subsystem as the dashboard groups it: the first two directories of its first file. */
export const subsystemOf = (files: string[]) => (files[0] ? files[0].split('/').slice(0, 2).join('/') : 'unknown');

async function ingestGap(tx: Tx, g: z.infer<typeof GapCves>, opts: IngestOptions, res: IngestResult): Promise<void> {
  const kid = await kernelId(tx, { name: opts.kernel ?? g.kernel, version: g.kernel });
  for (const f of g.findings) {
    const row = {
      kernel_id: kid,
      cve: f.cve,
      fix_commit: f.fixCommit,
      status: f.status,
      subsystem: subsystemOf(f.files),
      summary: f.summary,
      evidence: f.evidence,
    };
    const r = await tx
      .insertInto('gap_findings')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['kernel_id', 'cve', 'fix_commit'])
          .doUpdateSet({ status: row.status, evidence: row.evidence, summary: row.summary }),
      )
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0) res.findings++;
  }
}

/**
 * A sweep: each bundle's runs as `kdk repro --db` records them (keyed by their records, crashes by console
 * sha256 and offset, so a resumed sweep's runs add nothing), and its verdict on this kernel, one row per
 * (kernel, bug) replaced by the latest. The bug is the bundle's title, placed as ingesting the bundle would.
 * infra-error results say nothing about the bug and never replace a verdict.
 */
async function ingestSweep(
  tx: Tx,
  s: z.infer<typeof Sweep>,
  opts: IngestOptions,
  seenAt: string,
  res: IngestResult,
): Promise<void> {
  // The runs' kernel: the runner names it by the image's path, as the sweep report does.
  const kid = await kernelId(tx, {
    name: opts.kernel ?? s.kernel.image,
    version: s.kernel.version ?? s.kernel.release,
  });
  // One verdict per bug: of several bundles naming the same bug in one sweep, the one that says most (a bug one
  // reproducer crashes with reproduces, whatever another found).
  const best = new Map<number, z.infer<typeof SweepResult>>();
  for (const r of s.results) {
    for (const run of r.runRecords) await ingestRun(tx, run, opts, seenAt, res);
    if (r.verdict === 'infra-error') continue;
    const bugId = await placeInBug(tx, { title: r.title, altTitles: [], corrupted: false }, seenAt);
    if (bugId === null) continue;
    const had = best.get(bugId);
    if (!had || verdictRank(r.verdict) < verdictRank(had.verdict)) best.set(bugId, r);
  }
  for (const [bugId, r] of best) {
    const row = {
      kernel_sha256: s.kernel.sha256,
      bundle: r.bundle,
      verdict: r.verdict,
      hits: r.hits,
      runs: r.runs,
      cve: r.cve ?? null,
      fix_commit: r.fixCommit ?? null,
      fix_state: r.fix.state,
      fix_how: r.fix.how,
      assessment: r.assessment ?? null,
    };
    const old = await tx
      .selectFrom('sweep_verdicts')
      .selectAll()
      .where('kernel_id', '=', kid)
      .where('bug_id', '=', bugId)
      .executeTakeFirst();
    if (old && Object.entries(row).every(([k, v]) => old[k as keyof typeof row] === v)) continue;
    await tx
      .insertInto('sweep_verdicts')
      .values({ kernel_id: kid, bug_id: bugId, ...row, recorded_at: seenAt })
      .onConflict((oc) => oc.columns(['kernel_id', 'bug_id']).doUpdateSet({ ...row, recorded_at: seenAt }))
      .execute();
    res.verdicts++;
  }
}

const VERDICT_ORDER = ['reproduces', 'flaky', 'different-crash', 'no-crash', 'not-applicable'];
const verdictRank = (v: string) => (VERDICT_ORDER.includes(v) ? VERDICT_ORDER.indexOf(v) : VERDICT_ORDER.length);

/** A reproducer bundle: its bug (opened if new), its kernel, and bug.json, .config and repro.c as artifacts. */
async function ingestBundle(conn: Connection, dir: string, opts: IngestOptions): Promise<IngestResult> {
  const b = loadBundle(dir);
  const files: [string, string][] = [
    ['bug.json', join(dir, 'bug.json')],
    ['repro.c', b.repro],
  ];
  if (b.config) files.push(['config', b.config]);
  const contents = files.map(([role, p]) => [role, readInput(p)] as const);
  const key = sha256(`bundle\0${contents.map(([r, d]) => `${r}:${sha256(d)}`).join('\0')}`);
  return conn.writeTx(async (tx) => {
    const res = empty(dir, 'bundle');
    if (await alreadyIngested(tx, key)) return { ...res, already: true };
    const k = b.bug.kernel;
    const name = opts.kernel ?? k?.version ?? k?.commit;
    if (name) await kernelId(tx, { name, version: k?.version, tree: k?.tree, commit: k?.commit });
    const bugId = await placeInBug(
      tx,
      { title: b.bug.title, altTitles: [], corrupted: false },
      opts.seenAt ?? new Date().toISOString(),
    );
    for (const [role, data] of contents) {
      const sha = await putArtifact(
        tx,
        role === 'config' ? 'config' : role === 'repro.c' ? 'reproducer' : 'bundle',
        data,
      );
      if (bugId !== null)
        await tx
          .insertInto('bug_artifacts')
          .values({ bug_id: bugId, sha256: sha, role })
          .onConflict((oc) => oc.columns(['bug_id', 'sha256', 'role']).doNothing())
          .execute();
    }
    await markIngested(tx, key, 'bundle', dir);
    return res;
  });
}
