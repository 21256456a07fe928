// Building kernels to boot: out of tree (`make O=`) from a read-only source tree, with a lock so two processes
// never build the same one, published into cacheDir('kernels')/<key>/ by rename once complete.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { cacheDir, hashOf } from '../util/cache.js';
import { populateDirAtomic } from '../util/atomic.js';
import { ensurePackages } from '../util/deps.js';
import { KERNEL_BUILD_PACKAGES } from '../distro/index.js';
import { KdkError, ExitCode } from '../util/errors.js';
import { run } from '../util/proc.js';
import { withLock } from './lock.js';

export interface BuiltKernel {
  dir: string;
  bzImage: string;
  vmlinux: string;
  config: string;
  /** Wall seconds of the build that produced it (from its record). */
  buildSeconds: number;
}

export interface KernelBuildSpec {
  /** Kernel source tree (read-only). */
  srcTree: string;
  /** Name prefix of the cache entry (e.g. `small-x86_64`). */
  name: string;
  /**
   * Produce the final .config in `outDir` (e.g. tinyconfig + options, or a bundle's config + olddefconfig).
   * The cache key is the tree plus the resulting .config, so two routes to the same config share one build.
   */
  configure: (outDir: string, make: MakeFn) => Promise<void>;
  jobs?: number;
  log?: (l: string) => void;
}

export type MakeFn = (targets: string[], opts?: { quiet?: boolean }) => Promise<void>;

const BUILD_TIMEOUT_MS = 90 * 60_000;

function makeRunner(srcTree: string, outDir: string, jobs: number, log: (l: string) => void): MakeFn {
  return async (targets, opts = {}) => {
    let lastLog = 0;
    const r = await run('make', ['-C', srcTree, `O=${outDir}`, 'ARCH=x86_64', `-j${jobs}`, ...targets], {
      timeoutMs: BUILD_TIMEOUT_MS,
      maxBuffer: 4 * 1024 * 1024,
      onStdout: (c) => {
        // One progress line every 20 s: enough to show life without flooding stderr.
        if (opts.quiet || Date.now() - lastLog < 20_000) return;
        lastLog = Date.now();
        const line = c.toString().trim().split('\n').pop();
        if (line) log(`kdk: make ${targets.join(' ')}: ${line.trim()}`);
      },
    });
    if (r.code !== 0) {
      const tail = (r.stderr || r.stdout).trim().split('\n').slice(-15).join('\n');
      throw new KdkError(
        `make ${targets.join(' ')} failed (exit ${r.code ?? r.signal})${r.timedOut ? ' (timed out)' : ''}\n${tail}`,
        {
          exitCode: ExitCode.failure,
        },
      );
    }
  };
}

/** A tree's identity for the cache key: its real path, its Makefile's version lines and, for git, HEAD. */
export function treeIdentity(srcTree: string): string {
  const mk = readFileSync(join(srcTree, 'Makefile'), 'utf8').split('\n').slice(0, 6).join('\n');
  const gitHead = join(srcTree, '.git', 'HEAD');
  const head = existsSync(gitHead) ? readFileSync(gitHead, 'utf8') : '';
  return `${realpathSync(srcTree)}\n${mk}\n${head}`;
}

function builtAt(final: string): BuiltKernel {
  const rec = JSON.parse(readFileSync(join(final, 'build.json'), 'utf8')) as { buildSeconds: number };
  return {
    dir: final,
    bzImage: join(final, 'bzImage'),
    vmlinux: join(final, 'vmlinux'),
    config: join(final, '.config'),
    buildSeconds: rec.buildSeconds,
  };
}

/** The cached build for `key`, when there is one. */
export function cachedKernel(key: string): BuiltKernel | undefined {
  const final = join(cacheDir('kernels'), key);
  return existsSync(join(final, 'build.json')) ? builtAt(final) : undefined;
}

/** Configure (cheap), then return the cached kernel for the resulting .config or build it. */
export async function buildKernel(spec: KernelBuildSpec): Promise<BuiltKernel & { key: string }> {
  const log = spec.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const root = cacheDir('kernels');
  ensurePackages(KERNEL_BUILD_PACKAGES, log);
  const jobs = spec.jobs ?? 2;
  const cfgDir = mkdtempSync(join(root, 'configure-'));
  let config: Buffer;
  try {
    await spec.configure(cfgDir, makeRunner(spec.srcTree, cfgDir, jobs, log));
    config = readFileSync(join(cfgDir, '.config'));
  } finally {
    rmSync(cfgDir, { recursive: true, force: true });
  }
  const key = `${spec.name}-${hashOf('kernel-v1', treeIdentity(spec.srcTree), config).slice(0, 16)}`;
  const final = join(root, key);
  const hit = cachedKernel(key);
  if (hit) return { ...hit, key };
  return withLock(
    join(root, `${key}.lock`),
    async () => {
      const again = cachedKernel(key); // built by whoever held the lock
      if (again) return { ...again, key };
      const outDir = join(root, `build-${key}`);
      mkdirSync(outDir, { recursive: true });
      writeFileSync(join(outDir, '.config'), config);
      const make = makeRunner(spec.srcTree, outDir, jobs, log);
      const t0 = Date.now();
      log(`kdk: building the kernel in ${outDir} (make -j${jobs} bzImage)`);
      await make(['olddefconfig'], { quiet: true }); // no-op on a final config; sets up the build dir
      await make(['bzImage']);
      const buildSeconds = (Date.now() - t0) / 1000;
      populateDirAtomic(final, (tmp) => {
        copyFileSync(join(outDir, 'arch/x86/boot/bzImage'), join(tmp, 'bzImage'));
        copyFileSync(join(outDir, 'vmlinux'), join(tmp, 'vmlinux'));
        copyFileSync(join(outDir, '.config'), join(tmp, '.config'));
        writeFileSync(
          join(tmp, 'build.json'),
          JSON.stringify({ key, buildSeconds, builtAt: new Date().toISOString() }, null, 2),
        );
      });
      log(`kdk: kernel built in ${buildSeconds.toFixed(0)} s: ${final}`);
      return { ...builtAt(final), key };
    },
    () => log(`kdk: waiting for another kdk process building kernel ${key}`),
  );
}
