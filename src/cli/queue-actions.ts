// The actions of `kdk submit`, `kdk jobs`, `kdk worker` (registered in queue.ts).
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import {
  cancelJob,
  connectQueue,
  FINAL_STATES,
  getJob,
  resolveJobId,
  KINDS,
  listJobs,
  openArtifacts,
  packDir,
  queueUrl,
  runWorker,
  submitJob,
  JobSpec,
  type ArtifactStore,
  type JobKind,
  type JobRow,
  type QueueConn,
} from '../queue/index.js';
import { ExitCode, inputError } from '../util/errors.js';
import { escapeTerminal } from '../util/text.js';
import { printJson, say, setExitCode, type CommonOptions } from './common.js';
import { guestArch, positiveNumber } from './vm-common.js';
import { readToken } from './serve.js';

interface DbOpts extends CommonOptions {
  db?: string;
  artifacts?: string;
  tokenFile?: string;
}

async function withQueue<T>(opts: DbOpts, fn: (c: QueueConn) => Promise<T>): Promise<T> {
  const conn = await connectQueue(queueUrl(opts.db));
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}

/** --artifacts: a directory every worker mounts, or a kdk server's URL with its write token (--token-file). */
function artifactStore(opts: DbOpts): { store: ArtifactStore; where: string; token?: string } {
  const where = opts.artifacts ?? process.env.KDK_ARTIFACTS;
  if (!where)
    throw inputError(
      '--artifacts: give the artifact directory or kdk serve URL every worker reaches (or $KDK_ARTIFACTS)',
    );
  if (/^https?:\/\//i.test(where)) {
    const file = opts.tokenFile ?? process.env.KDK_TOKEN_FILE;
    if (!file) throw inputError(`--artifacts ${where}: uploads need the server's write token (--token-file)`);
    const token = readToken(file);
    return { store: openArtifacts(where, token), where, token };
  }
  if (!existsSync(where) || !statSync(where).isDirectory()) throw inputError('--artifacts: no such directory', where);
  return { store: openArtifacts(resolve(where)), where: resolve(where) };
}

const need = (v: string | undefined, flag: string, kind: string) => {
  if (!v) throw inputError(`kdk submit ${kind} needs ${flag}`);
  if (!existsSync(v)) throw inputError('no such file or directory', v);
  return v;
};

async function fileArtifact(art: ArtifactStore, path: string) {
  return { sha256: await art.put(path), name: basename(path) };
}

