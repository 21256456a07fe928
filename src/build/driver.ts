// `kdk build`: make olddefconfig then make bindeb-pkg for a flavour directory (from `kdk flavour`), out of tree
// (O=<flavour>/build, so an interrupted build resumes where it stopped), through ccache with a persistent cache
// directory, with progress fed by make's own step lines and a BuildRecord written atomically at the end.
import { configArch, DEFAULT_ARCH, findArch, kernelArch } from '../util/arch.js';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheDir, hashOf } from '../util/cache.js';
import { ensurePackages } from '../util/deps.js';
import { KERNEL_BUILD_PACKAGES } from '../distro/index.js';
import { KdkError, ExitCode, inputError } from '../util/errors.js';
import type { Progress } from '../util/progress.js';
import { shellCommand } from '../util/shell.js';
import { type BuildRecord, loadRecords, saveRecord } from './record.js';
import { ccacheDelta, ccacheStats } from './ccache.js';
import { DISTCC_PACKAGES, distccEnv } from './distcc.js';
import { runMake } from './make.js';
import { extractBuildErrors } from './errors.js';
import { formatConfigMap, parseConfigMap } from '../kconfig/index.js';
import type { FlavourManifest } from '../flavour/index.js';
import { resolveBuildTree } from './source-tree.js';
import { defaultLocalversion } from './localversion.js';
import { completeRustHeadersDeb } from './rust-extmod.js';

// bindeb-pkg runs dpkg-buildpackage, which refuses to start unless the Build-Depends that the kernel's
// scripts/package/mkdebian writes are installed (6.1.176 lists rsync, kmod and cpio besides the compilers):
// the packages any kernel build needs, plus packaging and ccache.
export const BUILD_PACKAGES = [...KERNEL_BUILD_PACKAGES, 'dpkg-dev', 'ccache', 'rsync'];

export interface BuildRequest {
  flavourDir: string;
  /** --srctree; default: the tree the flavour's manifest names (source-tree.ts). */
  srctree?: string;
  /** --source-version: another linux-source-6.1 version. */
  sourceVersion?: string;
  jobs?: number;
  ccacheDir?: string;
  /** DISTCC_HOSTS: compile through distcc on these hosts (ccache in front, CCACHE_PREFIX=distcc). */
  distcc?: string;
  arch?: string;
  /** Make target: bindeb-pkg (default) or e.g. bzImage for a kernel without packages. */
  target?: string;
  localversion?: string;
  pkgVersion?: string;
  progress: Progress;
}

const STEP =
  /^\s+(CC|LD|AR|AS|HOSTCC|HOSTLD|OBJCOPY|GEN|CHK|UPD|SYNC|VDSO|RELOCS|MODPOST|BTF|KSYMS|ZSTD|XZKERN|MKPIGGY|CPUSTR|BUILD|INSTALL|HDRINST|SYSHDR|SYSTBL|WRAP|POLICY|DESCEND|COPY|STRIP|SIGN|TEST|LDS|CPP)\s+(\S+)/;

function fileSize(p: string): number | undefined {
  return existsSync(p) ? statSync(p).size : undefined;
}

function sumKo(dir: string): number {
  let n = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.ko')) n += statSync(join(d, e.name)).size;
    }
  };
  if (existsSync(dir)) walk(dir);
  return n;
}

function artifacts(flavourDir: string, build: string, arch: string, before: Set<string>): Record<string, number> {
  const out: Record<string, number> = {};
  const image = fileSize(join(build, findArch(arch)?.image ?? DEFAULT_ARCH.image));
  if (image !== undefined) out.bzImage = image;
  const vmlinux = fileSize(join(build, 'vmlinux'));
  if (vmlinux !== undefined) out.vmlinux = vmlinux;
  out.modules = sumKo(build);
  for (const f of readdirSync(flavourDir)) {
    if (f.endsWith('.deb') && !before.has(`${f}:${statSync(join(flavourDir, f)).mtimeMs}`)) {
      out[f] = statSync(join(flavourDir, f)).size;
    }
  }
  return out;
}

