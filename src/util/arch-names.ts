// Architecture names: Debian's (amd64, ppc64el) and the kernel's (ARCH=x86_64, powerpc) are both accepted by every
// --arch flag; each command converts to the one it needs. A small table until the distro stage's own arch table
// (issue 10) lands; then this file should give way to it.
import { inputError } from './errors.js';

interface ArchRow {
  debian: string;
  /** ARCH for the kernel's make (the name `make ARCH=` takes for this Debian port). */
  kernel: string;
  /** Other names people type for it (uname -m, GNU triplets). */
  also: string[];
}

const ARCHS: ArchRow[] = [
  { debian: 'amd64', kernel: 'x86_64', also: ['x86-64'] },
  { debian: 'i386', kernel: 'i386', also: ['x86', 'i686'] },
  { debian: 'arm64', kernel: 'arm64', also: ['aarch64'] },
  { debian: 'armhf', kernel: 'arm', also: ['armv7l'] },
  { debian: 'armel', kernel: 'arm', also: [] },
  { debian: 'ppc64el', kernel: 'powerpc', also: ['ppc64le'] },
  { debian: 's390x', kernel: 's390', also: [] },
  { debian: 'mips64el', kernel: 'mips', also: [] },
  { debian: 'riscv64', kernel: 'riscv', also: [] },
  { debian: 'loong64', kernel: 'loongarch', also: ['loongarch64'] },
];

/** The row for a name in either spelling (a kernel name shared by two ports picks the first: arm → armhf). */
function row(name: string): ArchRow | undefined {
  return ARCHS.find((a) => a.debian === name) ?? ARCHS.find((a) => a.kernel === name || a.also.includes(name));
}

const known = () => ARCHS.map((a) => `${a.debian}/${a.kernel}`).join(', ');

/** The Debian name for `name` (amd64 for x86_64); an unknown name is an input error naming the flag. */
export function debianArchName(name: string, flag = '--arch'): string {
  const r = row(name);
  if (!r) throw inputError(`${flag}: unknown architecture '${name}' (Debian/kernel names: ${known()})`);
  return r.debian;
}

/** The kernel's ARCH for `name` (x86_64 for amd64); an unknown name is an input error naming the flag. */
export function kernelArchName(name: string, flag = '--arch'): string {
  const r = row(name);
  if (!r) throw inputError(`${flag}: unknown architecture '${name}' (Debian/kernel names: ${known()})`);
  return r.kernel;
}

/** Whether `name` is an architecture in either spelling. */
export function isArchName(name: string): boolean {
  return row(name) !== undefined;
}
