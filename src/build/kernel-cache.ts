// Kernels to boot, built once and cached: out of tree (`make O=`) from a read-only source tree, under a lock so
// two processes never build the same one, published into cacheDir('kernels')/<key>/ by rename once complete.
// The key is the tree plus the final .config, so two routes to the same config (the test kernel, a bundle that
// carries its config) share one build. A config with CONFIG_MODULES=y also gets its modules built and installed
// (modules_install: signed with the build's own key when MODULE_SIG_ALL) into the entry's modules/, decided by
// the config alone so those two routes still agree. The vm stage boots what this returns; it builds nothing itself.
import {
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
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
import { KdkError, ExitCode, inputError } from '../util/errors.js';
import { scratchDir } from '../util/scratch.js';
import { olddefconfig } from '../kconfig/index.js';
import { archFacts, configArch, DEFAULT_GUEST_ARCH, kernelArch } from '../util/arch.js';
import { withLock } from './lock.js';
import { runMake } from './make.js';

export interface BuiltKernel {
  dir: string;
  bzImage: string;
  vmlinux: string;
  config: string;
  /** The kernel's gdb helpers (CONFIG_GDB_SCRIPTS: lx-dmesg, lx-symbols...), when it was built with them. */
  gdbScript?: string;
  /** With CONFIG_MODULES=y: the installed modules (`lib/modules/<release>/` as modules_install lays it out). */
  modulesDir?: string;
  /** Wall seconds of the build that produced it (from its record). */
  buildSeconds: number;
}

export interface KernelBuildSpec {
  /** Kernel source tree (read-only). */
  srcTree: string;
  /** Name prefix of the cache entry (e.g. `x86_64`). */
  name: string;
  /** Kernel ARCH (default x86_64). */
  arch?: string;
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
/** One progress line this often: enough to show life without flooding stderr. */
const PROGRESS_EVERY_MS = 20_000;

function makeRunner(spec: KernelBuildSpec, outDir: string, log: (l: string) => void): MakeFn {
  const jobs = spec.jobs ?? 2;
  return async (targets, opts = {}) => {
    let lastLog = 0;
    const args = [
      '-C',
      spec.srcTree,
      `O=${outDir}`,
      `ARCH=${kernelArch(spec.arch ?? DEFAULT_GUEST_ARCH)}`,
      `-j${jobs}`,
      ...targets,
    ];
    const r = await runMake(args, {
      timeoutMs: BUILD_TIMEOUT_MS,
      maxBuffer: 4 * 1024 * 1024,
      onLine: (line) => {
        if (opts.quiet || Date.now() - lastLog < PROGRESS_EVERY_MS || !line.trim()) return;
        lastLog = Date.now();
        log(`kdk: make ${targets.join(' ')}: ${line.trim()}`);
      },
    });
    if (r.code !== 0) {
      const tail = (r.stderr || r.stdout).trim().split('\n').slice(-15).join('\n');
      throw new KdkError(
        `make ${targets.join(' ')} failed (exit ${r.code ?? r.signal})${r.timedOut ? ' (timed out)' : ''}\n${tail}`,
        { exitCode: ExitCode.failure },
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
  const gdbScript = join(final, 'vmlinux-gdb.py');
  const modulesDir = join(final, 'modules');
  return {
    dir: final,
    bzImage: join(final, 'bzImage'),
    vmlinux: join(final, 'vmlinux'),
    config: join(final, '.config'),
    gdbScript: existsSync(gdbScript) ? gdbScript : undefined,
    modulesDir: existsSync(modulesDir) ? modulesDir : undefined,
    buildSeconds: rec.buildSeconds,
  };
}

/** The cached build for `key`, when there is one. */
export function cachedKernel(key: string): BuiltKernel | undefined {
  const final = join(cacheDir('kernels'), key);
  return existsSync(join(final, 'build.json')) ? builtAt(final) : undefined;
}

/** Run the spec's configure step in a scratch dir (removed afterwards, also on Ctrl-C) and return the .config. */
async function configured(spec: KernelBuildSpec, root: string, log: (l: string) => void): Promise<Buffer> {
  const cfg = scratchDir('configure', root);
  try {
    await spec.configure(cfg.dir, makeRunner(spec, cfg.dir, log));
    return readFileSync(join(cfg.dir, '.config'));
  } finally {
    cfg.release();
  }
}

const hasModules = (config: Buffer | string) => /^CONFIG_MODULES=y$/m.test(config.toString('latin1'));

/** Copy what the cache keeps: the images, the config and, with CONFIG_GDB_SCRIPTS, the gdb helpers. */
function publish(outDir: string, tmp: string, key: string, buildSeconds: number, arch: string): void {
  copyFileSync(join(outDir, archFacts(arch).image), join(tmp, 'bzImage'));
  copyFileSync(join(outDir, 'vmlinux'), join(tmp, 'vmlinux'));
  copyFileSync(join(outDir, '.config'), join(tmp, '.config'));
  // vmlinux-gdb.py and scripts/gdb/linux/ are symlinks into the source tree plus generated constants.py:
  // copied as files, so the cache entry works without the build dir. The script finds its modules beside it.
  if (existsSync(join(outDir, 'vmlinux-gdb.py'))) {
    cpSync(join(outDir, 'vmlinux-gdb.py'), join(tmp, 'vmlinux-gdb.py'), { dereference: true });
    cpSync(join(outDir, 'scripts', 'gdb'), join(tmp, 'scripts', 'gdb'), { recursive: true, dereference: true });
  }
  writeFileSync(
    join(tmp, 'build.json'),
    JSON.stringify({ key, buildSeconds, builtAt: new Date().toISOString() }, null, 2),
  );
}

/** Configure (cheap), then return the cached kernel for the resulting .config or build it. */
export async function buildKernel(spec: KernelBuildSpec): Promise<BuiltKernel & { key: string }> {
  const log = spec.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const root = cacheDir('kernels');
  ensurePackages(KERNEL_BUILD_PACKAGES, log);
  const config = await configured(spec, root, log);
  // A new layout name for module configs: entries built before modules were installed must not be hits.
  const layout = hasModules(config) ? 'kernel-v2-modules' : 'kernel-v1';
  const key = `${spec.name}-${hashOf(layout, treeIdentity(spec.srcTree), config).slice(0, 16)}`;
  const hit = cachedKernel(key);
  if (hit) return { ...hit, key };
  const build = async () => {
    const again = cachedKernel(key); // built by whoever held the lock
    if (again) return { ...again, key };
    const outDir = join(root, `build-${key}`);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, '.config'), config);
    const make = makeRunner(spec, outDir, log);
    const t0 = Date.now();
    const goals = hasModules(config) ? ['bzImage', 'modules'] : ['bzImage'];
    log(`kdk: building the kernel in ${outDir} (make -j${spec.jobs ?? 2} ${goals.join(' ')})`);
    await make(['olddefconfig'], { quiet: true }); // no-op on a final config; sets up the build dir
    await make(goals);
    const buildSeconds = (Date.now() - t0) / 1000;
    const installed = join(outDir, 'kdk-modules');
    if (hasModules(config)) {
      rmSync(installed, { recursive: true, force: true });
      await make(['modules_install', `INSTALL_MOD_PATH=${installed}`], { quiet: true });
    }
    populateDirAtomic(join(root, key), (tmp) => {
      publish(outDir, tmp, key, buildSeconds, spec.arch ?? DEFAULT_GUEST_ARCH);
      // Without modules_install's build/ and source/ links into the build dir: the entry stands alone.
      const files = (p: string) => !lstatSync(p).isSymbolicLink();
      if (hasModules(config))
        cpSync(join(installed, 'lib', 'modules'), join(tmp, 'modules'), { recursive: true, filter: files });
    });
    log(`kdk: kernel built in ${buildSeconds.toFixed(0)} s: ${join(root, key)}`);
    return { ...builtAt(join(root, key)), key };
  };
  return withLock(join(root, `${key}.lock`), build, {
    onWait: () => log(`kdk: waiting for another kdk process building kernel ${key}`),
  });
}

/**
 * A kernel from a given .config (a bundle's): copied into the build, brought up to date with the tree by kdk's
 * own Kconfig engine (`olddefconfig`: every new symbol at its default, warnings logged), built and cached.
 */
export async function kernelFromConfig(
  srcTree: string,
  configFile: string,
  log: (l: string) => void,
): Promise<BuiltKernel & { key: string }> {
  if (!existsSync(join(srcTree, 'Makefile'))) throw inputError('not a kernel source tree (no Makefile)', srcTree);
  // The config's own architecture (a bundle says which by its CONFIG_X86_64/ARM64), else the default.
  const arch = configArch(readFileSync(configFile, 'utf8')) ?? DEFAULT_GUEST_ARCH;
  return buildKernel({
    srcTree,
    name: arch,
    arch,
    log,
    configure: async (outDir) => {
      const config = join(outDir, '.config');
      copyFileSync(configFile, config);
      const res = olddefconfig({ srctree: srcTree, arch, in: config, out: config, log });
      for (const w of res.warnings.slice(0, 20)) log(`kdk: olddefconfig: ${w}`);
    },
  });
}
