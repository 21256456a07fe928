// Check a kernel file before QEMU sees it, so "missing" and "not a kernel" are input errors (exit 2) naming
// the file, not a QEMU message after a boot attempt.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { inputError } from '../util/errors.js';
import type { ArchProfile } from '../util/arch.js';

export function checkKernelFile(path: string, profile: ArchProfile): void {
  if (!path) throw inputError('no kernel given (--kernel FILE)');
  if (!existsSync(path)) throw inputError('kernel not found', path);
  if (!statSync(path).isFile()) throw inputError('kernel is not a regular file', path);
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(0x400);
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!profile.isKernelImage(head.subarray(0, n))) {
    throw inputError(`not a bootable kernel for ${profile.arch}: expected ${profile.kernelDescription}`, path);
  }
}
