// One VM: QEMU in its own process group (dies with kdk), the serial console streamed to a log file and, once,
// through the report stage's streaming parser, and the watchdogs (boot timeout, run timeout, console silence,
// console flood, crash grace) that decide when it ends. Every path out kills QEMU and waits for it. The run's
// state lives in one object (VmState) that the short functions below read and update.
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensurePackages } from '../util/deps.js';
import { inputError } from '../util/errors.js';
import { spawnTracked, type TrackedChild } from '../util/proc.js';
import { hashFile } from '../util/cache.js';
import { ReportStream, type CrashReport } from '../report/index.js';
import { MARKER, MARK_DONE, MARK_EXIT, MARK_START, MARK_USERSPACE } from '../image/index.js';
import { findOnPath } from './path.js';
import { archProfile, DEFAULT_GUEST_ARCH, type ArchProfile } from '../util/arch.js';
import { checkKernelFile } from './kernel-file.js';
import { freePort } from './ports.js';
import { qemuArgs } from './qemu-args.js';
import { newConsoleLog } from './console-log.js';
import { distroInitrd } from './initrd.js';
import { MAX_TIMEOUT_S } from './limits.js';
import type { Accel, ProgramStatus, RunResult, Verdict, VmOptions } from './types.js';

export const DEFAULTS = {
  memoryMb: 1024,
  smp: 1,
  bootTimeoutS: 60,
  runTimeoutS: 120,
  silenceS: 60,
  /** After a crash is seen, how long to let the report finish printing. */
  crashGraceS: 10,
  /** Console quiet this long after a crash means the report is complete. */
  crashQuietS: 2,
  maxLogBytes: 32 * 1024 * 1024,
};

/** The login prompt of a disk image's serial getty counts as "userspace reached". */
const LOGIN_PROMPT = /login: ?$/m;

interface Limits {
  bootTimeoutS: number;
  runTimeoutS: number;
  silenceS: number;
  totalTimeoutS: number;
  holdTimeoutS: number;
}

/** Everything one running VM knows; changed only by the functions of this file. */
interface VmState {
  readonly opts: VmOptions;
  readonly limits: Limits;
  readonly profile: ArchProfile;
  /** With a disk image, the getty's prompt is userspace (there is no kdk /init). */
  readonly imageMode: boolean;
  readonly t0: number;
  readonly consoleLog: string;
  readonly logFd: number;
  readonly proc: TrackedChild;
  readonly initramfs?: string;
  readonly gdbPort?: number;
  readonly sshPort?: number;
  readonly reports: ReportStream;
  readonly crashes: CrashReport[];
  readonly programs: ProgramStatus[];
  booted: boolean;
  bootSeconds?: number;
  /** The programs finished (kdk's done marker, or the login prompt of an image). */
  done: boolean;
  /** When the parser first saw a crash report start (performance.now()). */
  crashAt?: number;
  crashHeld: boolean;
  logBytes: number;
  lastOutput: number;
  /** The console's last, unfinished line. */
  partial: string;
  stderr: string;
  ending?: { reason: string; verdict?: Verdict };
  spawnError?: Error;
  timers: { boot?: NodeJS.Timeout; run?: NodeJS.Timeout; total?: NodeJS.Timeout; tick?: NodeJS.Timeout };
}

const secs = (s: VmState) => (performance.now() - s.t0) / 1000;

function boundedSeconds(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0 || value > MAX_TIMEOUT_S) {
    throw inputError(`${name}: ${value} s is out of range (0 to ${MAX_TIMEOUT_S} s, a week)`);
  }
  return value;
}

