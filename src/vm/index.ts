// The vm stage's API: accelerator probe, one VM, many VMs, the reproduce loops (`kdk run`, `kdk repro`, with
// gdb on a held crash) and bundles. It boots kernels; the build stage builds them (src/build/index.ts).
export { ARCHES, archProfile, type GuestArch, type ArchProfile } from '../util/arch.js';
export {
  chooseAccel,
  resolveAccel,
  PROBE_TIMEOUT_S,
  TCG_CONFIRM_TIMEOUT_S,
  type AccelVerdict,
  type AccelChoice,
  type ProbeLimits,
} from './accel.js';
export { runVm, DEFAULTS as VM_DEFAULTS } from './runner.js';
export type { Accel, Verdict, VmOptions, VmEvent, RunResult, ProgramStatus } from './types.js';
export { runMany, summarize, type ManyOptions, type ManySummary } from './many.js';
export { loadBundle, BugJson, type Bundle, type LoadBundleOptions } from './bundle.js';
export {
  reproduceBundle,
  runReproducer,
  bundleKernel,
  RUN_DEFAULTS,
  REPRO_DEFAULTS,
  type ReproResult,
  type ReproVerdict,
  type RunOutcome,
  type VmSettings,
} from './repro.js';
export { gdbSession, type GdbSession } from './gdb.js';
export { distroInitrd } from './initrd.js';
export { MAX_TIMEOUT_S } from './limits.js';
export { moduleLoads, type ModuleLoad } from './modules.js';
export { checkKernelFile } from './kernel-file.js';
