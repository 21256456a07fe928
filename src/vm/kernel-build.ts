// Building kernels to boot: out of tree (`make O=`) from a read-only source tree, with a lock so two processes
// never build the same one, published into cacheDir('kernels')/<key>/ by rename once complete.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../util/cache.js';
import { populateDirAtomic } from '../util/atomic.js';
import { ensurePackages } from '../util/deps.js';
import { KERNEL_BUILD_PACKAGES } from '../util/debian.js';
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
  /** Cache key: identifies tree + configuration. */
  key: string;
  /** Write the starting .config into the build dir (e.g. run tinyconfig, or copy a bundle's config). */
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

/** The built kernel for `spec.key`, building it first when it is not cached yet. */
export async function buildKernel(spec: KernelBuildSpec): Promise<BuiltKernel> {
  const log = spec.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const root = cacheDir('kernels');
  const final = join(root, spec.key);
  const result = (): BuiltKernel => {
    const rec = JSON.parse(readFileSync(join(final, 'build.json'), 'utf8')) as { buildSeconds: number };
    return {
      dir: final,
      bzImage: join(final, 'bzImage'),
      vmlinux: join(final, 'vmlinux'),
      config: join(final, '.config'),
      buildSeconds: rec.buildSeconds,
    };
  };
  if (existsSync(join(final, 'build.json'))) return result();
  ensurePackages(KERNEL_BUILD_PACKAGES, log);
  return withLock(
    join(root, `${spec.key}.lock`),
    async () => {
      if (existsSync(join(final, 'build.json'))) return result(); // built by whoever held the lock
      const outDir = join(root, `build-${spec.key}`);
      mkdirSync(outDir, { recursive: true });
      const make = makeRunner(spec.srcTree, outDir, spec.jobs ?? 2, log);
      const t0 = Date.now();
      await spec.configure(outDir, make);
      log(`kdk: building the kernel in ${outDir} (make -j${spec.jobs ?? 2} bzImage)`);
      await make(['bzImage']);
      const buildSeconds = (Date.now() - t0) / 1000;
      populateDirAtomic(final, (tmp) => {
        copyFileSync(join(outDir, 'arch/x86/boot/bzImage'), join(tmp, 'bzImage'));
        copyFileSync(join(outDir, 'vmlinux'), join(tmp, 'vmlinux'));
        copyFileSync(join(outDir, '.config'), join(tmp, '.config'));
        writeFileSync(
          join(tmp, 'build.json'),
          JSON.stringify({ key: spec.key, buildSeconds, builtAt: new Date().toISOString() }, null, 2),
        );
      });
      log(`kdk: kernel built in ${buildSeconds.toFixed(0)} s: ${final}`);
      return result();
    },
    () => log(`kdk: waiting for another kdk process building kernel ${spec.key}`),
  );
}