function limitsOf(opts: VmOptions): Limits {
  return {
    bootTimeoutS: boundedSeconds(opts.bootTimeoutS ?? DEFAULTS.bootTimeoutS, 'boot timeout'),
    runTimeoutS: boundedSeconds(opts.runTimeoutS ?? DEFAULTS.runTimeoutS, 'run timeout'),
    silenceS: boundedSeconds(opts.silenceS ?? DEFAULTS.silenceS, 'silence timeout'),
    totalTimeoutS: boundedSeconds(opts.totalTimeoutS ?? 0, 'timeout'),
    holdTimeoutS: boundedSeconds(opts.holdTimeoutS ?? 3600, 'hold timeout'),
  };
}

function checkInputs(opts: VmOptions): void {
  const profile = archProfile(opts.arch ?? DEFAULT_GUEST_ARCH);
  checkKernelFile(opts.kernel, profile);
  if (opts.initramfs && !existsSync(opts.initramfs)) throw inputError('initramfs not found', opts.initramfs);
  if (opts.image && !existsSync(opts.image)) throw inputError('disk image not found', opts.image);
  if (!findOnPath(profile.qemu)) ensurePackages([profile.qemuPackage]);
}

/** The initramfs to boot: the given one, or with a disk image the distro kernel's own initrd. */
function initramfsFor(opts: VmOptions): string | undefined {
  if (opts.initramfs) return resolve(opts.initramfs);
  return opts.image ? distroInitrd(resolve(opts.kernel)) : undefined;
}

function end(s: VmState, reason: string, verdict?: Verdict): void {
  if (s.ending) return;
  s.ending = { reason, verdict };
  s.opts.onEvent?.({ kind: 'watchdog', reason });
  s.proc.kill('SIGKILL');
}

function reachedUserspace(s: VmState): void {
  s.booted = true;
  s.bootSeconds = secs(s);
  clearTimeout(s.timers.boot);
  s.opts.onEvent?.({ kind: 'userspace', seconds: s.bootSeconds });
  const t = s.limits.runTimeoutS;
  s.timers.run = setTimeout(() => end(s, `run timeout: programs not finished after ${t} s`, 'timeout'), t * 1000);
}

/** A line printed by kdk's /init (`##KDK## ...`). */
function onMarker(s: VmState, m: string): void {
  if (m.startsWith(MARK_USERSPACE)) {
    if (!s.booted) reachedUserspace(s);
  } else if (m.startsWith(MARK_START)) {
    const name = m.slice(MARK_START.length).trim();
    s.programs.push({ name });
    s.opts.onEvent?.({ kind: 'program-start', name });
  } else if (m.startsWith(MARK_EXIT)) {
    const [name, status] = m.slice(MARK_EXIT.length).trim().split(/\s+/);
    const p = s.programs.find((x) => x.name === name && x.status === undefined);
    if (p) p.status = Number(status);
    s.opts.onEvent?.({ kind: 'program-exit', name, status: Number(status) });
  } else if (m.startsWith(MARK_DONE)) {
    s.done = true;
    if (!s.opts.hold && s.crashAt === undefined) end(s, 'programs finished');
  }
}

function onLine(s: VmState, line: string): void {
  const at = line.indexOf(MARKER);
  if (at >= 0) onMarker(s, line.slice(at));
  else if (s.imageMode && !s.booted && LOGIN_PROMPT.test(line)) {
    reachedUserspace(s);
    s.done = true;
    if (!s.opts.hold) end(s, 'login prompt reached');
  }
}

/** Feed the report parser; the first sign of a crash starts the crash grace. */
function parseConsole(s: VmState, chunk: Buffer): void {
  s.crashes.push(...s.reports.push(chunk));
  if (s.crashAt === undefined && (s.crashes.length > 0 || s.reports.inReport)) {
    s.crashAt = performance.now();
    s.opts.onEvent?.({ kind: 'crash-seen', seconds: secs(s) });
  }
}

