// The runner's public shapes (RunResult follows docs/conventions.md).
import type { CrashReport } from '../report/index.js';
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
  /**
   * Keep a crashed guest stopped at its crash (panic without reboot, oops and warnings panic) until the whole-VM
   * timeout or the abort signal, for a debugger on the gdb stub; the 'crash-held' event says when.
   */
  holdOnCrash?: boolean;
  /** Seconds a crashed guest is held (holdOnCrash), replacing the other timeouts once it is (default 3600). */
  holdTimeoutS?: number;
  /** Forward a host port to the guest's ssh (disk images). */
  ssh?: boolean;
  /** Directory for this VM's console log (console.log); when absent, a new file under $KDK_CACHE/logs/. */
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
  /** holdOnCrash: the crash report is complete and the guest stays stopped there. */
  | { kind: 'crash-held'; seconds: number; gdbPort?: number }
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
  /** The console log's sha256: with a crash's offset, what names that crash in a store (kdk ingest). */
  consoleSha256?: string;
  /** The initramfs or distro initrd booted (with a disk image: the initrd matching a distro kernel). */
  initramfs?: string;
  programs: ProgramStatus[];
  gdbPort?: number;
  sshPort?: number;
  qemuExit?: { code: number | null; signal: string | null };
  qemuStderr?: string;
}
