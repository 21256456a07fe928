// The actions of `kdk boot`, `kdk run`, `kdk repro`, loaded only when one of them runs (boot.ts registers them).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
import { buildInitramfs } from '../image/index.js';
import {
  checkKernelFile,
  gdbSession,
  archProfile,
  loadBundle,
  reproduceBundle,
  runReproducer,
  moduleLoads,
  runVm,
  RUN_DEFAULTS,
  type VmSettings,
} from '../vm/index.js';
import { ExitCode, inputError } from '../util/errors.js';
import { onInterrupt } from '../util/proc.js';
import { recordResult } from './store.js';
import { escapeTerminal } from '../util/text.js';

export interface BootOptions extends VmCliOptions {
  kernel: string;
  initramfs?: string;
  image?: string;
  gdb?: boolean;
}

export interface RunOptions extends VmCliOptions {
  kernel: string;
  repro?: string;
  module: string[];
  repeat?: string;
  parallel?: string;
}

export interface ReproOptions extends VmCliOptions {
  srctree?: string;
  repeat?: string;
  gdb?: boolean;
  gdbHold?: string;
  runTimeout?: string;
}

/** 128 + SIGINT, as a shell reports a command ended by Ctrl-C. */
const EXIT_INTERRUPTED = 130;

type HoldState = 'before-hold' | 'held-for-gdb';

/**
 * With --gdb the user ends the held guest with Ctrl-C: the first one aborts the VM so the command still prints its
 * result (and says it was interrupted, and whether the guest had reached its hold); a second one ends kdk at once.
 */
function gdbInterrupt(enabled: boolean | undefined) {
  const ac = new AbortController();
  let state: HoldState = 'before-hold';
  const withdraw = enabled ? onInterrupt(() => ac.abort()) : () => {};
  return {
    signal: enabled ? ac.signal : undefined,
    held: () => (state = 'held-for-gdb'),
    /** Fields for the result, and the exit code when Ctrl-C ended it. */
    finish: (): { fields: { interrupted?: true; state?: HoldState }; exit?: number } => {
      withdraw();
      return ac.signal.aborted ? { fields: { interrupted: true, state }, exit: EXIT_INTERRUPTED } : { fields: {} };
    },
  };
}

/** vmlinux-gdb.py where a build tree leaves it (two levels above arch/x86/boot/bzImage's dir, or beside it). */
function gdbScriptBeside(kernel: string): string | undefined {
  const vmlinux = guessVmlinux(kernel);
  const script = join(dirname(vmlinux), 'vmlinux-gdb.py');
  return existsSync(vmlinux) && existsSync(script) ? script : undefined;
}

const log = (opts: VmCliOptions) => (l: string) => {
  if (!opts.quiet) process.stderr.write(escapeTerminal(l.endsWith('\n') ? l : l + '\n'));
};

export async function bootCommand(opts: BootOptions): Promise<void> {
  const arch = guestArch(opts);
  const timeout = positiveNumber(opts.timeout, '--timeout', 120);
  accelFlag(opts);
  checkKernelFile(opts.kernel, archProfile(arch));
  const accel = await resolveAccel(opts, opts.kernel, log(opts));
  const initramfs = opts.initramfs ?? (opts.image ? undefined : buildInitramfs([], log(opts)));
  const ctrlC = gdbInterrupt(opts.gdb);
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
      signal: ctrlC.signal,
      onEvent: (e) => {
        if (e.kind === 'started' && e.gdbPort) {
          // The same command and helpers line as `kdk repro --gdb` (vm/gdb.ts), with the kernel's gdb scripts if built.
          const g = gdbSession(e.gdbPort, guessVmlinux(opts.kernel), gdbScriptBeside(opts.kernel));
          process.stderr.write(`kdk: gdb stub ready: ${g.command}\nkdk: ${g.hint}\n`);
        } else if (e.kind === 'userspace') {
          // A booted guest under --gdb stays up for the debugger: from here on it is held.
          if (opts.gdb) ctrlC.held();
          log(opts)(`kdk: userspace reached after ${e.seconds.toFixed(1)} s`);
        }
      },
    },
    accel.accel,
  );
  const stop = ctrlC.finish();
  const doc = { ...resultJson(r), accelVerdict: accel, ...stop.fields };
  if (opts.json) printJson(doc);
  else {
    printResult(opts, r);
    if (stop.exit) say(opts, `interrupted (${stop.fields.state})`);
  }
  await recordResult(opts, doc, `kdk boot ${opts.kernel}`);
  const ok = r.booted && (r.verdict === 'no-crash' || (opts.gdb && r.verdict === 'timeout'));
  setExitCode(stop.exit ?? (ok ? ExitCode.ok : ExitCode.failure));
}

