// One VM from start to verdict: QEMU in its own process group (dies with kdk), the serial console streamed to
// a log file and through the crash watcher, and the watchdogs (boot timeout, run timeout, console silence,
// console flood, crash grace) that decide when it ends. Every path out kills QEMU and waits for it.
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensurePackages } from '../util/deps.js';
import { inputError } from '../util/errors.js';
import { spawnTracked } from '../util/proc.js';
import { findOnPath } from './path.js';
import { MARKER, MARK_DONE, MARK_EXIT, MARK_START, MARK_USERSPACE } from '../image/guest-init.js';
import { archProfile } from '../util/arch.js';
import { checkKernelFile } from './kernel-file.js';
import { freePort } from './ports.js';
import { qemuArgs } from './qemu-args.js';
import { CrashWatch, crashReports } from './crashes.js';
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

function checkInputs(opts: VmOptions): void {
  const profile = archProfile(opts.arch ?? 'x86_64');
  checkKernelFile(opts.kernel, profile);
  if (opts.initramfs && !existsSync(opts.initramfs)) throw inputError('initramfs not found', opts.initramfs);
  if (opts.image && !existsSync(opts.image)) throw inputError('disk image not found', opts.image);
  if (!findOnPath(profile.qemu)) ensurePackages([profile.qemuPackage]);
}

