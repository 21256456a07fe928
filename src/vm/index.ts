// The vm stage's API: accelerator probe, one VM, many VMs, and the small test kernel builder.
export { ARCHES, archProfile, type GuestArch, type ArchProfile } from '../util/arch.js';
export { chooseAccel, PROBE_TIMEOUT_S, type AccelVerdict } from './accel.js';
export { runVm, DEFAULTS as VM_DEFAULTS } from './runner.js';
export type { Accel, Verdict, VmOptions, VmEvent, RunResult, ProgramStatus } from './types.js';
export { runMany, summarize, type ManyOptions, type ManySummary } from './many.js';
export { loadBundle, BugJson, type Bundle } from './bundle.js';
export { reproduceBundle, bundleKernel, type ReproResult, type ReproVerdict } from './repro.js';
export { buildKernel, type BuiltKernel, type KernelBuildSpec } from './kernel-build.js';
export { smallTestKernel, SMALL_KERNEL_OPTIONS } from './small-kernel.js';
export { checkKernelFile } from './kernel-file.js';
