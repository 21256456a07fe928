// `kdk sweep`: every bundle against one kernel. Per bundle: the Kconfig check of its requirements (missing:
// not-applicable, with the engine's reason), the reproducer compiled (against the kernel tree's UAPI headers when
// the tree is known), N fresh VMs with the runner's watchdogs, at most P at once across all bundles, a run that
// failed for the machine's sake (infra-error) retried once, the runs classified, and the verdict joined with
// whether the kernel has the fix. Finished bundles are saved per (kernel, bundle) and skipped by the next sweep.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { debianSourceTree } from '../distro/index.js';
import { buildInitramfs, compileStatic } from '../image/index.js';
import {
  loadBundle,
  resolveAccel,
  runVm,
  checkKernelFile,
  archProfile,
  type AccelChoice,
  type Bundle,
  type GuestArch,
  type RunResult,
  type VmSettings,
} from '../vm/index.js';
import { reportToJson } from '../report/index.js';
import { inputError } from '../util/errors.js';
import { DEFAULT_GUEST_ARCH } from '../util/arch.js';
import { resolveSweepKernel, type SweepKernel } from './kernel.js';
import { RequirementChecker, type MissingOption } from './requires.js';
import { fixByPatch, fixByVersion, fixInBranch, releaseVersion, type FixAnswer } from './fix.js';
import { assess, classifyRuns, type Assessment, type RunOutcome, type SweepVerdict } from './classify.js';
import { bundleHash, loadSaved, saveResult } from './results.js';
import { uapiHeaders } from './headers.js';

export const SWEEP_DEFAULTS = { repeat: 3, parallel: 1, runTimeoutS: 120 };

export interface SweepRequest {
  /** A bzImage or a build directory. */
  kernel: string;
  arch?: GuestArch;
  /** The kernel's .config, when not beside the image or in the build directory. */
  config?: string;
  /** The kernel's version, when its release does not say it (Debian's 6.1.0-28-amd64). */
  kernelVersion?: string;
  /** Bundle directories, or directories of bundles. */
  bundles: string[];
  repeat?: number;
  parallel?: number;
  /** The Kconfig tree the requirements are evaluated on (default: the build's source, else Debian's tree). */
  srcTree?: string;
  /** Fix presence by commit in this git tree and branch, instead of by version. */
  repo?: string;
  branch?: string;
  accel: AccelChoice;
  /** Seconds from userspace to the reproducer's end (default: bug.json's timeout, else 120). */
  runTimeoutS?: number;
  /** Seconds for each VM in all, boot included. */
  totalTimeoutS?: number;
  vm?: VmSettings;
  /** Run every bundle again, ignoring saved results. */
  fresh?: boolean;
  /** Compile with the system's UAPI headers only, never the kernel tree's. */
  systemHeaders?: boolean;
  log: (l: string) => void;
  onResult?: (r: BundleResult) => void;
}

export interface BundleResult {
  bundle: string;
  title: string;
  cve?: string;
  fixCommit?: string;
  fixTitle?: string;
  verdict: SweepVerdict;
  /** Runs that crashed with the bundle's title, and runs that gave an answer. */
  hits: number;
  runs: number;
  /** The other crash's title (different-crash). */
  otherTitle?: string;
  /** not-applicable: the options the kernel lacks, with the Kconfig reasons. */
  missing?: MissingOption[];
  fix: FixAnswer;
  assessment?: Assessment;
  /** First crash title of each run, counted. */
  titles: Record<string, number>;
  consoleLogs: string[];
  /**
   * Each run's RunResult as `kdk run --json` prints it (crash reports as JSON, consoleSha256): what `--db` and
   * `kdk ingest` record. Saved with the result, so a resumed sweep records the very same runs (adding nothing).
   */
  runRecords: Record<string, unknown>[];
  /** Runs retried after an infra-error. */
  retried: number;
  /** Which UAPI headers the reproducer was compiled against. */
  headers?: string;
  /** Taken from an earlier sweep of the same kernel. */
  resumed: boolean;
}

export interface SweepReport {
  kernel: { image: string; release?: string; version?: string; config?: string; sha256: string };
  repeat: number;
  results: BundleResult[];
  counts: Record<string, number>;
}

/** A bundle directory (it has bug.json), or a directory whose subdirectories are bundles. */
export function expandBundleDirs(dirs: string[]): string[] {
  const out: string[] = [];
  for (const d of dirs) {
    if (!existsSync(d) || !statSync(d).isDirectory()) throw inputError('bundle directory not found', d);
    if (existsSync(join(d, 'bug.json'))) {
      out.push(d);
      continue;
    }
    const subs = readdirSync(d, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(d, e.name, 'bug.json')))
      .map((e) => join(d, e.name))
      .sort();
    if (subs.length === 0) throw inputError('neither a bundle (bug.json) nor a directory of bundles', d);
    out.push(...subs);
  }
  return [...new Set(out.map((p) => resolve(p)))];
}

