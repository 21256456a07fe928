// The reproduce loops, with their policy (kernel, accelerator, timeouts, repeats) in the stage rather than the
// CLI: `kdk run` (a C reproducer on a given kernel, N boots) and `kdk repro` (a bundle: its kernel or one built
// from a tree with its .config, up to N boots until it crashes, the crash compared with the expected title;
// with gdb, the crashed guest is held at its crash with the gdb stub open).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { debianSourceTree } from '../distro/index.js';
import { buildInitramfs, compileStatic } from '../image/index.js';
import { kernelFromConfig } from '../build/index.js';
import { resolveAccel, type AccelChoice, type AccelVerdict } from './accel.js';
import { archProfile, DEFAULT_GUEST_ARCH, type GuestArch } from '../util/arch.js';
import { checkKernelFile } from './kernel-file.js';
import { gdbSession, type GdbSession } from './gdb.js';
import { modulePrograms } from './modules.js';
import { inputError } from '../util/errors.js';
import { runMany, summarize, type ManySummary } from './many.js';
import type { Bundle } from './bundle.js';
import type { RunResult, VmEvent, VmOptions } from './types.js';

/** VM settings the user may set on the command line (kernel arguments, memory, console silence). */
export type VmSettings = Pick<VmOptions, 'append' | 'memoryMb' | 'silenceS'>;

/** Boot is capped at 2 minutes even when the run may take longer: a boot that slow is a boot failure. */
const MAX_BOOT_S = 120;
export const RUN_DEFAULTS = { timeoutS: 300, repeat: 1, parallel: 1 };
export const REPRO_DEFAULTS = { timeoutS: 120, repeat: 3 };

/** The timeouts of one reproducer run limited to `timeoutS` in all, boot included. */
function runLimits(timeoutS: number): Pick<VmOptions, 'bootTimeoutS' | 'runTimeoutS' | 'totalTimeoutS'> {
  return { bootTimeoutS: Math.min(timeoutS, MAX_BOOT_S), runTimeoutS: timeoutS, totalTimeoutS: timeoutS };
}

export interface RunRequest {
  kernel: string;
  arch: GuestArch;
  /** The reproducer's C source (compiled in the sandbox); optional when modules are given. */
  repro?: string;
  /** Kernel modules to insmod first, in this order (modules.ts). */
  modules?: string[];
  accel: AccelChoice;
  repeat?: number;
  parallel?: number;
  timeoutS?: number;
  vm?: VmSettings;
  log: (l: string) => void;
  onEvent?: (run: number, e: VmEvent) => void;
  onResult?: (run: number, r: RunResult) => void;
  /** Ends the runs (a cancelled or timed-out queue job). */
  signal?: AbortSignal;
}

export interface RunOutcome {
  runs: RunResult[];
  summary: ManySummary;
  accelVerdict: AccelVerdict;
}

/** `kdk run`: compile, pack into kdk's initramfs, boot `repeat` times (at most `parallel` at once). */
export async function runReproducer(req: RunRequest): Promise<RunOutcome> {
  checkKernelFile(req.kernel, archProfile(req.arch));
  if (!req.repro && !req.modules?.length) throw inputError('nothing to run: give a reproducer or modules');
  const mods = modulePrograms(req.modules ?? []);
  const programs = [...mods.programs];
  if (req.repro) programs.push({ name: 'repro', path: await compileStatic(req.repro, req.log) });
  const initramfs = buildInitramfs(programs, req.log, mods.files);
  const accelVerdict = await resolveAccel(req.accel, req.kernel, req.arch, req.log);
  const repeat = req.repeat ?? RUN_DEFAULTS.repeat;
  const runs = await runMany(
    {
      ...req.vm,
      kernel: req.kernel,
      arch: req.arch,
      initramfs,
      signal: req.signal,
      ...runLimits(req.timeoutS ?? RUN_DEFAULTS.timeoutS),
    },
    accelVerdict.accel,
    { repeat, parallel: req.parallel ?? RUN_DEFAULTS.parallel, onEvent: req.onEvent, onResult: req.onResult },
  );
  return { runs, summary: summarize(runs), accelVerdict };
}

export type ReproVerdict = 'reproduced' | 'different-crash' | 'no-crash';

export interface ReproResult {
  verdict: ReproVerdict;
  expectedTitle: string;
  /** The title seen (the expected one when reproduced, the other crash's otherwise). */
  title?: string;
  kernel: string;
  kernelSource: 'bundle' | 'built';
  runs: RunResult[];
  summary: ManySummary;
  accelVerdict: AccelVerdict;
  /** With gdb: the session that was offered for the held crash. */
  gdb?: GdbSession;
}

