// Subprocesses with timeouts that never leave orphans: each child runs in its own process group,
// is tracked while it lives, and the whole group is killed on timeout, on error and when kdk exits.
import { readFileSync } from 'node:fs';
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';

const live = new Set<number>();
let hooksInstalled = false;
let termHandler: (() => void) | undefined;
let interruptHandler: (() => void) | undefined;

/**
 * A long-lived process that drains on SIGTERM (`kdk worker`) handles the first SIGTERM itself; a second one
 * ends kdk as usual, its children killed.
 */
export function onTerminate(handler: () => void): void {
  installExitHooks();
  termHandler = handler;
}

export function killGroup(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** Kill every child process group kdk started and that is still running. */
export function killAllChildren(): void {
  for (const pid of live) killGroup(pid);
  live.clear();
}

/**
 * A command that holds a guest for the user (`--gdb`) ends it on the first Ctrl-C itself, so it can still print
 * its result; a second Ctrl-C ends kdk as usual. Returns a function that withdraws the handler.
 */
export function onInterrupt(handler: () => void): () => void {
  installExitHooks();
  interruptHandler = handler;
  return () => {
    if (interruptHandler === handler) interruptHandler = undefined;
  };
}

/** Kill children on exit and end kdk on SIGINT/SIGTERM/SIGHUP through process.exit (so 'exit' hooks run). */
export function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllChildren);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (sig === 'SIGTERM' && termHandler) {
        const h = termHandler;
        termHandler = undefined;
        return h();
      }
      if (sig === 'SIGINT' && interruptHandler) {
        const h = interruptHandler;
        interruptHandler = undefined;
        return h();
      }
      killAllChildren();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** Register a detached child (its own process group) so kdk kills it on exit. Returns an unregister function. */
export function trackChild(pid: number): () => void {
  installExitHooks();
  live.add(pid);
  return () => live.delete(pid);
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  input?: string | Uint8Array;
  /** Called with each chunk of stdout/stderr as it arrives (progress, live parsing). */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Keep at most this many bytes of each stream in the result (default 64 MiB). */
  maxBuffer?: number;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  wallMs: number;
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const start = Date.now();
  const max = opts.maxBuffer ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const spawnOpts: SpawnOptions = { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] };
    const child = spawn(cmd, args, spawnOpts);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let timedOut = false;
    const untrack = child.pid ? trackChild(child.pid) : () => false;
    const timer =
      opts.timeoutMs && opts.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            if (child.pid) killGroup(child.pid);
          }, opts.timeoutMs)
        : undefined;
    child.stdout!.on('data', (c: Buffer) => {
      opts.onStdout?.(c);
      if (outLen < max) out.push(c);
      outLen += c.length;
    });
    child.stderr!.on('data', (c: Buffer) => {
      opts.onStderr?.(c);
      if (errLen < max) err.push(c);
      errLen += c.length;
    });
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      untrack();
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      untrack();
      if (child.pid) killGroup(child.pid); // reap grandchildren left in the group
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        wallMs: Date.now() - start,
      });
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    else child.stdin!.end();
  });
}

/** Is `cmd` on PATH? */
export function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v "$1"`, 'sh', cmd], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : undefined;
}

export interface TrackedChild {
  child: ChildProcess;
  /** Kill the child's whole process group (idempotent). */
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Spawn a long-lived child (a VM) in its own process group, tracked so kdk's exit hooks kill it. With
 * `dieWithParent`, it is started through `setpriv --pdeathsig KILL` so the kernel kills it even when kdk itself
 * is SIGKILLed and no hook can run. stdin is a pipe kdk never closes, stdout/stderr are pipes.
 */
export function spawnTracked(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; dieWithParent?: boolean } = {},
): TrackedChild {
  const wrap = opts.dieWithParent && which('setpriv');
  const [file, argv] = wrap ? [wrap, ['--pdeathsig', 'KILL', '--', cmd, ...args]] : [cmd, args];
  const child = spawn(file, argv, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  const untrack = child.pid ? trackChild(child.pid) : () => false;
  let dead = false;
  child.on('exit', () => {
    dead = true;
    untrack();
  });
  child.on('error', () => untrack());
  return {
    child,
    kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.pid && !dead) killGroup(child.pid, signal);
      else if (child.pid) killGroup(child.pid, 'SIGKILL'); // stragglers left in the group
    },
  };
}

/** A process that exists and is not a zombie (this machine's PID 1 may never reap zombies). */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/s.test(stat);
  } catch {
    return false;
  }
}