/** At most `n` tasks at once. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    while (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

const outcome = (r: RunResult): RunOutcome => ({
  verdict: r.verdict,
  titles: r.crashes.map((c) => [c.title, ...c.altTitles]),
});

interface Context {
  req: SweepRequest;
  kernel: SweepKernel;
  arch: GuestArch;
  accel: 'kvm' | 'tcg';
  repeat: number;
  slot: <T>(task: () => Promise<T>) => Promise<T>;
  checker?: RequirementChecker;
  headers?: () => Promise<string | undefined>;
}

async function fixAnswer(ctx: Context, b: Bundle): Promise<FixAnswer> {
  if (ctx.req.repo && ctx.req.branch) return fixInBranch(b.bug, ctx.req.repo, ctx.req.branch);
  // Only a tree known to be the kernel's (--srctree, the build's source link), never the Debian default.
  const tree = ctx.req.srcTree ?? ctx.kernel.srcTree;
  const byPatch = tree ? fixByPatch(join(b.dir, 'fix.patch'), tree) : undefined;
  if (byPatch) return byPatch;
  return fixByVersion(b.bug, releaseVersion(ctx.req.kernelVersion ?? ctx.kernel.release));
}

/** One run, retried once when it failed for the machine's sake. */
async function runOnce(ctx: Context, initramfs: string, b: Bundle): Promise<{ r: RunResult; retried: boolean }> {
  const opts = {
    ...ctx.req.vm,
    kernel: ctx.kernel.bzImage,
    arch: ctx.arch,
    initramfs,
    runTimeoutS: ctx.req.runTimeoutS ?? b.bug.timeout ?? SWEEP_DEFAULTS.runTimeoutS,
    totalTimeoutS: ctx.req.totalTimeoutS,
  };
  const first = await ctx.slot(() => runVm(opts, ctx.accel));
  if (first.verdict !== 'infra-error') return { r: first, retried: false };
  ctx.req.log(`kdk: ${b.dir}: infra-error (${first.reason}), retrying once`);
  return { r: await ctx.slot(() => runVm(opts, ctx.accel)), retried: true };
}

async function sweepBundle(ctx: Context, dir: string): Promise<BundleResult> {
  const b = loadBundle(dir, { kernelGiven: true });
  const hash = bundleHash(readFileSync(join(dir, 'bug.json')), readFileSync(b.repro));
  const saved = ctx.req.fresh ? undefined : loadSaved<BundleResult>(ctx.kernel.hash, hash, ctx.repeat);
  // The fix's presence is asked again even for a saved result: cheap, and it depends on flags (--repo, --srctree).
  const fix = await fixAnswer(ctx, b);
  if (saved)
    return {
      ...saved,
      bundle: dir,
      fix,
      assessment: assess(saved.verdict, fix.state),
      runRecords: saved.runRecords ?? [],
      resumed: true,
    };
  const base = {
    bundle: dir,
    title: b.bug.title,
    cve: b.bug.cve,
    fixCommit: b.bug.fix?.commit,
    fixTitle: b.bug.fix?.title,
    fix,
    titles: {},
    consoleLogs: [],
    runRecords: [],
    retried: 0,
    resumed: false,
  };
  const missing = ctx.checker?.missing(b.bug.requires ?? []) ?? [];
  if (b.bug.requires?.length && !ctx.checker)
    throw inputError('the bundle requires options but the kernel has no .config to check (give --config)', dir);
  let result: BundleResult;
  if (missing.length) {
    result = { ...base, verdict: 'not-applicable', hits: 0, runs: 0, missing };
  } else {
    const headers = await ctx.headers?.();
    const binary = await compileStatic(b.repro, ctx.req.log, { noSymlinks: true, uapiHeaders: headers });
    const initramfs = buildInitramfs([{ name: 'repro', path: binary }], ctx.req.log);
    const runs = await Promise.all(Array.from({ length: ctx.repeat }, () => runOnce(ctx, initramfs, b)));
    const c = classifyRuns(
      runs.map((x) => outcome(x.r)),
      b.bug.title,
    );
    const titles: Record<string, number> = {};
    for (const { r } of runs) if (r.crashes[0]) titles[r.crashes[0].title] = (titles[r.crashes[0].title] ?? 0) + 1;
    result = {
      ...base,
      ...c,
      titles,
      consoleLogs: runs.map((x) => x.r.consoleLog),
      runRecords: runs.map((x) => ({ ...x.r, crashes: x.r.crashes.map(reportToJson) })),
      retried: runs.filter((x) => x.retried).length,
      headers: headers ?? 'system',
    };
  }
  result.assessment = assess(result.verdict, fix.state);
  if (result.verdict !== 'infra-error') saveResult(ctx.kernel.hash, hash, ctx.repeat, result);
  return result;
}

export async function sweep(req: SweepRequest): Promise<SweepReport> {
  const arch = req.arch ?? DEFAULT_GUEST_ARCH;
  const bundles = expandBundleDirs(req.bundles);
  const kernel = await resolveSweepKernel(req.kernel, arch, { config: req.config });
  checkKernelFile(kernel.bzImage, archProfile(arch));
  const repeat = req.repeat ?? SWEEP_DEFAULTS.repeat;
  const srcTree = () => req.srcTree ?? kernel.srcTree ?? debianSourceTree(req.log).dir;
  const accel = (await resolveAccel(req.accel, kernel.bzImage, arch, req.log)).accel;
  const ctx: Context = {
    req,
    kernel,
    arch,
    accel,
    repeat,
    slot: limiter(req.parallel ?? SWEEP_DEFAULTS.parallel),
    checker: kernel.config ? new RequirementChecker({ srcTree, arch, config: kernel.config, log: req.log }) : undefined,
    headers: req.systemHeaders ? undefined : once(() => uapiHeaders(srcTree(), arch, req.log)),
  };
  const results = await Promise.all(
    bundles.map(async (d) => {
      const r = await sweepBundle(ctx, d);
      req.onResult?.(r);
      return r;
    }),
  );
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.verdict] = (counts[r.verdict] ?? 0) + 1;
  const version = releaseVersion(req.kernelVersion ?? kernel.release)?.text;
  return {
    kernel: { image: kernel.bzImage, release: kernel.release, version, config: kernel.config, sha256: kernel.hash },
    repeat,
    results,
    counts,
  };
}

function once<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
}