/**
 * Names for the record. `base` pairs plain and debug builds of the same base config (the plan's ratios): a
 * flavour from `kdk flavour` carries its base's key in its manifest; a plain .config is its own base.
 */
function flavourName(
  flavourDir: string,
  configText: string,
  m: FlavourManifest | undefined,
): { flavour: string; profile: string; base: string } {
  if (!m) {
    const base = hashOf(formatConfigMap(parseConfigMap(configText, join(flavourDir, '.config')))).slice(0, 16);
    return { flavour: resolve(flavourDir).split('/').pop()!, profile: '', base };
  }
  const profile = m.profiles.join('+');
  return { flavour: `${m.flavour}${profile ? '-' + profile : ''}`, profile, base: m.baseKey };
}

/** One make invocation of the build (env: ccache, reproducible timestamps), its lines to `onLine`. */
function make(args: string[], env: NodeJS.ProcessEnv, onLine: (l: string) => void) {
  return runMake(args, { env, onLine });
}

/**
 * The error for a failed build. The previous good record stays in build-record.json; the failure goes beside
 * it when it can be written (not on a full disk, which is then the message: exit 3, the machine's problem).
 */
function failedBuild(record: BuildRecord, output: string, flavourDir: string, common: string[]): KdkError {
  record.error = extractBuildErrors(output);
  const full = /No space left on device|Disk quota exceeded/.test(output);
  let where = 'not saved';
  try {
    where = saveRecord(record, join(flavourDir, 'build-record.failed.json'));
  } catch (err) {
    where = `not saved: ${(err as Error).message}`;
  }
  const why = full ? 'no space left on device' : `make exit ${record.exitStatus}`;
  return new KdkError(`build failed (${why}):\n${record.error}`, {
    exitCode: full ? ExitCode.environment : ExitCode.failure,
    hint: `${full ? `free space in ${join(flavourDir, 'build')} (df -h); ` : ''}full output: ${shellCommand(['make', ...common])}; record: ${where}`,
  });
}

