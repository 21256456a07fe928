// The runner's public shapes (RunResult follows docs/conventions.md).
import type { CrashReport } from '../report/types.js';
import type { GuestArch } from '../util/arch.js';

export type Accel = 'kvm' | 'tcg';
export type Verdict = 'no-crash' | 'crash' | 'boot-failure' | 'timeout' | 'infra-error';

export interface VmOptions {
  kernel: string;
  arch?: GuestArch;
  initramfs?: string;
  /** A raw disk image (booted read-only with -snapshot, root=/dev/vda). */
  image?: string;
  /** Extra kernel command-line arguments, after kdk's own. */
  append?: string;
  memoryMb?: number;
  smp?: number;
  /** Accelerator to use; when absent the probed verdict for this host is used. */
  accel?: Accel;
  /** Seconds from start to userspace before the boot counts as failed. */
  bootTimeoutS?: number;
  /** Seconds from userspace to the end of the programs. */
  runTimeoutS?: number;
  /** Hard limit in seconds for the whole VM, boot included (0 or absent: none beyond the others). */
  totalTimeoutS?: number;
  /** Seconds without console output before the VM counts as hung (0: off). */
  silenceS?: number;
  /** Start QEMU's gdb stub on a free port. */
  gdb?: boolean;
  /** Keep the guest up after its programs (until the run timeout or `stop()`). */
  hold?: boolean;
  /** Forward a host port to the guest's ssh (disk images). */
  ssh?: boolean;
  /** Directory for this VM's console log; a fresh temporary one when absent. */
  workDir?: string;
  /** Live console output (raw chunks) and runner events, for progress and streaming. */
  onConsole?: (chunk: Buffer) => void;
  onEvent?: (event: VmEvent) => void;
  /** Abort the VM (Ctrl-C in a caller that handles it itself). */
  signal?: AbortSignal;
}

export type VmEvent =
  | { kind: 'started'; pid: number; args: string[]; gdbPort?: number; sshPort?: number }
  | { kind: 'userspace'; seconds: number }
  | { kind: 'program-start'; name: string }
  | { kind: 'program-exit'; name: string; status: number }
  | { kind: 'crash-seen'; seconds: number }
  | { kind: 'watchdog'; reason: string };

export interface ProgramStatus {
  name: string;
  /** Exit status in the guest; absent when it never finished. */
  status?: number;
}

export interface RunResult {
  kernel: string;
  arch: GuestArch;
  accelerator: Accel;
  booted: boolean;
  /** Seconds from QEMU's start to the userspace marker. */
  bootSeconds?: number;
  wallSeconds: number;
  verdict: Verdict;
  /** Why the VM ended, in words (watchdog, guest reset, QEMU error...). */
  reason: string;
  crashes: CrashReport[];
  consoleLog: string;
  programs: ProgramStatus[];
  gdbPort?: number;
  sshPort?: number;
  qemuExit?: { code: number | null; signal: string | null };
  qemuStderr?: string;
}
