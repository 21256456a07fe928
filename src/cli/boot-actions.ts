// The actions of `kdk boot`, `kdk run`, `kdk repro`, loaded only when one of them runs (boot.ts registers them).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printJson, say, setExitCode } from './common.js';
import {
  guessVmlinux,
  guestArch,
  positiveNumber,
  printResult,
  resolveAccel,
  accelFlag,
  resultJson,
  type VmCliOptions,
} from './vm-common.js';
import { buildInitramfs, compileStatic } from '../image/index.js';
import {
  bundleKernel,
  checkKernelFile,
  archProfile,
  loadBundle,
  reproduceBundle,
  runMany,
  runVm,
  summarize,
} from '../vm/index.js';
import { ExitCode } from '../util/errors.js';
import { debianSourceTree } from '../util/debian.js';

export interface BootOptions extends VmCliOptions {
  kernel: string;
  initramfs?: string;
  image?: string;
  gdb?: boolean;
}

export interface RunOptions extends VmCliOptions {
  kernel: string;
  repro: string;
  repeat?: string;
  parallel?: string;
}

export interface ReproOptions extends VmCliOptions {
  srctree?: string;
  repeat?: string;
  runTimeout?: string;
}

const log = (opts: VmCliOptions) => (l: string) => {
  if (!opts.quiet) process.stderr.write(l.endsWith('\n') ? l : l + '\n');
};

export async function bootCommand(opts: BootOptions): Promise<void> {
  const arch = guestArch(opts);
  const timeout = positiveNumber(opts.timeout, '--timeout', 120);
  accelFlag(opts);
  checkKernelFile(opts.kernel, archProfile(arch));
  const accel = await resolveAccel(opts, opts.kernel, log(opts));
  const initramfs = opts.initramfs ?? (opts.image ? undefined : buildInitramfs([], log(opts)));
  const r = await runVm(
    {
      kernel: opts.kernel,
      arch,
      initramfs,
      image: opts.image,
      append: opts.append,
      memoryMb: positiveNumber(opts.memory, '--memory', 1024),
      bootTimeoutS: timeout,
      runTimeoutS: timeout,
      totalTimeoutS: timeout,
      silenceS: opts.gdb ? 0 : positiveNumber(opts.silenceTimeout, '--silence-timeout', 60),
      gdb: opts.gdb,
      hold: opts.gdb,
      ssh: Boolean(opts.image),
      onEvent: (e) => {
        if (e.kind === 'started' && e.gdbPort) {
          process.stderr.write(
            `kdk: gdb stub ready: gdb ${guessVmlinux(opts.kernel)} -ex 'target remote :${e.gdbPort}'\n`,
          );
        } else if (e.kind === 'userspace') log(opts)(`kdk: userspace reached after ${e.seconds.toFixed(1)} s`);
      },
    },
    accel.accel,
  );
  if (opts.json) printJson({ ...resultJson(r), accelVerdict: accel });
  else printResult(opts, r);
  const ok = r.booted && (r.verdict === 'no-crash' || (opts.gdb && r.verdict === 'timeout'));
  setExitCode(ok ? ExitCode.ok : ExitCode.failure);
}

