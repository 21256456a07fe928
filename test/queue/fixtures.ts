// Shared set-up of the queue tests: a throwaway PostgreSQL cluster (test/store/pg.ts), an artifact directory or
// `kdk serve` as the artifact server, and `kdk worker` processes started from the built CLI, as a team would run
// them, with their stderr kept.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { projectRoot } from '../helpers.js';
import { pgUnavailable, startPg } from '../store/pg.js';
import { kdk, type KdkRun } from '../vm/fixtures.js';

export { pgUnavailable };

export interface QueueEnv {
  url: string;
  artifacts: string;
  kdk: (args: string[]) => Promise<KdkRun>;
}

export async function queueEnv(): Promise<QueueEnv> {
  const pg = await startPg();
  const artifacts = mkdtempSync(join(tmpdir(), 'kdk-artifacts-'));
  after(() => {
    pg.stop();
    rmSync(artifacts, { recursive: true, force: true });
  });
  pg.createDb('kdk');
  const url = pg.url('kdk');
  return { url, artifacts, kdk: (args) => kdk([...args, '--db', url]) };
}

export interface WorkerProc {
  name: string;
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A `kdk worker` process; resolves once it says it is ready (polling its queues). */
export function startWorker(
  env: QueueEnv,
  name: string,
  extra: string[] = [],
  vars: NodeJS.ProcessEnv = {},
): Promise<WorkerProc> {
  // The test's shared directory unless it names another artifact store (a kdk serve URL).
  const store = extra.includes('--artifacts') ? [] : ['--artifacts', env.artifacts];
  const args = ['worker', '--db', env.url, ...store, '--name', name, ...extra];
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'kdk.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...vars },
  });
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.on('close', (code, signal) => res({ code, signal })),
  );
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      if (/ready: /.test(err)) resolve({ name, child, stderr: () => err, exited });
    });
    child.stdout!.resume();
    void exited.then((e) => reject(new Error(`worker ${name} exited (${e.code ?? e.signal}) before ready:\n${err}`)));
  });
}

export interface ServeProc {
  base: string;
  dir: string;
  tokenFile: string;
  child: ChildProcess;
}

/** `kdk serve` on the test's database with an artifact directory of its own and a write token; a free port. */
export function startServe(env: QueueEnv): Promise<ServeProc> {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-serve-artifacts-'));
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${randomBytes(16).toString('hex')}\n`);
  const args = ['serve', '--db', env.url, '--port', '0', '--artifacts', join(dir, 'store'), '--token-file', tokenFile];
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'kdk.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) resolve({ base: m[1], dir: join(dir, 'store'), tokenFile, child });
    });
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => reject(new Error(`kdk serve exited (${code}) before listening:\n${out}`)));
  });
}

export async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