function onChunk(s: VmState, chunk: Buffer): void {
  s.lastOutput = performance.now();
  if (s.logBytes >= DEFAULTS.maxLogBytes) return; // flooding: QEMU is being killed
  const kept = chunk.subarray(0, DEFAULTS.maxLogBytes - s.logBytes);
  writeSync(s.logFd, kept);
  s.logBytes += kept.length;
  if (s.logBytes >= DEFAULTS.maxLogBytes) {
    end(s, `console flood: more than ${DEFAULTS.maxLogBytes >> 20} MiB of output`, 'timeout');
    return;
  }
  s.opts.onConsole?.(chunk);
  parseConsole(s, chunk);
  const lines = (s.partial + chunk.toString('latin1')).split('\n');
  s.partial = lines.pop()!.slice(-65536);
  for (const l of lines) onLine(s, l.replace(/\r$/, ''));
  if (s.imageMode && !s.booted && LOGIN_PROMPT.test(s.partial)) onLine(s, s.partial);
}

/** After a crash: the report is complete when the console went quiet or the grace ran out. */
function crashReportComplete(s: VmState, quietS: number): boolean {
  return quietS >= DEFAULTS.crashQuietS || (performance.now() - s.crashAt!) / 1000 >= DEFAULTS.crashGraceS;
}

/** The guest stays stopped at its crash: only the hold time (or the abort signal) ends it now. */
function holdCrashed(s: VmState): void {
  s.crashHeld = true;
  clearTimeout(s.timers.boot);
  clearTimeout(s.timers.run);
  clearTimeout(s.timers.total);
  const t = s.limits.holdTimeoutS;
  s.timers.total = setTimeout(() => end(s, `crashed guest held for ${t} s`), t * 1000);
  s.opts.onEvent?.({ kind: 'crash-held', seconds: secs(s), gdbPort: s.gdbPort });
}

function tick(s: VmState): void {
  const quiet = (performance.now() - s.lastOutput) / 1000;
  if (s.crashAt !== undefined) {
    if (!crashReportComplete(s, quiet)) return;
    if (!s.opts.holdOnCrash) end(s, 'crash report complete');
    else if (!s.crashHeld) holdCrashed(s);
  } else if (s.limits.silenceS > 0 && quiet >= s.limits.silenceS) {
    end(s, `no console output for ${s.limits.silenceS} s`, s.booted ? 'timeout' : undefined);
  }
}

function startWatchdogs(s: VmState): void {
  const { bootTimeoutS, totalTimeoutS } = s.limits;
  s.timers.boot = setTimeout(() => end(s, `boot timeout: no userspace after ${bootTimeoutS} s`), bootTimeoutS * 1000);
  if (totalTimeoutS > 0) {
    s.timers.total = setTimeout(
      () => end(s, `timeout: the VM ran for ${totalTimeoutS} s`, s.booted ? 'timeout' : undefined),
      totalTimeoutS * 1000,
    );
  }
  s.timers.tick = setInterval(() => tick(s), 250);
}

function stopWatchdogs(s: VmState): void {
  clearTimeout(s.timers.boot);
  clearTimeout(s.timers.run);
  clearTimeout(s.timers.total);
  clearInterval(s.timers.tick);
}

type QemuExit = { code: number | null; signal: string | null };

function verdictOf(s: VmState, exit: QemuExit): { verdict: Verdict; reason: string } {
  const qemu = s.profile.qemu;
  const reason = s.ending?.reason ?? (s.booted ? 'guest ended' : 'guest reset before userspace');
  if (s.spawnError) return { verdict: 'infra-error', reason: `could not start ${qemu}: ${s.spawnError.message}` };
  if (!s.ending && exit.code !== 0 && !s.booted) {
    const why = s.stderr.trim().split('\n').slice(-3).join(' | ');
    return { verdict: 'infra-error', reason: `${qemu} failed (exit ${exit.code ?? exit.signal}): ${why}` };
  }
  if (!s.booted) return { verdict: 'boot-failure', reason };
  if (s.crashes.length > 0 || s.crashAt !== undefined) return { verdict: 'crash', reason };
  if (s.ending?.verdict) return { verdict: s.ending.verdict, reason };
  if (s.done) return { verdict: 'no-crash', reason };
  return { verdict: 'infra-error', reason: `${reason}: the VM ended before its programs finished (lost connection)` };
}