export async function runCommand(opts: RunOptions): Promise<void> {
  const arch = guestArch(opts);
  const repeat = positiveNumber(opts.repeat, '--repeat', 1);
  const parallel = positiveNumber(opts.parallel, '--parallel', 1);
  const timeout = positiveNumber(opts.timeout, '--timeout', 300);
  accelFlag(opts);
  checkKernelFile(opts.kernel, archProfile(arch));
  const binary = await compileStatic(opts.repro, log(opts));
  const initramfs = buildInitramfs([{ name: 'repro', path: binary }], log(opts));
  const accel = await resolveAccel(opts, opts.kernel, log(opts));
  const results = await runMany(
    {
      kernel: opts.kernel,
      arch,
      initramfs,
      append: opts.append,
      memoryMb: positiveNumber(opts.memory, '--memory', 1024),
      bootTimeoutS: Math.min(timeout, 120),
      runTimeoutS: timeout,
      totalTimeoutS: timeout,
      silenceS: positiveNumber(opts.silenceTimeout, '--silence-timeout', 60),
    },
    accel.accel,
    {
      repeat,
      parallel,
      workRoot: mkdtempSync(join(tmpdir(), 'kdk-run-')),
      onEvent: (i, e) => {
        if (e.kind === 'userspace') log(opts)(`kdk: run ${i + 1}: userspace after ${e.seconds.toFixed(1)} s`);
        else if (e.kind === 'program-start') log(opts)(`kdk: run ${i + 1}: program ${e.name} started`);
      },
      onResult: (i, r) =>
        log(opts)(`kdk: run ${i + 1}/${repeat}: ${r.verdict}${r.crashes[0] ? `: ${r.crashes[0].title}` : ''}`),
    },
  );
  const summary = summarize(results);
  if (opts.json) printJson({ summary, accelVerdict: accel, runs: results.map(resultJson) });
  else {
    results.forEach((r, i) => printResult(opts, r, `run ${i + 1}: `));
    say(opts, `verdict: ${summary.verdict} in ${summary.runs} run(s)`);
    for (const [t, n] of Object.entries(summary.titles)) say(opts, `  ${n} x ${t}`);
  }
  setExitCode(summary.verdict === 'no-crash' ? ExitCode.ok : ExitCode.failure);
}

export async function reproCommand(dir: string, opts: ReproOptions): Promise<void> {
  const bundle = loadBundle(dir);
  const lg = log(opts);
  let kernelForProbe = bundle.bzImage;
  // Without --srctree a bundle lacking a bzImage is built from Debian's tree, as every --srctree defaults.
  const srcTree = opts.srctree ?? (bundle.bzImage ? undefined : debianSourceTree(lg).dir);
  const repeat = opts.repeat === undefined ? undefined : positiveNumber(opts.repeat, '--repeat', 3);
  // --timeout means what it means for boot and run (the whole VM, boot included); --run-timeout is after boot.
  const timeoutS = opts.runTimeout === undefined ? undefined : positiveNumber(opts.runTimeout, '--run-timeout', 120);
  const totalTimeoutS = opts.timeout === undefined ? undefined : positiveNumber(opts.timeout, '--timeout', 300);
  // The probe needs a bootable kernel: the bundle's, or the one built from the tree (built first).
  if (!kernelForProbe) {
    kernelForProbe = (await bundleKernel(bundle, srcTree, lg)).kernel;
  }
  checkKernelFile(kernelForProbe, archProfile(bundle.bug.arch ?? 'x86_64'));
  const accel = await resolveAccel(opts, kernelForProbe, lg);
  const vm = {
    append: opts.append,
    memoryMb: positiveNumber(opts.memory, '--memory', 1024),
    silenceS: positiveNumber(opts.silenceTimeout, '--silence-timeout', 60),
    totalTimeoutS,
  };
  const res = await reproduceBundle(bundle, { srcTree, accel: accel.accel, repeat, timeoutS, log: lg, vm });
  if (opts.json) printJson({ ...res, runs: res.runs.map(resultJson), accelVerdict: accel });
  else {
    const what =
      res.verdict === 'reproduced'
        ? `reproduced: ${res.title}`
        : res.verdict === 'different-crash'
          ? `different crash: ${res.title} (expected: ${res.expectedTitle})`
          : `no crash after ${res.runs.length} run(s) (expected: ${res.expectedTitle})`;
    say(opts, what);
    say(opts, `  kernel: ${res.kernel} (${res.kernelSource})`);
    for (const r of res.runs) say(opts, `  console log: ${r.consoleLog}`);
  }
  setExitCode(res.verdict === 'reproduced' ? ExitCode.ok : ExitCode.failure);
}
