// $(shell,...) results, cached on disk keyed by the command, make's environment and the identity of the
// toolchain (each tool's resolved path and file identity, plus what rustc and bindgen load: rust-src, libclang),
// so a warm evaluation spawns no process at all.
// A cache can be exported to a JSON file and imported elsewhere to evaluate without that toolchain.
import { readJsonFile } from '../util/json-file.js';
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  constants as fsConstants,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { trackChild } from '../util/proc.js';
import { availableParallelism, homedir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { cacheDir, hashOf } from '../util/cache.js';
import { writeFileAtomic } from '../util/atomic.js';
import { KdkError, ExitCode } from '../util/errors.js';
import { shapeShellOutput } from './preprocess.js';
import { TOOL_VARS, type MakeEnv } from './env.js';
import { isStringRecord } from './shapes.js';

export interface ProbeFileData {
  kdkProbes: 1;
  key: string;
  env: Record<string, string>;
  results: Record<string, string>;
}

/**
 * zod validates probe files from elsewhere (--probes). It is loaded only then: importing it costs ~60-100 ms, which
 * every `kdk config` run would otherwise pay at start-up; our own cache entries are checked by hand.
 */
function probeFileSchema() {
  const { z } = createRequire(import.meta.url)('zod') as typeof import('zod');
  return z.object({
    kdkProbes: z.literal(1),
    key: z.string(),
    env: z.record(z.string(), z.string()),
    results: z.record(z.string(), z.string()),
  });
}

function resolveTool(name: string, path: string): string {
  const bin = name.split(/\s+/)[0];
  if (bin.includes('/')) return bin;
  for (const d of path.split(delimiter)) {
    const p = join(d, bin);
    if (existsSync(p)) return p;
  }
  return '';
}

/** A file's identity: a reinstall or upgrade changes its inode or ctime even where dpkg keeps the mtime. */
function fileIdentity(p: string): string {
  try {
    const st = statSync(p);
    return `${p}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  } catch {
    return `${p}:missing`;
  }
}

const realOf = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

const CORE_SRC = join('lib', 'rustlib', 'src', 'rust', 'library', 'core', 'src', 'lib.rs');

/**
 * What rustc's answers depend on beyond its own binary: rust-src (rust_is_available.sh looks for core's source in
 * the sysroot). A real rustc's sysroot is the prefix it is installed in; rustup's proxy picks a toolchain from its
 * settings, so every toolchain counts.
 */
function rustcExtras(rustc: string): string[] {
  const real = realOf(rustc);
  if (basename(real) !== 'rustup') return [fileIdentity(join(dirname(dirname(real)), CORE_SRC))];
  const home = process.env.RUSTUP_HOME || join(homedir(), '.rustup');
  const toolchains = join(home, 'toolchains');
  const names = existsSync(toolchains) ? readdirSync(toolchains).sort() : [];
  return [
    fileIdentity(join(home, 'settings.toml')),
    ...names.flatMap((n) => [
      fileIdentity(join(toolchains, n, 'bin', 'rustc')),
      fileIdentity(join(toolchains, n, CORE_SRC)),
    ]),
  ];
}

/** Where bindgen's clang-sys looks for a libclang to load at run time (LIBCLANG_PATH, then the system's). */
function libclangCandidates(): string[] {
  const sub = (d: string, re: RegExp): string[] => {
    try {
      return readdirSync(d)
        .filter((e) => re.test(e))
        .sort()
        .map((e) => join(d, e));
    } catch {
      return [];
    }
  };
  const dirs = [
    ...(process.env.LIBCLANG_PATH ? [process.env.LIBCLANG_PATH] : []),
    ...['/usr/lib', '/usr/local/lib', '/usr/lib64', '/usr/local/lib64'],
    ...sub('/usr/lib', /^llvm-/).map((d) => join(d, 'lib')),
    ...sub('/usr/lib', /-linux-gnu/),
  ];
  return dirs.flatMap((d) =>
    existsSync(d) && statSync(d).isFile() ? [fileIdentity(d)] : sub(d, /^libclang(-[0-9.]+)?\.so/).map(fileIdentity),
  );
}

/** Environment variables the Rust tools read (rust_is_available.sh, rustup, clang-sys): not part of make's env. */
const TOOL_ENV = [
  'RUST_LIB_SRC',
  'KRUSTFLAGS',
  'LIBCLANG_PATH',
  'LLVM_CONFIG_PATH',
  'CLANG_PATH',
  'RUSTUP_TOOLCHAIN',
  'RUSTUP_HOME',
  'LD_LIBRARY_PATH',
];

/**
 * The toolchain's identity for the cache key, read from the file system only (a warm run spawns nothing): each
 * tool's resolved path, real path and file identity, and what rustc and bindgen load besides themselves, so
 * installing rust-src or libclang (neither changes rustc or bindgen) is a new key, not a stale cached answer.
 */
function toolIdentity(env: MakeEnv, path: string): string {
  const lines = TOOL_VARS.map((v) => {
    const p = resolveTool(env[v] ?? '', path);
    if (!p) return `${v}=missing`;
    const extras = v === 'RUSTC' ? rustcExtras(p) : v === 'BINDGEN' ? libclangCandidates() : [];
    return [`${v}=${p}:${realOf(p)}:${fileIdentity(p)}`, ...extras].join('\n');
  });
  return [...lines, ...TOOL_ENV.map((k) => `${k}=${process.env[k] ?? ''}`)].join('\n');
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
    this.key = hashOf('kconfig-probes-v2', envPart, path, toolIdentity(env, path)).slice(0, 24);
    this.file = opts.noCache ? null : join(cacheDir('kconfig'), `probes-${this.key}.json`);
    if (this.file && existsSync(this.file)) {
      try {
        const data = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<ProbeFileData> | null;
        if (data?.kdkProbes === 1 && isStringRecord(data.results))
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
    const bg = this.pendingResult(cmd);
    if (bg !== undefined) return bg;
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

  /** Is there a cached result for this command? */
  has(cmd: string): boolean {
    return this.results.has(cmd);
  }

  /** True when nothing is cached yet for this toolchain (a cold run worth prefetching for). */
  get cold(): boolean {
    return !this.frozen && this.results.size <= 1;
  }

  /** Commands running in the background (startPrefetch): index, and the directory of their outputs. */
  private pending: { index: Map<string, number>; dir: string } | null = null;

  /**
   * Start running independent commands in the background while the caller keeps parsing: `xargs -P`
   * reads command numbers from a FIFO, each command runs as do_shell() runs it (`sh -c CMD` in the work
   * directory, stdout kept, exit status ignored) and its output file appears (renamed) when it is done.
   * `add` queues a command; `close` says no more will come. run() of a queued command waits for just
   * that one, so the real parse overlaps with the probes; finish() collects the rest.
   */
  startPrefetch(): { add: (cmd: string) => void; close: () => void } | undefined {
    if (this.frozen) return undefined;
    if (!this.workDir) this.workDir = mkdtempSync(join(cacheDir('kconfig'), 'work-'));
    const dir = mkdtempSync(join(this.workDir, 'prefetch-'));
    const fifo = join(dir, 'queue');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return undefined;
    const jobs = String(Math.max(4, availableParallelism() + 2));
    const one = `sh "$1/{}.sh" > "$1/{}.tmp" 2>/dev/null; mv "$1/{}.tmp" "$1/{}.out"`;
    const script = `xargs -P ${jobs} -I{} sh -c '${one}' sh "${dir}" < "${fifo}"; : > "${dir}/done"`;
    const child = spawn('sh', ['-c', script], {
      cwd: this.workDir,
      env: { ...process.env, ...this.env },
      detached: true,
      stdio: 'ignore',
    });
    if (!child.pid) return undefined;
    const untrack = trackChild(child.pid);
    child.unref();
    // Blocks until the shell has opened the FIFO for reading, so no queued line can be lost.
    let fd: number | null = openSync(fifo, fsConstants.O_WRONLY);
    const index = new Map<string, number>();
    this.pending = { index, dir };
    this.untrackPrefetch = untrack;
    return {
      add: (cmd) => {
        if (fd === null || index.has(cmd) || this.results.has(cmd)) return;
        const i = index.size;
        writeFileSync(join(dir, `${i}.sh`), cmd);
        try {
          writeSync(fd, `${i}\n`);
        } catch {
          // The background runner is gone (EPIPE): the parse runs the remaining probes itself.
          closeSync(fd);
          fd = null;
          return;
        }
        index.set(cmd, i);
      },
      close: () => {
        if (fd !== null) closeSync(fd);
        fd = null;
      },
    };
  }

  private untrackPrefetch: (() => void) | null = null;

  /**
   * Wait (synchronously, polling) until `file` exists; false if the runner finished (`done` appeared)
   * without producing it, or after ten minutes.
   */
  private static waitFor(file: string, done?: string): boolean {
    const tick = new Int32Array(new SharedArrayBuffer(4));
    const deadline = Date.now() + 10 * 60 * 1000;
    while (!existsSync(file)) {
      if (Date.now() > deadline || (done && existsSync(done) && !existsSync(file))) return false;
      Atomics.wait(tick, 0, 0, 2);
    }
    return true;
  }

  /** The background result of `cmd`, waiting for it if it is still running; undefined if not queued. */
  private pendingResult(cmd: string): string | undefined {
    const i = this.pending?.index.get(cmd);
    if (i === undefined || !this.pending) return undefined;
    const out = join(this.pending.dir, `${i}.out`);
    if (!ProbeCache.waitFor(out, join(this.pending.dir, 'done'))) {
      this.pending.index.delete(cmd);
      return undefined;
    }
    this.stats.runs++;
    this.pending.index.delete(cmd);
    const r = shapeShellOutput(readFileSync(out));
    this.results.set(cmd, r);
    this.dirty = true;
    return r;
  }

  /** Wait for every background command and keep their results; ends the prefetch. */
  finishPrefetch(): void {
    const p = this.pending;
    if (!p) return;
    ProbeCache.waitFor(join(p.dir, 'done'));
    for (const cmd of [...p.index.keys()]) this.pendingResult(cmd);
    this.untrackPrefetch?.();
    this.pending = null;
    rmSync(p.dir, { recursive: true, force: true });
  }

  /** Persist new results (write-then-rename, so two kdk processes never see half a file). */
  save(): void {
    this.finishPrefetch();
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
  return readJsonFile(path, probeFileSchema(), { what: 'probe file', prefix: 'not a kdk probe file' });
}
