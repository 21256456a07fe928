// The small test kernel: x86_64 tinyconfig from Debian's linux-source-6.1 plus what kdk's initramfs and
// debugging need (serial console, initramfs, debugfs, kallsyms for symbolic traces) and the bug finders the
// reproduce loop is shown with (KASAN, KCOV, LKDTM built in). Builds in a few minutes on 2 cores.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, hashOf } from '../util/cache.js';
import { writeFileAtomic } from '../util/atomic.js';
import { debianSourceTree } from '../distro/index.js';
import { KdkError } from '../util/errors.js';
import { buildKernel, cachedKernel, type BuiltKernel } from './kernel-build.js';

export const SMALL_KERNEL_OPTIONS = [
  'CONFIG_64BIT=y',
  'CONFIG_PRINTK=y',
  'CONFIG_PRINTK_TIME=y',
  'CONFIG_BUG=y',
  'CONFIG_KALLSYMS=y',
  'CONFIG_TTY=y',
  'CONFIG_SERIAL_8250=y',
  'CONFIG_SERIAL_8250_CONSOLE=y',
  'CONFIG_BLK_DEV_INITRD=y',
  'CONFIG_RD_GZIP=y',
  'CONFIG_BINFMT_ELF=y',
  'CONFIG_BINFMT_SCRIPT=y',
  'CONFIG_PROC_FS=y',
  'CONFIG_SYSFS=y',
  'CONFIG_DEVTMPFS=y',
  'CONFIG_DEVTMPFS_MOUNT=y',
  'CONFIG_FUTEX=y',
  'CONFIG_MULTIUSER=y',
  'CONFIG_POSIX_TIMERS=y',
  'CONFIG_SHMEM=y',
  'CONFIG_TMPFS=y',
  'CONFIG_SLUB=y',
  'CONFIG_DEBUG_KERNEL=y',
  'CONFIG_DEBUG_FS=y',
  'CONFIG_DEBUG_FS_ALLOW_ALL=y',
  'CONFIG_KASAN=y',
  'CONFIG_KASAN_GENERIC=y',
  'CONFIG_KASAN_OUTLINE=y',
  'CONFIG_KCOV=y',
  'CONFIG_RUNTIME_TESTING_MENU=y',
  'CONFIG_LKDTM=y',
  'CONFIG_UNWINDER_FRAME_POINTER=y',
  'CONFIG_FRAME_POINTER=y',
  'CONFIG_KERNEL_GZIP=y',
];

/** Build (once, cached by tree version + options) and return the small LKDTM/KASAN test kernel. */
export async function smallTestKernel(log?: (l: string) => void): Promise<BuiltKernel & { treeVersion: string }> {
  const tree = debianSourceTree(log);
  const fragment = SMALL_KERNEL_OPTIONS.join('\n') + '\n';
  // The options' hash names an alias to the config-keyed build, so later calls skip even the configure step.
  const alias = join(
    cacheDir('kernels'),
    `small-x86_64-${hashOf('small-v1', tree.version, fragment).slice(0, 16)}.json`,
  );
  if (existsSync(alias)) {
    const hit = cachedKernel((JSON.parse(readFileSync(alias, 'utf8')) as { key: string }).key);
    if (hit) return { ...hit, treeVersion: tree.version };
  }
  const built = await buildKernel({
    srcTree: tree.dir,
    name: 'x86_64',
    log,
    configure: async (outDir, make) => {
      await make(['tinyconfig'], { quiet: true });
      appendFileSync(join(outDir, '.config'), fragment);
      await make(['olddefconfig'], { quiet: true });
      const config = readFileSync(join(outDir, '.config'), 'utf8');
      const lost = SMALL_KERNEL_OPTIONS.filter((o) => !config.split('\n').includes(o));
      if (lost.length) throw new KdkError(`small kernel config: olddefconfig dropped ${lost.join(', ')}`);
    },
  });
  writeFileAtomic(alias, JSON.stringify({ key: built.key }) + '\n');
  return { ...built, treeVersion: tree.version };
}
