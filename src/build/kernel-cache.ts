// Kernels to boot, built once and cached: out of tree (`make O=`) from a read-only source tree, under a lock so
// two processes never build the same one, published into cacheDir('kernels')/<key>/ by rename once complete.
// The key is the tree plus the final .config, so two routes to the same config (the test kernel, a bundle that
// carries its config) share one build. A config with CONFIG_MODULES=y also gets its modules built and installed
// (modules_install: signed with the build's own key when MODULE_SIG_ALL) into the entry's modules/, decided by
// the config alone so those two routes still agree. The vm stage boots what this returns; it builds nothing itself.
// Every build compiles through ccache, in the persistent directory `kdk build` uses; a tree in kdk's own cache
// builds beside itself (trees/<name>/kdk-build/<key>/obj) with CCACHE_BASEDIR at trees/<name>, so a patched copy
// of the tree (distro/patched-tree.ts, at trees/<other name>/) reaches its sources by the same relative paths, its
// compile lines hash the same and the files the patches leave alone are ccache hits.
import {
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { cacheDir, hashOf } from '../util/cache.js';
import { populateDirAtomic } from '../util/atomic.js';
import { ensurePackages } from '../util/deps.js';
import { KdkError, ExitCode, inputError } from '../util/errors.js';
import { scratchDir } from '../util/scratch.js';
import { olddefconfig } from '../kconfig/index.js';
import { archFacts, configArch, DEFAULT_GUEST_ARCH, kernelArch } from '../util/arch.js';
import { withLock } from './lock.js';
import { runMake } from './make.js';
import { ccacheLogStats } from './ccache.js';
import { BUILD_PACKAGES } from './driver.js';
import { completeRustHeadersDeb } from './rust-extmod.js';

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
  /** With `headersDeb`: the linux-headers .deb (`make bindeb-pkg`) and the build's Module.symvers. */
  headersDeb?: string;
  symvers?: string;
  /**
   * With CONFIG_RUST=y: the build's Rust crate outputs (`rust/*.rmeta`, `rust/*.so`, `rust/target.json`), which an
   * out-of-tree Rust module is compiled against and which bindeb-pkg's headers package leaves out (rust-extmod.ts).
   */
  rustDir?: string;
  /** With CONFIG_RUST=y and `headersDeb`: kdk's completion of that package with the Rust files it lacks. */
  rustHeadersDeb?: string;
  /** The record of the build that produced it (build.json): CPU seconds and ccache hits where recorded. */
  record: KernelBuildRecord;
}

export interface KernelBuildRecord {
  key: string;
  buildSeconds: number;
  /** make's CPU seconds (user + sys of it and its children); absent in entries built before it was recorded. */
  cpuSeconds?: number;
  ccache?: { hits: number; misses: number; hitRate: number } | null;
  builtAt: string;
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
  /**
   * Also package it (`make bindeb-pkg`) and keep its linux-headers .deb and Module.symvers in the entry: what
   * `kdk oot build` and `kdk abi` read. Part of the key (an entry without them is not a hit).
   */
  headersDeb?: boolean;
  /**
   * Configure and build with `RUSTC=false`: 6.1's RUST_IS_AVAILABLE is a probe of whichever rustc, bindgen and
   * rust-src the PATH holds, so a kernel that never asks for RUST would otherwise get another .config (and cache
   * key) on a machine where Debian's Rust toolchain is installed, or once a test installs it.
   */
  withoutRust?: boolean;
}

export type MakeFn = (targets: string[], opts?: { quiet?: boolean }) => Promise<void>;

const BUILD_TIMEOUT_MS = 90 * 60_000;
/** One progress line this often: enough to show life without flooding stderr. */
const PROGRESS_EVERY_MS = 20_000;

/** make's CPU seconds so far in one build (every make call of it adds its own). */
interface CpuMeter {
  cpu: number;
}

