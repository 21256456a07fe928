// The vm stage's API: accelerator probe, one VM, many VMs, and the small test kernel builder.
export { ARCHES, archProfile, type GuestArch, type ArchProfile } from './arch.js';
export { chooseAccel, PROBE_TIMEOUT_S, type AccelVerdict } from './accel.js';
export { runVm, DEFAULTS as VM_DEFAULTS } from './runner.js';
export type { Accel, Verdict, VmOptions, VmEvent, RunResult, ProgramStatus } from './types.js';