export async function buildFlavour(req: BuildRequest): Promise<{ record: BuildRecord; recordPath: string }> {
  const flavourDir = resolve(req.flavourDir);
  const config = join(flavourDir, '.config');
  if (!existsSync(config)) throw inputError(`${flavourDir} has no .config (make one with: kdk flavour --out DIR)`);
  const log = (l: string) => req.progress.step(l.replace(/^kdk: /, ''));
  const tree = resolveBuildTree({ flavourDir, srctree: req.srctree, sourceVersion: req.sourceVersion, log });
  const srctree = tree.dir;
  log(`building on ${srctree} (${tree.why})`);
  ensurePackages(BUILD_PACKAGES);
  const build = join(flavourDir, 'build');
  mkdirSync(build, { recursive: true });
  const text = readFileSync(config, 'utf8');
  // Copy only when changed, so make sees an unchanged .config on a resumed build.
  if (!existsSync(join(build, '.config')) || readFileSync(join(build, '.config'), 'utf8') !== text)
    copyFileSync(config, join(build, '.config'));
  // Without --arch, the .config says; ARCH=x86 lets make take 32 or 64 bits from CONFIG_64BIT.
  const arch = req.arch ? kernelArch(req.arch) : (configArch(text) ?? 'x86');
  const ccache = req.ccacheDir ?? join(cacheDir('ccache'));
  const env = { ...process.env, CCACHE_DIR: ccache, KBUILD_BUILD_TIMESTAMP: '', LC_ALL: 'C' };
  if (req.distcc) {
    ensurePackages(DISTCC_PACKAGES);
    Object.assign(env, distccEnv(req.distcc));
  }
  const names = flavourName(flavourDir, text, tree.manifest);
  const jobs = req.jobs ?? 2;
  const localversion = req.localversion ?? defaultLocalversion(names.profile);
  const common = ['-C', srctree, `O=${build}`, `ARCH=${arch}`, 'CC=ccache gcc', 'HOSTCC=ccache gcc'];
  common.push(`LOCALVERSION=${localversion}`);
  const start = new Date();
  const prev = loadRecords()
    .filter((r) => r.flavour === names.flavour && r.steps)
    .at(-1);
  const before = ccacheStats(ccache);
  const debsBefore = new Set(
    readdirSync(flavourDir)
      .filter((f) => f.endsWith('.deb'))
      .map((f) => `${f}:${statSync(join(flavourDir, f)).mtimeMs}`),
  );
  req.progress.step(`make olddefconfig (${names.flavour}, ${arch})`);
  const cfg = await make([...common, 'olddefconfig'], env, () => {});
  let steps = 0;
  let result = cfg;
  if (cfg.code === 0) {
    const target = req.target ?? 'bindeb-pkg';
    const kver = (await runMake(['-s', ...common, 'kernelrelease'], { env })).stdout.trim();
    req.progress.start(prev?.steps ?? 0, `make -j${jobs} ${target} (${kver})`);
    // Several targets may be given in one string ('bzImage modules'): make gets them as separate words.
    const targets = target.split(/\s+/).filter(Boolean);
    const args = [...common, `-j${jobs}`, ...targets];
    if (targets.includes('bindeb-pkg')) args.push(`KDEB_PKGVERSION=${req.pkgVersion ?? '1'}`);
    result = await make(args, env, (l) => {
      const m = STEP.exec(l);
      if (!m) return;
      steps++;
      if (prev?.steps || steps % 50 === 0) req.progress.update(steps, `${m[1]} ${m[2]}`);
    });
    req.progress.done();
  }
  // A Rust kernel's headers package as an out-of-tree Rust module needs it: bindeb-pkg's lacks rust/ (the
  // crates' .rmeta, libmacros.so, target.json: rust-extmod.ts); completed in place from the build.
  if (result.code === 0 && (req.target ?? 'bindeb-pkg').split(/\s+/).includes('bindeb-pkg')) {
    const built = readFileSync(join(build, '.config'), 'utf8');
    const headers = readdirSync(flavourDir).filter(
      (f) => /^linux-headers-.*\.deb$/.test(f) && !debsBefore.has(`${f}:${statSync(join(flavourDir, f)).mtimeMs}`),
    );
    if (/^CONFIG_RUST=y$/m.test(built) && headers.length === 1) {
      req.progress.step(`adding the Rust build files to ${headers[0]}`);
      completeRustHeadersDeb(join(flavourDir, headers[0]), join(build, 'rust'), srctree, join(flavourDir, headers[0]));
    }
  }
  const end = new Date();
  const kernelVersion = (await runMake(['-s', ...common, 'kernelrelease'], { env })).stdout.trim();
  const record: BuildRecord = {
    flavour: names.flavour,
    profile: names.profile,
    base: names.base,
    arch,
    kernelVersion,
    configHash: hashOf(text).slice(0, 16),
    start: start.toISOString(),
    end: end.toISOString(),
    wallSeconds: (end.getTime() - start.getTime()) / 1000,
    cpuSeconds: cfg.cpu + (result === cfg ? 0 : result.cpu),
    jobs,
    target: req.target ?? 'bindeb-pkg',
    ccache: ccacheDelta(before, ccacheStats(ccache)),
    artifacts: artifacts(flavourDir, build, arch, debsBefore),
    steps,
    exitStatus: result.code ?? 128,
  };
  if (record.exitStatus !== 0) throw failedBuild(record, result.output, flavourDir, common);
  const recordPath = saveRecord(record, join(flavourDir, 'build-record.json'));
  return { record, recordPath };
}
