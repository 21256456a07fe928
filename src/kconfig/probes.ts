// $(shell,...) results, cached on disk keyed by the command, make's environment and the identity of the
// toolchain (resolved path + size + mtime of each tool), so a warm evaluation spawns no process at all.
// A cache can be exported to a JSON file and imported elsewhere to evaluate without that toolchain.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  constants as fsConstants,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { trackChild } from '../util/proc.js';
import { availableParallelism } from 'node:os';
import { delimiter, join } from 'node:path';
import { z } from 'zod';
import { cacheDir, hashOf } from '../util/cache.js';
import { writeFileAtomic } from '../util/atomic.js';
import { KdkError, ExitCode } from '../util/errors.js';
import { shapeShellOutput } from './preprocess.js';
import { TOOL_VARS, type MakeEnv } from './env.js';

const ProbeFile = z.object({
  kdkProbes: z.literal(1),
  key: z.string(),
  env: z.record(z.string(), z.string()),
  results: z.record(z.string(), z.string()),
});
export type ProbeFileData = z.infer<typeof ProbeFile>;

function resolveTool(name: string, path: string): string {
  const bin = name.split(/\s+/)[0];
  if (bin.includes('/')) return bin;
  for (const d of path.split(delimiter)) {
    const p = join(d, bin);
    if (existsSync(p)) return p;
  }
  return '';
}

function toolIdentity(env: MakeEnv, path: string): string {
  return TOOL_VARS.map((v) => {
    const p = resolveTool(env[v] ?? '', path);
    if (!p) return `${v}=missing`;
    const st = statSync(p);
    return `${v}=${p}:${st.size}:${st.mtimeMs}`;
  }).join('\n');
}

export interface ProbeStats {
  hits: number;
  runs: number;
}

export class ProbeCache {
  readonly results = new Map<string, string>();
  readonly stats: ProbeStats = { hits: 0, runs: 0 };
  private dirty = false;
  private file: string | null;
  private workDir: string | null = null;
  /** Set when probes come from an imported file: never run anything, a miss is an error. */
  private frozen: boolean;
  readonly key: string;

  constructor(
    readonly env: MakeEnv,
    opts: { importFile?: string; noCache?: boolean } = {},
  ) {
    if (opts.importFile) {
      const data = readProbeFile(opts.importFile);
      for (const [k, v] of Object.entries(data.results)) this.results.set(k, v);
      Object.assign(this.env, data.env);
      this.key = data.key;
      this.file = null;
      this.frozen = true;
      return;
    }
    this.frozen = false;
    const path = process.env.PATH ?? '';
    const envPart = Object.keys(env)
      .sort()
      .map((k) => `${k}=${env[k]}`)
      .join('\n');
    this.key = hashOf('kconfig-probes-v1', envPart, path, toolIdentity(env, path)).slice(0, 24);
    this.file = opts.noCache ? null : join(cacheDir('kconfig'), `probes-${this.key}.json`);
    if (this.file && existsSync(this.file)) {
      try {
        const data = ProbeFile.parse(JSON.parse(readFileSync(this.file, 'utf8')));
        for (const [k, v] of Object.entries(data.results)) this.results.set(k, v);
      } catch {
        // A corrupt cache entry is only a lost speed-up: start afresh.
      }
    }
  }

  /** CC_VERSION_TEXT: first line of `$(CC) --version`, '#' removed, as the top Makefile computes it. */
  ccVersionText(): string {
    return this.run(`LC_ALL=C ${this.env.CC} --version 2>/dev/null | head -n 1 | tr -d '#'`);
  }