async function startVm(opts: VmOptions, accel: Accel): Promise<VmState> {
  const profile = archProfile(opts.arch ?? DEFAULT_GUEST_ARCH);
  const limits = limitsOf(opts);
  const initramfs = initramfsFor(opts);
  const consoleLog = opts.workDir ? join(opts.workDir, 'console.log') : newConsoleLog();
  const gdbPort = opts.gdb ? await freePort() : undefined;
  const sshPort = opts.ssh ? await freePort() : undefined;
  const args = qemuArgs({
    profile,
    accel,
    kernel: resolve(opts.kernel),
    initramfs,
    image: opts.image && resolve(opts.image),
    append: opts.append,
    memoryMb: opts.memoryMb ?? DEFAULTS.memoryMb,
    smp: opts.smp ?? DEFAULTS.smp,
    gdbPort,
    sshPort,
    hold: opts.hold,
    holdOnCrash: opts.holdOnCrash,
  });
  const logFd = openSync(consoleLog, 'w');
  const t0 = performance.now();
  const proc = spawnTracked(profile.qemu, args, { dieWithParent: true, cwd: opts.workDir });
  opts.onEvent?.({ kind: 'started', pid: proc.child.pid ?? 0, args: [profile.qemu, ...args], gdbPort, sshPort });
  const fresh = { booted: false, done: false, crashHeld: false, logBytes: 0, partial: '', stderr: '', timers: {} };
  return {
    ...{ opts, limits, profile, imageMode: Boolean(opts.image), t0, consoleLog, logFd, proc },
    ...{ initramfs, gdbPort, sshPort, reports: new ReportStream(), crashes: [], programs: [], lastOutput: t0 },
    ...fresh,
  };
}

/** Wait for QEMU to end, with the console and stderr wired to the state. */
function waitForExit(s: VmState): Promise<QemuExit> {
  const child = s.proc.child;
  child.stdout!.on('data', (c: Buffer) => onChunk(s, c));
  child.stderr!.on('data', (c: Buffer) => {
    if (s.stderr.length < 65536) s.stderr += c.toString('utf8');
  });
  return new Promise((res) => {
    child.on('error', (e) => {
      s.spawnError = e;
      res({ code: null, signal: null });
    });
    child.on('close', (code, signal) => res({ code, signal }));
  });
}

/** Boot one VM with a known accelerator and return its result. Input errors throw (exit code 2). */
export async function runVm(opts: VmOptions, accel: Accel): Promise<RunResult> {
  checkInputs(opts);
  const s = await startVm(opts, accel);
  startWatchdogs(s);
  const onAbort = () => end(s, 'aborted');
  opts.signal?.addEventListener('abort', onAbort);
  if (opts.signal?.aborted) onAbort(); // aborted while it started: 'abort' fired before anyone listened
  const exit = await waitForExit(s);
  stopWatchdogs(s);
  opts.signal?.removeEventListener('abort', onAbort);
  s.proc.kill('SIGKILL'); // anything QEMU left in its group
  if (s.partial) onLine(s, s.partial);
  closeSync(s.logFd);
  s.crashes.push(...s.reports.end());
  return {
    kernel: opts.kernel,
    arch: s.profile.arch,
    accelerator: accel,
    booted: s.booted,
    bootSeconds: s.bootSeconds,
    wallSeconds: secs(s),
    ...verdictOf(s, exit),
    crashes: s.crashes,
    consoleLog: s.consoleLog,
    consoleSha256: await hashFile(s.consoleLog),
    initramfs: s.initramfs,
    programs: s.programs,
    gdbPort: s.gdbPort,
    sshPort: s.sshPort,
    qemuExit: exit,
    qemuStderr: s.stderr.trim() || undefined,
  };
}
