// Doing one job on a worker: fetch its artifacts (checked by sha256), run it through the stage that does the
// work (vm for boot/run/repro, build for build), put what it produced (consoles, kernels, .debs) into the
// artifact store and return the --json document the store ingests. Kernel failures come back as verdicts;
// what says the machinery failed (QEMU not starting, an artifact missing) is thrown as InfraError.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildInitramfs } from '../image/index.js';
import { loadBundle, reproduceBundle, resolveAccel, runReproducer, runVm, type RunResult } from '../vm/index.js';
import { buildFlavour } from '../build/index.js';
import { makeProgress } from '../util/progress.js';
import { ExitCode, KdkError } from '../util/errors.js';
import type { ArtifactStore } from './artifacts.js';
import { InfraError } from './infra-error.js';
import { unpackDir } from './tar.js';
import type { JobSpec } from './kinds.js';

export interface JobContext {
  artifacts: ArtifactStore;
  /** Scratch space for this attempt (removed after). */
  workDir: string;
  signal: AbortSignal;
  log: (l: string) => void;
}

export interface JobOutcome {
  /** no-crash, crash, boot-failure, timeout (the guest hung), reproduced, different-crash, built, build-failed */
  verdict: string;
  /** The document the store ingests (a kdk run/boot/build --json shape). */
  document: Record<string, unknown>;
  /** The kernel the store files it under. */
  kernel?: string;
  /** Artifacts it produced, by name. */
  artifacts: Record<string, string>;
}

/** A run's console into the artifact store; the record names it by hash (worker paths mean nothing elsewhere). */
async function keepConsoles(runs: RunResult[], ctx: JobContext, kernelName: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [i, r] of runs.entries()) {
    if (r.verdict === 'infra-error') throw new InfraError(`run ${i + 1}: ${r.reason}`);
    if (existsSync(r.consoleLog)) {
      const sha = await ctx.artifacts.put(r.consoleLog);
      out[`console-${i + 1}.log`] = sha;
      r.consoleLog = `artifact:${sha}`;
    }
    r.kernel = kernelName;
    delete r.initramfs;
  }
  return out;
}

function checkAborted(ctx: JobContext): void {
  if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('aborted');
}

async function runJob(spec: Extract<JobSpec, { kind: 'run' }>, ctx: JobContext): Promise<JobOutcome> {
  const kernel = await ctx.artifacts.fetch(spec.kernel.sha256);
  // gcc names the source in its messages: give it the submitter's file name when it is a plain one.
  const name = /^[\w.-]{1,64}\.c$/.test(spec.repro.name) ? spec.repro.name : 'repro.c';
  const repro = join(ctx.workDir, name);
  copyFileSync(await ctx.artifacts.fetch(spec.repro.sha256), repro);
  const out = await runReproducer({
    kernel,
    arch: spec.arch,
    repro,
    accel: spec.kvm ? 'kvm' : 'auto',
    repeat: spec.repeat,
    timeoutS: spec.timeoutS,
    vm: { append: spec.append, memoryMb: spec.memoryMb },
    log: ctx.log,
    signal: ctx.signal,
  });
  checkAborted(ctx);
  const artifacts = await keepConsoles(out.runs, ctx, spec.kernelName);
  return { verdict: out.summary.verdict, document: { ...out }, kernel: spec.kernelName, artifacts };
}

async function bootJob(spec: Extract<JobSpec, { kind: 'boot' }>, ctx: JobContext): Promise<JobOutcome> {
  const kernel = await ctx.artifacts.fetch(spec.kernel.sha256);
  const t = spec.timeoutS;
  const accel = await resolveAccel(spec.kvm ? 'kvm' : 'auto', kernel, spec.arch, ctx.log);
  const r = await runVm(
    {
      kernel,
      arch: spec.arch,
      initramfs: buildInitramfs([], ctx.log),
      append: spec.append,
      memoryMb: spec.memoryMb,
      bootTimeoutS: t,
      runTimeoutS: t,
      totalTimeoutS: t,
      signal: ctx.signal,
    },
    accel.accel,
  );
  checkAborted(ctx);
  const artifacts = await keepConsoles([r], ctx, spec.kernelName);
  return { verdict: r.verdict, document: { ...r }, kernel: spec.kernelName, artifacts };
}

async function reproJob(spec: Extract<JobSpec, { kind: 'repro' }>, ctx: JobContext): Promise<JobOutcome> {
  const dir = join(ctx.workDir, 'bundle');
  await unpackDir(await ctx.artifacts.fetch(spec.bundle.sha256), dir);
  const bundle = loadBundle(dir);
  const res = await reproduceBundle(bundle, {
    accel: spec.kvm ? 'kvm' : 'auto',
    repeat: spec.repeat,
    timeoutS: spec.timeoutS,
    log: ctx.log,
    vm: { append: spec.append, memoryMb: spec.memoryMb },
    signal: ctx.signal,
  });
  checkAborted(ctx);
  const kernelName = bundle.bug.title ? `bundle:${spec.bundle.sha256.slice(0, 12)}` : res.kernel;
  const artifacts = await keepConsoles(res.runs, ctx, kernelName);
  const { gdb: _gdb, ...doc } = res;
  return { verdict: res.verdict, document: { ...doc, kernel: kernelName }, kernel: kernelName, artifacts };
}

async function buildJob(spec: Extract<JobSpec, { kind: 'build' }>, ctx: JobContext): Promise<JobOutcome> {
  const dir = join(ctx.workDir, 'flavour');
  await unpackDir(await ctx.artifacts.fetch(spec.flavour.sha256), dir);
  const progress = makeProgress({ tty: false });
  try {
    const { record } = await buildFlavour({
      flavourDir: dir,
      jobs: spec.jobs,
      target: spec.target,
      sourceVersion: spec.sourceVersion,
      progress,
    });
    const artifacts: Record<string, string> = {};
    const image = join(dir, 'build', 'arch', spec.arch === 'arm64' ? 'arm64' : 'x86', 'boot');
    for (const f of existsSync(image) ? readdirSync(image) : [])
      if (f === 'bzImage' || f === 'Image') artifacts[f] = await ctx.artifacts.put(join(image, f));
    for (const f of readdirSync(dir))
      if (f.endsWith('.deb')) artifacts[basename(f)] = await ctx.artifacts.put(join(dir, f));
    return {
      verdict: 'built',
      document: { ...record, artifactsSha: artifacts },
      kernel: record.kernelVersion,
      artifacts,
    };
  } catch (e) {
    // A compile error is the kernel's result; a full disk (exit 3) is the machine's and is retried elsewhere.
    if (!(e instanceof KdkError) || e.exitCode !== ExitCode.failure) throw e;
    const failed = join(dir, 'build-record.failed.json');
    const record = existsSync(failed) ? JSON.parse(readFileSync(failed, 'utf8')) : { error: e.message };
    return { verdict: 'build-failed', document: record, kernel: record.kernelVersion, artifacts: {} };
  }
}

export async function executeJob(spec: JobSpec, ctx: JobContext): Promise<JobOutcome> {
  mkdirSync(ctx.workDir, { recursive: true });
  switch (spec.kind) {
    case 'run':
      return runJob(spec, ctx);
    case 'boot':
      return bootJob(spec, ctx);
    case 'repro':
      return reproJob(spec, ctx);
    case 'build':
      return buildJob(spec, ctx);
  }
}
