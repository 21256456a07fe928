// What a binary given to the symbolizer holds, read from its ELF section headers only (a vmlinux is hundreds
// of megabytes; the headers are a few kilobytes at its end): a symbol table for nm, DWARF for addr2line.
import { closeSync, openSync, readSync } from 'node:fs';
import { inputError } from '../util/errors.js';

function readAt(fd: number, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  const n = readSync(fd, b, 0, len, pos);
  return b.subarray(0, n);
}

/** The section names of an ELF file, or undefined when it is not one. */
export function elfSections(file: string): string[] | undefined {
  const fd = openSync(file, 'r');
  try {
    const h = readAt(fd, 0, 64);
    if (h.length < 52 || h.readUInt32BE(0) !== 0x7f454c46) return undefined;
    const is64 = h[4] === 2;
    const le = h[5] !== 2;
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const word = (b: Buffer, o: number) =>
      is64 ? Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : u32(b, o);
    const shoff = word(h, is64 ? 0x28 : 0x20);
    const shentsize = u16(h, is64 ? 0x3a : 0x2e);
    const shnum = u16(h, is64 ? 0x3c : 0x30);
    const shstrndx = u16(h, is64 ? 0x3e : 0x32);
    if (shoff === 0 || shnum === 0 || shstrndx >= shnum || shentsize < (is64 ? 64 : 40)) return [];
    const table = readAt(fd, shoff, shnum * shentsize);
    if (table.length < shnum * shentsize) return undefined;
    const entry = (i: number) => table.subarray(i * shentsize, (i + 1) * shentsize);
    const str = entry(shstrndx);
    const strOff = word(str, is64 ? 0x18 : 0x10);
    const strSize = Math.min(word(str, is64 ? 0x20 : 0x14), 1 << 20);
    const names = readAt(fd, strOff, strSize);
    const out: string[] = [];
    for (let i = 0; i < shnum; i++) {
      const at = u32(entry(i), 0);
      const end = names.indexOf(0, at);
      if (at < names.length) out.push(names.toString('latin1', at, end < 0 ? names.length : end));
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/**
 * Refuses (exit 2, naming the file) a binary the symbolizer could not use: not ELF, no symbol table
 * (stripped), or no DWARF (built without CONFIG_DEBUG_INFO): every frame would come back unchanged.
 */
export function checkDebugBinary(file: string, what = 'vmlinux'): void {
  const sections = elfSections(file);
  if (!sections) throw inputError(`not an ELF file: give the ${what} the kernel build left (with debug info)`, file);
  if (!sections.includes('.symtab')) {
    throw inputError(`no symbol table (a stripped binary): give the unstripped ${what} of the build`, file);
  }
  if (!sections.some((s) => s === '.debug_info' || s === '.zdebug_info')) {
    throw inputError(`no debug info: build the kernel with CONFIG_DEBUG_INFO and give that ${what}`, file);
  }
}