/** Boot one VM with a known accelerator and return its result. Input errors throw (exit code 2). */
export async function runVm(opts: VmOptions, accel: Accel): Promise<RunResult> {
  checkInputs(opts);
  const profile = archProfile(opts.arch ?? 'x86_64');
  const cfg = {
    bootTimeoutS: opts.bootTimeoutS ?? DEFAULTS.bootTimeoutS,
    runTimeoutS: opts.runTimeoutS ?? DEFAULTS.runTimeoutS,
    silenceS: opts.silenceS ?? DEFAULTS.silenceS,
  };
  const workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'kdk-vm-'));
  const consoleLog = join(workDir, 'console.log');
  const gdbPort = opts.gdb ? await freePort() : undefined;
  const sshPort = opts.ssh ? await freePort() : undefined;
  const args = qemuArgs({
    profile,
    accel,
    kernel: resolve(opts.kernel),
    initramfs: opts.initramfs && resolve(opts.initramfs),
    image: opts.image && resolve(opts.image),
    append: opts.append,
    memoryMb: opts.memoryMb ?? DEFAULTS.memoryMb,
    smp: opts.smp ?? DEFAULTS.smp,
    gdbPort,
    sshPort,
    hold: opts.hold,
  });
  // With a disk image, an initramfs is the distro's initrd that mounts it; the getty's prompt is userspace.
  const imageMode = Boolean(opts.image);
  const t0 = performance.now();
  const secs = () => (performance.now() - t0) / 1000;
  const logFd = openSync(consoleLog, 'w');
  const proc = spawnTracked(profile.qemu, args, { dieWithParent: true, cwd: workDir });
  opts.onEvent?.({ kind: 'started', pid: proc.child.pid ?? 0, args: [profile.qemu, ...args], gdbPort, sshPort });

  const watch = new CrashWatch();
  const programs: ProgramStatus[] = [];
  let booted = false;
  let bootSeconds: number | undefined;
  let done = false;
  let crashAt: number | undefined;
  let logBytes = 0;
  let lastOutput = performance.now();
  let partial = '';
  let stderr = '';
  let ending: { reason: string; verdict?: Verdict } | undefined;
  let spawnError: Error | undefined;

  const end = (reason: string, verdict?: Verdict) => {
    if (ending) return;
    ending = { reason, verdict };
    opts.onEvent?.({ kind: 'watchdog', reason });
    proc.kill('SIGKILL');
  };

  const onLine = (line: string) => {
    const at = line.indexOf(MARKER);
    if (at >= 0) {
      const m = line.slice(at);
      if (m.startsWith(MARK_USERSPACE) && !booted) reachedUserspace();
      else if (m.startsWith(MARK_START)) {
        const name = m.slice(MARK_START.length).trim();
        programs.push({ name });
        opts.onEvent?.({ kind: 'program-start', name });
      } else if (m.startsWith(MARK_EXIT)) {
        const [name, status] = m.slice(MARK_EXIT.length).trim().split(/\s+/);
        const p = programs.find((x) => x.name === name && x.status === undefined);
        if (p) p.status = Number(status);
        opts.onEvent?.({ kind: 'program-exit', name, status: Number(status) });
      } else if (m.startsWith(MARK_DONE)) {
        done = true;
        if (!opts.hold && !watch.crashed) end('programs finished');
      }
    } else if (imageMode && !booted && LOGIN_PROMPT.test(line)) {
      reachedUserspace();
      done = true;
      if (!opts.hold) end('login prompt reached');
    }
  };

  const reachedUserspace = () => {
    booted = true;
    bootSeconds = secs();
    clearTimeout(bootTimer);
    opts.onEvent?.({ kind: 'userspace', seconds: bootSeconds });
    runTimer = setTimeout(
      () => end(`run timeout: programs not finished after ${cfg.runTimeoutS} s`, 'timeout'),
      cfg.runTimeoutS * 1000,
    );
  };

  const onChunk = (chunk: Buffer) => {
    lastOutput = performance.now();
    if (logBytes < DEFAULTS.maxLogBytes) writeSync(logFd, chunk);
    logBytes += chunk.length;
    if (logBytes >= DEFAULTS.maxLogBytes) {
      end(`console flood: more than ${DEFAULTS.maxLogBytes >> 20} MiB of output`, 'timeout');
      return;
    }
    opts.onConsole?.(chunk);
    if (crashAt === undefined && watch.push(chunk)) {
      crashAt = performance.now();
      opts.onEvent?.({ kind: 'crash-seen', seconds: secs() });
    }
    const text = partial + chunk.toString('latin1');
    const lines = text.split('\n');
    partial = lines.pop()!.slice(-65536);
    for (const l of lines) onLine(l.replace(/\r$/, ''));
    if (imageMode && !booted && LOGIN_PROMPT.test(partial)) onLine(partial);
  };

  let runTimer: NodeJS.Timeout | undefined;
  const bootTimer = setTimeout(
    () => end(`boot timeout: no userspace after ${cfg.bootTimeoutS} s`),
    cfg.bootTimeoutS * 1000,
  );
  const totalTimer =
    opts.totalTimeoutS && opts.totalTimeoutS > 0
      ? setTimeout(
          () => end(`timeout: the VM ran for ${opts.totalTimeoutS} s`, booted ? 'timeout' : undefined),
          opts.totalTimeoutS * 1000,
        )
      : undefined;
  const tick = setInterval(() => {
    const quiet = (performance.now() - lastOutput) / 1000;
    if (crashAt !== undefined) {
      const since = (performance.now() - crashAt) / 1000;
      if (quiet >= DEFAULTS.crashQuietS || since >= DEFAULTS.crashGraceS) end('crash report complete');
    } else if (cfg.silenceS > 0 && quiet >= cfg.silenceS) {
      end(`no console output for ${cfg.silenceS} s`, booted ? 'timeout' : undefined);
    }
  }, 250);
  const onAbort = () => end('aborted');
  opts.signal?.addEventListener('abort', onAbort);

  proc.child.stdout!.on('data', onChunk);
  proc.child.stderr!.on('data', (c: Buffer) => {
    if (stderr.length < 65536) stderr += c.toString('utf8');
  });
  proc.child.on('error', (e) => {
    spawnError = e;
  });

  const exit = await new Promise<{ code: number | null; signal: string | null }>((res) => {
    proc.child.on('close', (code, signal) => res({ code, signal }));
    proc.child.on('error', () => res({ code: null, signal: null }));
  });
  clearTimeout(bootTimer);
  clearTimeout(runTimer);
  clearTimeout(totalTimer);
  clearInterval(tick);
  opts.signal?.removeEventListener('abort', onAbort);
  proc.kill('SIGKILL'); // anything QEMU left in its group
  if (partial) onLine(partial);
  closeSync(logFd);

  const crashes = crashReports(readFileSync(consoleLog));
  const crashed = crashes.length > 0 || watch.crashed;
  const killedByUs = ending !== undefined;
  let verdict: Verdict;
  let reason = ending?.reason ?? (booted ? 'guest ended' : 'guest reset before userspace');
  if (spawnError) {
    verdict = 'infra-error';
    reason = `could not start ${profile.qemu}: ${spawnError.message}`;
  } else if (!killedByUs && exit.code !== 0 && !booted) {
    verdict = 'infra-error';
    reason = `${profile.qemu} failed (exit ${exit.code ?? exit.signal}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
  } else if (!booted) verdict = 'boot-failure';
  else if (crashed) verdict = 'crash';
  else if (ending?.verdict) verdict = ending.verdict;
  else if (done) verdict = 'no-crash';
  else {
    verdict = 'infra-error';
    reason = `${reason}: the VM ended before its programs finished (lost connection)`;
  }
  return {
    kernel: opts.kernel,
    arch: profile.arch,
    accelerator: accel,
    booted,
    bootSeconds,
    wallSeconds: secs(),
    verdict,
    reason,
    crashes,
    consoleLog,
    programs,
    gdbPort,
    sshPort,
    qemuExit: exit,
    qemuStderr: stderr.trim() || undefined,
  };
}