export interface BundleKernel {
  kernel: string;
  vmlinux?: string;
  gdbScript?: string;
  source: 'bundle' | 'built';
}

/** The bundle's own kernel, or one built (and cached) by the build stage from `srcTree` with its .config. */
export async function bundleKernel(
  bundle: Bundle,
  srcTree: string | undefined,
  log: (l: string) => void,
): Promise<BundleKernel> {
  if (bundle.bzImage) {
    const beside = join(dirname(bundle.bzImage), 'vmlinux-gdb.py');
    return {
      kernel: bundle.bzImage,
      vmlinux: bundle.vmlinux,
      gdbScript: bundle.vmlinux && existsSync(beside) ? beside : undefined,
      source: 'bundle',
    };
  }
  // Without a tree, Debian's linux-source (as every --srctree defaults).
  const tree = srcTree ?? debianSourceTree(log).dir;
  const built = await kernelFromConfig(tree, bundle.config!, log);
  return { kernel: built.bzImage, vmlinux: built.vmlinux, gdbScript: built.gdbScript, source: 'built' };
}

function matches(r: RunResult, expected: string): boolean {
  return r.crashes.some((c) => c.title === expected || c.altTitles.includes(expected));
}

export interface ReproRequest {
  srcTree?: string;
  accel: AccelChoice;
  repeat?: number;
  /** Seconds from userspace to the reproducer's end (default: bug.json's timeout, else 120). */
  timeoutS?: number;
  /** Seconds for each VM in all, boot included (default: none beyond the boot and run limits). */
  totalTimeoutS?: number;
  log: (l: string) => void;
  vm?: VmSettings;
  /** Hold the crashed guest with QEMU's gdb stub open; `onGdb` gets the command once it is held. */
  gdb?: boolean;
  holdTimeoutS?: number;
  onGdb?: (session: GdbSession) => void;
  /** Ends the runs (Ctrl-C on a held guest, a cancelled job): the result so far is returned. */
  signal?: AbortSignal;
}

export async function reproduceBundle(bundle: Bundle, opts: ReproRequest): Promise<ReproResult> {
  const arch = bundle.bug.arch ?? DEFAULT_GUEST_ARCH;
  const k = await bundleKernel(bundle, opts.srcTree, opts.log);
  checkKernelFile(k.kernel, archProfile(arch));
  const binary = await compileStatic(bundle.repro, opts.log, { noSymlinks: true });
  const initramfs = buildInitramfs([{ name: 'repro', path: binary }], opts.log);
  const accelVerdict = await resolveAccel(opts.accel, k.kernel, arch, opts.log);
  const repeat = opts.repeat ?? bundle.bug.repeat ?? REPRO_DEFAULTS.repeat;
  const expected = bundle.bug.title;
  let gdb: GdbSession | undefined;
  const held = opts.gdb
    ? { gdb: true, holdOnCrash: true, holdTimeoutS: opts.holdTimeoutS, silenceS: 0 }
    : ({} as Partial<VmOptions>);
  const runs = await runMany(
    {
      ...opts.vm,
      ...held,
      kernel: k.kernel,
      arch,
      initramfs,
      runTimeoutS: opts.timeoutS ?? bundle.bug.timeout ?? REPRO_DEFAULTS.timeoutS,
      totalTimeoutS: opts.totalTimeoutS,
      signal: opts.signal,
    },
    accelVerdict.accel,
    {
      repeat,
      parallel: 1,
      stopOnCrash: true,
      onEvent: (_i, e) => {
        if (e.kind !== 'crash-held' || !e.gdbPort) return;
        gdb = gdbSession(e.gdbPort, k.vmlinux, k.gdbScript);
        opts.onGdb?.(gdb);
      },
      onResult: (i, r) =>
        opts.log(`kdk: run ${i + 1}/${repeat}: ${r.verdict}${r.crashes[0] ? `: ${r.crashes[0].title}` : ''}`),
    },
  );
  const hit = runs.find((r) => matches(r, expected));
  const other = runs.find((r) => r.crashes.length > 0);
  return {
    verdict: hit ? 'reproduced' : other ? 'different-crash' : 'no-crash',
    expectedTitle: expected,
    title: hit ? expected : other?.crashes[0].title,
    kernel: k.kernel,
    kernelSource: k.source,
    runs,
    summary: summarize(runs),
    accelVerdict,
    gdb,
  };
}
