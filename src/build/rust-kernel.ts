// A Rust-enabled sibling of the small test kernel: the same tinyconfig + profiles/test-kernel.json options plus
// RUST and the tree's samples/rust/rust_minimal as a module, cached as its own kernel (the test kernel itself is
// untouched). Whether RUST sticks is the tree's rust_is_available.sh on the machine's toolchain; when it does not,
// or rustc fails, that is the result, reported in the toolchain's own words.
import { DEFAULT_GUEST_ARCH } from '../util/arch.js';
import { appendFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, hashOf } from '../util/cache.js';
import { writeFileAtomic } from '../util/atomic.js';
import { debianSourceTree, type SourceTree } from '../distro/index.js';
import { KdkError, ExitCode } from '../util/errors.js';
import { rustReadiness, rustSummary } from '../flavour/index.js';
import { buildKernel, cachedKernel, ensureRustHeadersDeb, type BuiltKernel } from './kernel-cache.js';
import { testKernelOptions } from './test-kernel.js';

/**
 * What the Rust kernel adds to (or overrides in) the test kernel's options; a later line of the fragment wins, as
 * in merge_config.sh. INIT_STACK_NONE: with gcc 12, tinyconfig (and Debian's config) default to
 * INIT_STACK_ALL_ZERO, whose -ftrivial-auto-var-init=zero 6.1's rust/Makefile passes on to bindgen, and libclang 14
 * refuses it ("'-ftrivial-auto-var-init=zero' hasn't been enabled; enable it at your own peril..."): the bindings
 * are never generated (measured, docs/flavour.md). MODVERSIONS=n: the test kernel has MODVERSIONS (its ABI tests),
 * but 6.1's and 6.12's `config RUST` say `depends on !MODVERSIONS` (genksyms cannot read Rust, so a Rust module's
 * symbols would carry no CRCs); this kernel's modules are matched by vermagic alone. The test kernel's DWARF
 * (DEBUG_INFO_DWARF4, rustc then gets -Cdebuginfo=2 from scripts/Makefile.debug) is kept: 6.1's RUST has no
 * dependency on it, and the build with it was measured (docs/flavour.md).
 */
export const RUST_SAMPLE_OPTIONS = [
  'CONFIG_INIT_STACK_NONE=y',
  'CONFIG_MODVERSIONS=n',
  'CONFIG_RUST=y',
  'CONFIG_SAMPLES=y',
  'CONFIG_SAMPLES_RUST=y',
  'CONFIG_SAMPLE_RUST_MINIMAL=m',
];

export interface RustSampleKernel extends BuiltKernel {
  treeVersion: string;
  /** samples/rust/rust_minimal.ko as modules_install placed it. */
  module: string;
}

/** Build (once, cached by tree version + options) the small test kernel with RUST and rust_minimal.ko. */
export async function rustSampleKernel(
  log?: (l: string) => void,
  opts: { tree?: SourceTree } = {},
): Promise<RustSampleKernel> {
  const tree = opts.tree ?? debianSourceTree(log);
  const fragmentLines = [...testKernelOptions(), ...RUST_SAMPLE_OPTIONS];
  const fragment = fragmentLines.join('\n') + '\n';
  // What the .config must hold: each symbol's last line in the fragment (MODVERSIONS=n, not the profile's =y).
  const options = [...new Map(fragmentLines.map((o) => [o.replace(/=.*/, ''), o])).values()];
  const found = (k: BuiltKernel): RustSampleKernel => {
    const module = k.modulesDir ? findModule(k.modulesDir, 'rust_minimal.ko') : undefined;
    if (!module) throw new KdkError(`the Rust kernel at ${k.dir} has no rust_minimal.ko`);
    const rustHeadersDeb = ensureRustHeadersDeb(k, tree.dir);
    return { ...k, treeVersion: tree.version, module, rustHeadersDeb };
  };
  const alias = join(
    cacheDir('kernels'),
    `small-rust-x86_64-${hashOf('small-rust-v2-headers', tree.version, fragment).slice(0, 16)}.json`,
  );
  if (existsSync(alias)) {
    const hit = cachedKernel((JSON.parse(readFileSync(alias, 'utf8')) as { key: string }).key);
    if (hit) return found(hit);
  }
  const built = await buildKernel({
    srcTree: tree.dir,
    name: 'x86_64-rust',
    log,
    // Packaged like the test kernel: its linux-headers .deb is what an out-of-tree Rust module is built against.
    headersDeb: true,
    configure: async (outDir, make) => {
      await make(['tinyconfig'], { quiet: true });
      appendFileSync(join(outDir, '.config'), fragment);
      await make(['olddefconfig'], { quiet: true });
      const config = readFileSync(join(outDir, '.config'), 'utf8');
      const lost = options.filter((o) => !optionHeld(config, o));
      if (lost.length) {
        // RUST not sticking is the toolchain's answer: say which check of the tree's script refused.
        const why = lost.includes('CONFIG_RUST=y')
          ? `: ${rustSummary(rustReadiness(tree.dir, DEFAULT_GUEST_ARCH))}`
          : '';
        throw new KdkError(`Rust kernel config: olddefconfig dropped ${lost.join(', ')}${why}`, {
          exitCode: ExitCode.environment,
        });
      }
    },
  });
  writeFileAtomic(alias, JSON.stringify({ key: built.key }) + '\n');
  return found(built);
}

/** Whether `.config` text holds a fragment line: `CONFIG_X=n` as `# CONFIG_X is not set` or absent. */
export function optionHeld(config: string, option: string): boolean {
  const lines = config.split('\n');
  const off = /^CONFIG_([A-Za-z0-9_]+)=n$/.exec(option);
  if (!off) return lines.includes(option);
  return !lines.some((l) => l.startsWith(`CONFIG_${off[1]}=`));
}

function findModule(dir: string, name: string): string | undefined {
  const r = (d: string): string | undefined => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        const hit = r(p);
        if (hit) return hit;
      } else if (e.name === name) return p;
    }
    return undefined;
  };
  return r(dir);
}