function makeRunner(
  spec: KernelBuildSpec,
  outDir: string,
  log: (l: string) => void,
  env: NodeJS.ProcessEnv = process.env,
  meter?: CpuMeter,
): MakeFn {
  const jobs = spec.jobs ?? 2;
  return async (targets, opts = {}) => {
    let lastLog = 0;
    const args = [
      '-C',
      spec.srcTree,
      `O=${outDir}`,
      `ARCH=${kernelArch(spec.arch ?? DEFAULT_GUEST_ARCH)}`,
      // The same compiler line in the configure step and the build, so the .config (CC_VERSION_TEXT) agrees.
      'CC=ccache gcc',
      'HOSTCC=ccache gcc',
      ...(spec.withoutRust ? ['RUSTC=false'] : []),
      `-j${jobs}`,
      ...targets,
    ];
    const r = await runMake(args, {
      env,
      timeoutMs: BUILD_TIMEOUT_MS,
      maxBuffer: 4 * 1024 * 1024,
      onLine: (line) => {
        if (opts.quiet || Date.now() - lastLog < PROGRESS_EVERY_MS || !line.trim()) return;
        lastLog = Date.now();
        log(`kdk: make ${targets.join(' ')}: ${line.trim()}`);
      },
    });
    if (meter) meter.cpu += r.cpu;
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
  const rec = JSON.parse(readFileSync(join(final, 'build.json'), 'utf8')) as KernelBuildRecord;
  const gdbScript = join(final, 'vmlinux-gdb.py');
  const modulesDir = join(final, 'modules');
  const symvers = join(final, 'Module.symvers');
  const headersDeb = join(final, HEADERS_DEB);
  const rustDir = join(final, 'rust');
  return {
    dir: final,
    bzImage: join(final, 'bzImage'),
    vmlinux: join(final, 'vmlinux'),
    config: join(final, '.config'),
    gdbScript: existsSync(gdbScript) ? gdbScript : undefined,
    modulesDir: existsSync(modulesDir) ? modulesDir : undefined,
    buildSeconds: rec.buildSeconds,
    headersDeb: existsSync(headersDeb) ? headersDeb : undefined,
    symvers: existsSync(symvers) ? symvers : undefined,
    rustDir: existsSync(rustDir) ? rustDir : undefined,
    rustHeadersDeb: existsSync(join(final, RUST_HEADERS_DEB)) ? join(final, RUST_HEADERS_DEB) : undefined,
    record: rec,
  };
}

/** The entry's name for its headers package (bindeb-pkg names it by release and version: one name to look up). */
const HEADERS_DEB = 'linux-headers.deb';
/** kdk's completion of it for out-of-tree Rust modules (rust-extmod.ts), beside it in a CONFIG_RUST entry. */
const RUST_HEADERS_DEB = 'linux-headers-rust.deb';

/**
 * The entry's headers package completed with the Rust files bindeb-pkg leaves out, made once (also for an entry
 * built before kdk made it at build time): from the entry's rust/ and the tree's rust/Makefile.
 */
export function ensureRustHeadersDeb(k: BuiltKernel, srcTree: string): string | undefined {
  if (!k.headersDeb || !k.rustDir) return undefined;
  const out = join(k.dir, RUST_HEADERS_DEB);
  if (!existsSync(out)) completeRustHeadersDeb(k.headersDeb, k.rustDir, srcTree, out);
  return out;
}

/**
 * Where a kernel builds (`obj`, with bindeb-pkg's .debs landing in its parent) and the CCACHE_BASEDIR to use.
 * Beside a tree in kdk's cache (see the head comment); elsewhere (a user's --srctree) under the kernel cache.
 */
export function buildDirFor(srcTree: string, key: string): { top: string; outDir: string; ccacheBase?: string } {
  const container = dirname(realpathSync(srcTree));
  const inTrees = !relative(realpathSync(cacheDir('trees')), container).startsWith('..');
  const top = inTrees ? join(container, 'kdk-build', key) : join(cacheDir('kernels'), `build-${key}`);
  return { top, outDir: join(top, 'obj'), ccacheBase: inTrees ? container : undefined };
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
const hasRust = (config: Buffer | string) => /^CONFIG_RUST=y$/m.test(config.toString('latin1'));

/** What of the build's rust/ the entry keeps: the crates' metadata, the proc-macro library, the target spec. */
const RUST_OUTPUT = /^(lib[A-Za-z0-9_]+\.(rmeta|so)|target\.json)$/;

/** Copy what the cache keeps: the images, the config and, with CONFIG_GDB_SCRIPTS, the gdb helpers. */
function publish(outDir: string, tmp: string, record: KernelBuildRecord, arch: string): void {
  copyFileSync(join(outDir, archFacts(arch).image), join(tmp, 'bzImage'));
  copyFileSync(join(outDir, 'vmlinux'), join(tmp, 'vmlinux'));
  copyFileSync(join(outDir, '.config'), join(tmp, '.config'));
  // vmlinux-gdb.py and scripts/gdb/linux/ are symlinks into the source tree plus generated constants.py:
  // copied as files, so the cache entry works without the build dir. The script finds its modules beside it.
  if (existsSync(join(outDir, 'vmlinux-gdb.py'))) {
    cpSync(join(outDir, 'vmlinux-gdb.py'), join(tmp, 'vmlinux-gdb.py'), { dereference: true });
    cpSync(join(outDir, 'scripts', 'gdb'), join(tmp, 'scripts', 'gdb'), { recursive: true, dereference: true });
  }
  writeFileSync(join(tmp, 'build.json'), JSON.stringify(record, null, 2));
}

/** The .config a spec's configure step gives, without building (what names its cache entry). */
export function configuredConfig(spec: KernelBuildSpec): Promise<Buffer> {
  return configured(spec, cacheDir('kernels'), spec.log ?? (() => {}));
}

/** Configure (cheap), then return the cached kernel for the resulting .config or build it. */
export async function buildKernel(spec: KernelBuildSpec): Promise<BuiltKernel & { key: string }> {
  const log = spec.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const root = cacheDir('kernels');
  // bindeb-pkg's packaging tools and ccache besides the compilers: what `kdk build` needs.
  ensurePackages(BUILD_PACKAGES, log);
  const config = await configured(spec, root, log);
  // A new layout name for module configs: entries built before modules were installed must not be hits; and
  // one for entries that carry the headers .deb.
  const layout = spec.headersDeb ? 'kernel-v3-headers' : hasModules(config) ? 'kernel-v2-modules' : 'kernel-v1';
  const keyOf = (l: string) => `${spec.name}-${hashOf(l, treeIdentity(spec.srcTree), config).slice(0, 16)}`;
  const key = keyOf(layout);
  const hit = cachedKernel(key);
  if (hit) return { ...hit, key };
  // An entry with the headers .deb holds everything one without has (image, vmlinux, modules): the same config
  // built for the ABI tests is a hit for a bundle that carries that config (`kdk repro` of the example bundle).
  const fuller = spec.headersDeb ? undefined : keyOf('kernel-v3-headers');
  const superset = fuller ? cachedKernel(fuller) : undefined;
  if (fuller && superset) return { ...superset, key: fuller };
  const build = async () => {
    const again = cachedKernel(key); // built by whoever held the lock
    if (again) return { ...again, key };
    const where = buildDirFor(spec.srcTree, key);
    const outDir = where.outDir;
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, '.config'), config);
    const ccacheDir = cacheDir('ccache');
    const env: NodeJS.ProcessEnv = { ...process.env, CCACHE_DIR: ccacheDir, LC_ALL: 'C' };
    if (where.ccacheBase) {
      env.CCACHE_BASEDIR = where.ccacheBase;
      // With -g (a DWARF config) ccache also hashes the working directory, which differs per build (…/<key>/obj):
      // without this a patched tree's kernel would miss on every file. The cost: a hit's DW_AT_comp_dir names the
      // build that compiled it first, the same relative layout under another key.
      env.CCACHE_NOHASHDIR = '1';
    }
    // This build's own counters (the cache's totals would count every other build sharing it meanwhile).
    const statsLog = join(where.top, 'ccache-stats.log');
    rmSync(statsLog, { force: true });
    env.CCACHE_STATSLOG = statsLog;
    // gzip, not dpkg-deb's default xz: the headers package is tens of MB of text, and xz costs a minute of CPU.
    if (spec.headersDeb) env.KDEB_COMPRESS = 'gzip';
    const meter: CpuMeter = { cpu: 0 };
    const make = makeRunner(spec, outDir, log, env, meter);
    const t0 = Date.now();
    // bindeb-pkg builds what `make` builds (bzImage, modules) and then packages it.
    const goals = spec.headersDeb
      ? ['bindeb-pkg', 'KDEB_PKGVERSION=1']
      : hasModules(config)
        ? ['bzImage', 'modules']
        : ['bzImage'];
    log(`kdk: building the kernel in ${outDir} (make -j${spec.jobs ?? 2} ${goals.join(' ')}, ccache)`);
    await make(['olddefconfig'], { quiet: true }); // no-op on a final config; sets up the build dir
    await make(goals);
    const buildSeconds = (Date.now() - t0) / 1000;
    const record: KernelBuildRecord = {
      key,
      buildSeconds,
      cpuSeconds: Math.round(meter.cpu * 10) / 10,
      ccache: ccacheLogStats(statsLog),
      builtAt: new Date().toISOString(),
    };
    const installed = join(outDir, 'kdk-modules');
    if (hasModules(config)) {
      rmSync(installed, { recursive: true, force: true });
      await make(['modules_install', `INSTALL_MOD_PATH=${installed}`], { quiet: true });
    }
    const headers = spec.headersDeb ? headersDebIn(where.top) : undefined;
    populateDirAtomic(join(root, key), (tmp) => {
      publish(outDir, tmp, record, spec.arch ?? DEFAULT_GUEST_ARCH);
      if (headers) {
        copyFileSync(headers, join(tmp, HEADERS_DEB));
        copyFileSync(join(outDir, 'Module.symvers'), join(tmp, 'Module.symvers'));
      }
      // The Rust crates an out-of-tree Rust module links against (bindeb-pkg packages none of them): kept so the
      // entry alone can complete the headers package (rust-extmod.ts), without the build directory.
      if (hasRust(config) && existsSync(join(outDir, 'rust'))) {
        mkdirSync(join(tmp, 'rust'));
        for (const f of readdirSync(join(outDir, 'rust')).filter((n) => RUST_OUTPUT.test(n)))
          copyFileSync(join(outDir, 'rust', f), join(tmp, 'rust', f));
      }
      // Without modules_install's build/ and source/ links into the build dir: the entry stands alone.
      const files = (p: string) => !lstatSync(p).isSymbolicLink();
      if (hasModules(config))
        cpSync(join(installed, 'lib', 'modules'), join(tmp, 'modules'), { recursive: true, filter: files });
    });
    log(`kdk: kernel built in ${buildSeconds.toFixed(0)} s: ${join(root, key)}`);
    // A Rust kernel's headers package as an out-of-tree Rust module needs it (the stock one stays beside it).
    if (headers && hasRust(config)) ensureRustHeadersDeb(builtAt(join(root, key)), spec.srcTree);
    return { ...builtAt(join(root, key)), key };
  };
  return withLock(join(root, `${key}.lock`), build, {
    onWait: () => log(`kdk: waiting for another kdk process building kernel ${key}`),
  });
}

/** The one linux-headers .deb bindeb-pkg left in `dir`. */
function headersDebIn(dir: string): string {
  const found = readdirSync(dir).filter((f) => /^linux-headers-.*\.deb$/.test(f));
  if (found.length !== 1) throw new KdkError(`make bindeb-pkg left ${found.length} linux-headers .debs in ${dir}`);
  return join(dir, found[0]);
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
