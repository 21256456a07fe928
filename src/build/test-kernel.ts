// The small test kernel: x86_64 tinyconfig from Debian's linux-source-6.1 plus profiles/test-kernel.json
// (serial console, initramfs, debugfs, kallsyms and frame pointers for symbolic traces, KASAN, KCOV and LKDTM
// built in; an EFI stub, MODULE_SIG with lib/crc7.ko as a module, and lockdown under Secure Boot, so the one
// kernel also serves the Secure Boot proof), MODVERSIONS, packaged by bindeb-pkg so its linux-headers .deb and
// Module.symvers are in the entry (the ABI and out-of-tree module tests), built through ccache
// (kernel-cache.ts). Cached by the tree and the final .config; the cold build time is in docs/abi.md.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, hashOf } from '../util/cache.js';
import { writeFileAtomic } from '../util/atomic.js';
import { debianSourceTree, type SourceTree } from '../distro/index.js';
import { KdkError } from '../util/errors.js';
import { loadProfile } from '../flavour/index.js';
import { buildKernel, cachedKernel, type BuiltKernel, type KernelBuildSpec } from './kernel-cache.js';

export const TEST_KERNEL_PROFILE = 'test-kernel';

/** The profile's options as .config lines, in the profile's order (that text names the cache alias). */
export function testKernelOptions(): string[] {
  return loadProfile(TEST_KERNEL_PROFILE).options.map((o) => `CONFIG_${o.symbol}=${o.value}`);
}

/** How the test kernel (or a variant: more options, another tree) is configured and built. */
export function testKernelSpec(
  tree: SourceTree,
  options: string[],
  headers: boolean,
  log?: (l: string) => void,
): KernelBuildSpec {
  const fragment = options.join('\n') + '\n';
  return {
    srcTree: tree.dir,
    name: 'x86_64',
    log,
    headersDeb: headers,
    withoutRust: true,
    configure: async (outDir, make) => {
      await make(['tinyconfig'], { quiet: true });
      appendFileSync(join(outDir, '.config'), fragment);
      await make(['olddefconfig'], { quiet: true });
      const config = readFileSync(join(outDir, '.config'), 'utf8');
      const lost = options.filter((o) => !config.split('\n').includes(o));
      if (lost.length) throw new KdkError(`small kernel config: olddefconfig dropped ${lost.join(', ')}`);
    },
  };
}

/** Build (once, cached by tree version + options) and return the small LKDTM/KASAN test kernel and its modules. */
export async function smallTestKernel(
  log?: (l: string) => void,
  /** `extra`: .config lines after the profile's (a variant of the kernel: +DEBUG_CREDENTIALS for the ABI test). */
  /** `headers: false`: plain make, no bindeb-pkg (a kernel only booted, such as the sweep's reverted one). */
  opts: { tree?: SourceTree; extra?: string[]; headers?: boolean } = {},
): Promise<BuiltKernel & { treeVersion: string }> {
  // Another tree (Debian's with some fixes reverted) names itself by its version, so its alias is its own.
  const tree = opts.tree ?? debianSourceTree(log);
  const options = [...testKernelOptions(), ...(opts.extra ?? [])];
  const fragment = options.join('\n') + '\n';
  const headers = opts.headers ?? true;
  // The options' hash names an alias to the config-keyed build, so later calls skip even the configure step.
  const alias = join(
    cacheDir('kernels'),
    `small-x86_64-${hashOf(headers ? 'small-v2-headers' : 'small-v2', tree.version, fragment).slice(0, 16)}.json`,
  );
  if (existsSync(alias)) {
    const hit = cachedKernel((JSON.parse(readFileSync(alias, 'utf8')) as { key: string }).key);
    if (hit) return { ...hit, treeVersion: tree.version };
  }
  const built = await buildKernel(testKernelSpec(tree, options, headers, log));
  writeFileAtomic(alias, JSON.stringify({ key: built.key }) + '\n');
  return { ...built, treeVersion: tree.version };
}
