// Ground truth for the Kconfig tests: the kernel's own C tool (`make olddefconfig`, `make defconfig`,
// merge_config.sh, scripts/kconfig/conf) run on this machine in a private object directory (never inside
// the shared tree). Results are cached under $KDK_CACHE/kconfig keyed by tree version + inputs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, hashOf } from '../../src/util/cache.js';
import { writeFileAtomic } from '../../src/util/atomic.js';
import { debianSourceTree, treeKey, type SourceTree } from '../../src/distro/index.js';

const log = (l: string): void => {
  process.stderr.write(l + '\n');
};

let tree: SourceTree | undefined;
export function kernelTree(): SourceTree {
  tree ??= debianSourceTree(log);
  return tree;
}

export interface MakeTarget {
  arch: string;
  crossCompile?: string;
}

function makeArgs(t: MakeTarget, objdir: string, target: string): string[] {
  const a = ['-s', '-C', kernelTree().dir, `O=${objdir}`, `ARCH=${t.arch}`];
  if (t.crossCompile) a.push(`CROSS_COMPILE=${t.crossCompile}`);
  return [...a, target];
}

function runMake(t: MakeTarget, objdir: string, target: string, env: NodeJS.ProcessEnv = {}): void {
  const r = spawnSync('make', makeArgs(t, objdir, target), {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (r.status !== 0) throw new Error(`make ${target} failed (${r.status}): ${r.stderr.slice(-2000)}`);
}

/** Cached result of `produce()` stored as a file, keyed by the parts. */
function cached(kind: string, parts: string[], produce: () => Buffer): Buffer {
  const file = join(cacheDir('kconfig'), `ref-${kind}-${hashOf(treeKey(kernelTree()), ...parts).slice(0, 20)}.config`);
  if (existsSync(file)) return readFileSync(file);
  const out = produce();
  writeFileAtomic(file, out);
  return out;
}

function withObjdir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-kconfig-ref-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `make olddefconfig` of `input` (bytes) for the target. */
export function cOlddefconfig(t: MakeTarget, input: Buffer): Buffer {
  return cached('olddefconfig', [t.arch, t.crossCompile ?? '', input.toString('latin1')], () =>
    withObjdir((dir) => {
      writeFileSync(join(dir, '.config'), input);
      runMake(t, dir, 'olddefconfig');
      return readFileSync(join(dir, '.config'));
    }),
  );
}

/** `make <target>` (defconfig, allnoconfig, randconfig with KCONFIG_SEED in env...) from scratch. */
export function cMakeConfig(t: MakeTarget, target: string, env: Record<string, string> = {}): Buffer {
  return cached(target, [t.arch, t.crossCompile ?? '', JSON.stringify(env)], () =>
    withObjdir((dir) => {
      runMake(t, dir, target, env);
      return readFileSync(join(dir, '.config'));
    }),
  );
}

/** scripts/kconfig/merge_config.sh -m base fragments (the merged text, before evaluation). */
export function cMergeConfig(base: string, fragments: string[]): Buffer {
  const inputs = [base, ...fragments].map((f) => readFileSync(f, 'latin1'));
  return cached('merge', inputs, () =>
    withObjdir((dir) => {
      const script = join(kernelTree().dir, 'scripts', 'kconfig', 'merge_config.sh');
      const r = spawnSync('sh', [script, '-m', '-O', dir, base, ...fragments], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      if (r.status !== 0) throw new Error(`merge_config.sh failed: ${r.stderr}`);
      return readFileSync(join(dir, '.config'));
    }),
  );
}

let confBin: string | undefined;
/** The C `conf` binary, built once in the cache (from the tree's scripts/kconfig) for small synthetic trees. */
export function confBinary(): string {
  if (confBin) return confBin;
  const dir = join(cacheDir('kconfig'), `conf-${treeKey(kernelTree())}`);
  const bin = join(dir, 'scripts', 'kconfig', 'conf');
  if (!existsSync(bin)) {
    const tmp = mkdtempSync(join(cacheDir('kconfig'), 'conf-build-'));
    try {
      const r = spawnSync('make', ['-s', '-C', kernelTree().dir, `O=${tmp}`, 'ARCH=x86_64', 'allnoconfig'], {
        encoding: 'utf8',
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      if (r.status !== 0) throw new Error(`building conf failed: ${r.stderr.slice(-2000)}`);
      rmSync(dir, { recursive: true, force: true });
      spawnSync('mkdir', ['-p', join(dir, 'scripts', 'kconfig')]);
      copyFileSync(join(tmp, 'scripts', 'kconfig', 'conf'), bin);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  confBin = bin;
  return bin;
}

export interface ConfRun {
  status: number | null;
  config: Buffer | null;
  stdout: string;
  stderr: string;
}

/** Run the C conf --olddefconfig on a synthetic tree with the given environment. */
export function cConf(srctree: string, input: string, env: Record<string, string>): ConfRun {
  return withObjdir((dir) => {
    writeFileSync(join(dir, '.config'), input, 'latin1');
    const r = spawnSync(confBinary(), ['-s', '--olddefconfig', 'Kconfig'], {
      cwd: dir,
      env: { PATH: process.env.PATH, ...env, srctree },
      encoding: 'latin1',
    });
    const cfg = join(dir, '.config');
    return { status: r.status, config: existsSync(cfg) ? readFileSync(cfg) : null, stdout: r.stdout, stderr: r.stderr };
  });
}
