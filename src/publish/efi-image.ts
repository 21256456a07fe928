// What an x86 kernel image says about itself: the boot protocol header's version string (setup header field
// kernel_version at 0x20e, an offset from 0x200) and whether it is a PE/COFF image (an EFI stub: "MZ" + "PE\0\0").
import { readFileSync } from 'node:fs';
import { inputError } from '../util/errors.js';

export function kernelImageInfo(path: string): { release?: string; efi: boolean } {
  return imageInfo(readFileSync(path), path);
}

/** The same from the image's first bytes (a few KiB hold both headers). */
export function imageInfo(b: Buffer, what: string): { release?: string; efi: boolean } {
  if (b.length < 0x300) throw inputError('not a kernel image (too short)', what);
  const pe = b.readUInt32LE(0x3c);
  const efi =
    b.toString('latin1', 0, 2) === 'MZ' && pe + 4 <= b.length && b.toString('latin1', pe, pe + 4) === 'PE\0\0';
  let release: string | undefined;
  if (b.toString('latin1', 0x202, 0x206) === 'HdrS') {
    const at = b.readUInt16LE(0x20e) + 0x200;
    const end = b.indexOf(0, at);
    if (at > 0x200 && end > at) release = b.toString('latin1', at, end).split(' ')[0];
  }
  return { release, efi };
}