  run(cmd: string): string {
    const hit = this.results.get(cmd);
    if (hit !== undefined) {
      this.stats.hits++;
      return hit;
    }
    if (this.frozen)
      throw new KdkError(`the imported probe file has no result for: ${cmd}`, { exitCode: ExitCode.environment });
    this.stats.runs++;
    if (process.env.KDK_DEBUG_PROBES) process.stderr.write(`probe: ${cmd}\n`);
    if (!this.workDir) this.workDir = mkdtempSync(join(cacheDir('kconfig'), 'work-'));
    const r = spawnSync('/bin/sh', ['-c', cmd], {
      cwd: this.workDir,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const out = shapeShellOutput(r.stdout ?? Buffer.alloc(0));
    this.results.set(cmd, out);
    this.dirty = true;
    return out;
  }

  /** True when nothing is cached yet for this toolchain (a cold run worth prefetching for). */
  get cold(): boolean {
    return !this.frozen && this.results.size <= 1;
  }

  /**
   * Start running independent commands in the background while the caller keeps parsing: `xargs -P`
   * reads command numbers from a FIFO, each command runs as do_shell() runs it (`sh -c CMD` in the work
   * directory, stdout kept, exit status ignored). Returns `add` to queue a command and `finish` to wait
   * for all of them (synchronously) and take their results into the cache.
   */
  startPrefetch(): { add: (cmd: string) => void; finish: () => void } | undefined {
    if (this.frozen) return undefined;
    if (!this.workDir) this.workDir = mkdtempSync(join(cacheDir('kconfig'), 'work-'));
    const dir = mkdtempSync(join(this.workDir, 'prefetch-'));
    const fifo = join(dir, 'queue');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return undefined;
    const jobs = String(Math.max(4, availableParallelism() + 2));
    const script = `xargs -P ${jobs} -I{} sh -c 'sh "$1/{}.sh" > "$1/{}.out" 2>/dev/null' sh "${dir}" < "${fifo}"; : > "${dir}/done"`;
    const child = spawn('sh', ['-c', script], {
      cwd: this.workDir,
      env: { ...process.env, ...this.env },
      detached: true,
      stdio: 'ignore',
    });
    if (!child.pid) return undefined;
    const untrack = trackChild(child.pid);
    child.unref();
    // O_RDWR: opening a FIFO this way never blocks, even before xargs has opened it.
    const fd = openSync(fifo, fsConstants.O_RDWR);
    const queued: string[] = [];
    const seen = new Set<string>();
    return {
      add: (cmd) => {
        if (seen.has(cmd) || this.results.has(cmd)) return;
        seen.add(cmd);
        writeFileSync(join(dir, `${queued.length}.sh`), cmd);
        writeSync(fd, `${queued.length}\n`);
        queued.push(cmd);
      },
      finish: () => {
        closeSync(fd);
        const tick = new Int32Array(new SharedArrayBuffer(4));
        const deadline = Date.now() + 10 * 60 * 1000;
        while (!existsSync(join(dir, 'done')) && Date.now() < deadline) Atomics.wait(tick, 0, 0, 5);
        untrack();
        this.stats.runs += queued.length;
        queued.forEach((c, i) => {
          const out = join(dir, `${i}.out`);
          if (!existsSync(out)) return;
          this.results.set(c, shapeShellOutput(readFileSync(out)));
          this.dirty = true;
        });
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  /** Persist new results (write-then-rename, so two kdk processes never see half a file). */
  save(): void {
    if (this.workDir) rmSync(this.workDir, { recursive: true, force: true });
    this.workDir = null;
    if (!this.file || !this.dirty) return;
    writeFileAtomic(this.file, JSON.stringify(this.toJSON()));
    this.dirty = false;
  }

  toJSON(): ProbeFileData {
    return { kdkProbes: 1, key: this.key, env: { ...this.env }, results: Object.fromEntries(this.results) };
  }

  exportTo(path: string): void {
    writeFileAtomic(path, JSON.stringify(this.toJSON(), null, 1) + '\n');
  }
}

export function readProbeFile(path: string): ProbeFileData {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new KdkError(`cannot read probe file: ${(e as Error).message}`, { file: path });
  }
  const r = ProbeFile.safeParse(raw);
  if (!r.success) throw new KdkError(`not a kdk probe file: ${r.error.issues[0]?.message}`, { file: path });
  return r.data;
}