export async function runCommand(opts: RunOptions): Promise<void> {
  // Either is enough since modules load without a reproducer; a run with neither has nothing to run.
  if (!opts.repro && opts.module.length === 0)
    throw inputError('kdk run: give --repro <file.c> or --module <file.ko> (or both)');
  const repeat = positiveNumber(opts.repeat, '--repeat', RUN_DEFAULTS.repeat);
  const out = await runReproducer({
    kernel: opts.kernel,
    arch: guestArch(opts),
    repro: opts.repro,
    modules: opts.module,
    accel: accelFlag(opts),
    repeat,
    parallel: positiveNumber(opts.parallel, '--parallel', RUN_DEFAULTS.parallel),
    timeoutS: positiveNumber(opts.timeout, '--timeout', RUN_DEFAULTS.timeoutS),
    vm: vmSettings(opts),
    log: log(opts),
    onEvent: (i, e) => {
      if (e.kind === 'userspace') log(opts)(`kdk: run ${i + 1}: userspace after ${e.seconds.toFixed(1)} s`);
      else if (e.kind === 'program-start') log(opts)(`kdk: run ${i + 1}: program ${e.name} started`);
    },
    onResult: (i, r) =>
      log(opts)(`kdk: run ${i + 1}/${repeat}: ${r.verdict}${r.crashes[0] ? `: ${r.crashes[0].title}` : ''}`),
  });
  const { summary, runs } = out;
  const loads = runs.map((r) => moduleLoads(opts.module, r));
  const refused = loads.some((l) => l.some((m) => !m.loaded));
  const doc = {
    summary,
    accelVerdict: out.accelVerdict,
    runs: runs.map((r, i) => ({ ...resultJson(r), ...(opts.module.length ? { modules: loads[i] } : {}) })),
  };
  if (opts.json) printJson(doc);
  else {
    runs.forEach((r, i) => {
      printResult(opts, r, `run ${i + 1}: `);
      for (const m of loads[i])
        say(opts, `  module ${m.name}: ${m.loaded ? 'loaded' : `refused${m.refusal ? `: ${m.refusal}` : ''}`}`);
    });
    say(opts, `verdict: ${summary.verdict} in ${summary.runs} run(s)`);
    for (const [t, n] of Object.entries(summary.titles)) say(opts, `  ${n} x ${t}`);
  }
  await recordResult(opts, doc, `kdk run ${opts.repro ?? ''}`);
  setExitCode(summary.verdict === 'no-crash' && !refused ? ExitCode.ok : ExitCode.failure);
}

function vmSettings(opts: VmCliOptions): VmSettings {
  return {
    append: opts.append,
    memoryMb: positiveNumber(opts.memory, '--memory', 1024),
    silenceS: positiveNumber(opts.silenceTimeout, '--silence-timeout', 60),
  };
}

export async function reproCommand(dir: string, opts: ReproOptions): Promise<void> {
  const bundle = loadBundle(dir);
  const ctrlC = gdbInterrupt(opts.gdb);
  const res = await reproduceBundle(bundle, {
    srcTree: opts.srctree,
    accel: accelFlag(opts),
    repeat: opts.repeat === undefined ? undefined : positiveNumber(opts.repeat, '--repeat', 3),
    // --timeout is the whole VM, boot included, as for boot and run; --run-timeout is the time after boot.
    timeoutS: opts.runTimeout === undefined ? undefined : positiveNumber(opts.runTimeout, '--run-timeout', 120),
    totalTimeoutS: opts.timeout === undefined ? undefined : positiveNumber(opts.timeout, '--timeout', 300),
    log: log(opts),
    vm: vmSettings(opts),
    gdb: opts.gdb,
    holdTimeoutS: opts.gdbHold === undefined ? undefined : positiveNumber(opts.gdbHold, '--gdb-hold', 3600),
    signal: ctrlC.signal,
    onGdb: (g) => {
      ctrlC.held();
      // On stderr even with --json: the guest is waiting for the user now, the JSON comes when it ends.
      process.stderr.write(`kdk: crashed guest held for gdb (Ctrl-C ends it): ${g.command}
`);
      process.stderr.write(`kdk: ${g.hint}
`);
    },
  });
  const stop = ctrlC.finish();
  const doc = { ...res, runs: res.runs.map(resultJson), ...stop.fields };
  if (opts.json) printJson(doc);
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
    if (stop.exit) say(opts, `interrupted (${stop.fields.state})`);
  }
  await recordResult(opts, doc, `kdk repro ${dir}`);
  setExitCode(stop.exit ?? (res.verdict === 'reproduced' ? ExitCode.ok : ExitCode.failure));
}