async function dirArtifact(art: ArtifactStore, dir: string, exclude: string[]) {
  const tmp = mkdtempSync(join(tmpdir(), 'kdk-submit-'));
  try {
    const tar = join(tmp, `${basename(resolve(dir))}.tar`);
    await packDir(dir, tar, exclude);
    return { sha256: await art.put(tar), name: basename(tar) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The job's inputs from the flags, its files copied into the artifact store. */
async function specOf(
  kind: string,
  o: Record<string, string | boolean | undefined>,
  art: ArtifactStore,
): Promise<JobSpec> {
  if (!KINDS.includes(kind as JobKind)) throw inputError(`kdk submit: unknown kind '${kind}' (${KINDS.join(', ')})`);
  const s = (k: string) => o[k] as string | undefined;
  const vm = {
    arch: guestArch({ arch: s('arch') }),
    kvm: Boolean(o.kvm),
    append: s('append'),
    memoryMb: s('memory') ? positiveNumber(s('memory'), '--memory', 1024) : undefined,
  };
  const repeat = s('repeat') ? positiveNumber(s('repeat'), '--repeat', 1) : undefined;
  let spec: unknown;
  if (kind === 'boot' || kind === 'run') {
    const kernel = need(s('kernel'), '--kernel', kind);
    const common = {
      ...vm,
      kernel: await fileArtifact(art, kernel),
      kernelName: s('kernelName') ?? basename(kernel),
      timeoutS: positiveNumber(s('timeout'), '--timeout', kind === 'boot' ? 120 : 300),
    };
    spec =
      kind === 'boot'
        ? { kind, ...common }
        : { kind, ...common, repro: await fileArtifact(art, need(s('repro'), '--repro', kind)), repeat: repeat ?? 1 };
  } else if (kind === 'repro') {
    const bundle = await dirArtifact(art, need(s('bundle'), '--bundle', kind), []);
    spec = { kind, ...vm, bundle, repeat, timeoutS: positiveNumber(s('timeout'), '--timeout', 120) };
  } else {
    const flavour = await dirArtifact(art, need(s('flavourDir'), '--flavour-dir', kind), [
      'build',
      'build-record.json',
    ]);
    spec = {
      kind,
      arch: vm.arch,
      kvm: false,
      flavour,
      target: s('target') ?? 'bindeb-pkg',
      jobs: positiveNumber(s('jobs'), '--jobs', 2),
      sourceVersion: s('sourceVersion'),
      timeoutS: positiveNumber(s('timeout'), '--timeout', 6 * 3600),
    };
  }
  return JobSpec.parse(spec);
}

const VERDICT_OK = new Set(['no-crash', 'built', 'reproduced']);

function exitFor(job: JobRow): number {
  if (job.state === 'failed') return ExitCode.environment;
  if (job.state === 'cancelled') return ExitCode.failure;
  if (job.verdict === 'input-error') return ExitCode.usage;
  return VERDICT_OK.has(job.verdict ?? '') ? ExitCode.ok : ExitCode.failure;
}

const attemptsText = (j: JobRow) =>
  j.attempts.map((a) => `#${a.n} ${a.worker} ${a.outcome ?? 'running'}`).join(', ') || '-';

async function follow(conn: QueueConn, id: string, opts: CommonOptions): Promise<JobRow> {
  let last = '';
  for (;;) {
    const job = await getJob(conn, id);
    const line = `${job.state}${job.verdict ? ` (${job.verdict})` : ''}: ${attemptsText(job)}`;
    if (line !== last && !opts.quiet) process.stderr.write(`kdk: job ${id.slice(0, 8)}: ${escapeTerminal(line)}\n`);
    last = line;
    if (FINAL_STATES.includes(job.state)) return job;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export async function submitCommand(
  kind: string,
  opts: DbOpts & Record<string, string | boolean | undefined> & { wait?: boolean },
): Promise<void> {
  const art = artifactStore(opts).store;
  const url = queueUrl(opts.db);
  const spec = await specOf(kind, opts, art);
  const retries = Number(opts.retries);
  if (!Number.isInteger(retries) || retries < 0) throw inputError(`--retries wants 0 or more, got '${opts.retries}'`);
  const jobTimeout = opts.jobTimeout ? positiveNumber(opts.jobTimeout as string, '--job-timeout', 1) : undefined;
  await withQueue({ ...opts, db: url }, async (conn) => {
    const s = await submitJob(conn, spec, { retryLimit: retries, timeoutS: jobTimeout });
    if (!opts.wait) {
      if (opts.json) printJson(s);
      else {
        process.stdout.write(`${s.id}\n`);
        if (s.status !== 'new' && !opts.quiet)
          process.stderr.write(`kdk: the same job was submitted before (${s.status}); not queued again\n`);
      }
      return;
    }
    const job = await follow(conn, s.id, opts);
    setExitCode(exitFor(job));
    if (opts.json) printJson({ ...s, job });
    else say(opts, `${s.id} ${job.state}${job.verdict ? ` ${job.verdict}` : ''}${job.error ? `: ${job.error}` : ''}`);
  });
}

const ago = (from?: string, to?: string) =>
  from ? `${((new Date(to ?? Date.now()).getTime() - new Date(from).getTime()) / 1000).toFixed(0)}s` : '-';

function table(jobs: JobRow[]): string {
  const rows = [['ID', 'KIND', 'STATE', 'VERDICT', 'WORKER', 'TRIES', 'WAITED', 'RAN']];
  for (const j of jobs)
    rows.push([
      j.id.slice(0, 8),
      j.kind,
      j.state,
      j.verdict ?? '-',
      j.worker ?? '-',
      String(j.attempts.length),
      ago(j.submittedAt, j.attempts[0]?.startedAt),
      j.startedAt ? ago(j.startedAt, j.completedAt) : '-',
    ]);
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(w[i]))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

export async function jobsCommand(opts: DbOpts & { watch?: boolean }): Promise<void> {
  await withQueue(opts, async (conn) => {
    let last = '';
    for (;;) {
      const jobs = await listJobs(conn);
      if (!opts.watch) {
        if (opts.json) printJson({ jobs });
        else say(opts, table(jobs));
        return;
      }
      const text = opts.json ? JSON.stringify({ jobs }) + '\n' : table(jobs);
      if (text !== last) process.stdout.write(opts.json ? text : `\n${escapeTerminal(text)}`);
      last = text;
      if (jobs.every((j) => FINAL_STATES.includes(j.state))) return;
      await new Promise((r) => setTimeout(r, 2000));
    }
  });
}

export async function cancelCommand(id: string, opts: DbOpts): Promise<void> {
  await withQueue(opts, async (conn) => {
    const full = await resolveJobId(conn, id);
    const ok = await cancelJob(conn, full);
    if (opts.json) printJson({ id: full, cancelled: ok });
    else say(opts, ok ? `${full}: cancelled` : `${full}: had ended already; nothing to cancel`);
    if (!ok) setExitCode(ExitCode.failure);
  });
}

export async function workerCommand(
  opts: DbOpts & {
    kinds?: string;
    slots: string;
    lease: string;
    poll: string;
    name?: string;
    distccd?: string;
    distccdPort: string;
  },
): Promise<void> {
  const kinds = (opts.kinds ?? KINDS.join(',')).split(',').map((k) => k.trim());
  for (const k of kinds)
    if (!KINDS.includes(k as JobKind)) throw inputError(`--kinds: unknown kind '${k}' (${KINDS.join(', ')})`);
  const slots = positiveNumber(opts.slots, '--slots', 1);
  if (!Number.isInteger(slots)) throw inputError(`--slots wants a whole number, got '${opts.slots}'`);
  const log = (l: string) => {
    if (!opts.quiet) process.stderr.write(escapeTerminal(l.endsWith('\n') ? l : l + '\n'));
  };
  const art = artifactStore(opts);
  const r = await runWorker({
    url: queueUrl(opts.db),
    artifacts: art.where,
    artifactToken: art.token,
    kinds: kinds as JobKind[],
    slots,
    leaseS: positiveNumber(opts.lease, '--lease', 30),
    pollS: positiveNumber(opts.poll, '--poll', 0.5),
    name: opts.name,
    distccd: opts.distccd
      ? { allow: opts.distccd, port: positiveNumber(opts.distccdPort, '--distccd-port', 3632) }
      : undefined,
    log,
    onReady: (id, caps, queues) =>
      log(
        `kdk: worker ${id} ready: ${caps.cores} cores, ${caps.accel.accel} (${caps.accel.reason}), ` +
          `${caps.trees.length} trees; queues ${queues.join(' ')}`,
      ),
  });
  if (opts.json) printJson(r);
  else log(`kdk: worker ${r.id}: stopped after ${r.jobs} attempts`);
}
