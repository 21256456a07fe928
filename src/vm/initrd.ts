// The distro initrd that goes with a distro kernel. Debian's stock kernel has virtio_blk and ext4 as modules:
// booted on a disk image without its initrd it cannot mount the root ("VFS: Unable to mount root fs"), so
// `/boot/vmlinuz-VERSION` is booted with `/boot/initrd.img-VERSION` (update-initramfs's names) from beside it.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { inputError } from '../util/errors.js';

/** The initrd for `kernel` when it is a distro kernel (`vmlinuz-VERSION`); undefined for other kernels. */
export function distroInitrd(kernel: string): string | undefined {
  const m = /^vmlinuz-(.+)$/.exec(basename(kernel));
  if (!m) return undefined; // a kernel built here (bzImage): its root drivers are built in or it says so
  const initrd = join(dirname(kernel), `initrd.img-${m[1]}`);
  if (!existsSync(initrd)) {
    throw inputError(
      `distro kernel without its initrd: ${initrd} is missing (update-initramfs -c -k ${m[1]}, or pass --initramfs FILE)`,
      kernel,
    );
  }
  return initrd;
}
