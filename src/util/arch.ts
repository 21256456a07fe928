// Architecture facts, one table for every stage (the way tuxmake keeps arch/*.ini): the kernel's ARCH and
// SRCARCH, Debian's name for it, the cross toolchain prefix, the boot image make writes, syzkaller's target, and
// for guests kdk boots the QEMU binary, machine, CPU, console and image header. Wherever kdk takes an
// architecture it accepts the Debian name (amd64) or the kernel's (x86_64); `archFacts` maps either to the row.
import { inputError } from './errors.js';

/** One row of the table. Guest fields are present only for architectures kdk boots under QEMU. */
export interface ArchFacts {
  /** make ARCH= (x86_64, arm64). */
  kernel: string;
  /** arch/<dir> (the top Makefile's SRCARCH). */
  srcArch: string;
  /** Debian's architecture name (dpkg --print-architecture). */
  debian: string;
  /** Other names people give for the same thing (x86, aarch64). */
  aliases: string[];
  /** Node's `process.arch` on a host of this architecture. */
  node: string;
  /** CROSS_COMPILE prefix of Debian's cross gcc for it. */
  crossCompile: string;
  /** The boot image `make` leaves under the build directory. */
  image: string;
  /** syzkaller's target (pkg/mgrconfig `target`), where syzkaller supports it. */
  syzTarget?: string;
  guest?: GuestFacts;
}

export interface GuestFacts {
  qemu: string;
  /** Debian package that ships the QEMU binary. */
  qemuPackage: string;
  machine: string[];
  /** CPU for TCG; under KVM the default model is used (`-cpu host` aborts on some hosts, see vm/accel.ts). */
  tcgCpu: string[];
  console: string;
  /** Host architectures (`process.arch`) on which KVM can run this guest. */
  kvmHosts: string[];
  /** A bootable image carries `magic` at byte `offset`. */
  imageMagic: { offset: number; magic: string };
  kernelDescription: string;
}

export const ARCH_TABLE: readonly ArchFacts[] = [
  {
    kernel: 'x86_64',
    srcArch: 'x86',
    debian: 'amd64',
    aliases: ['x86'],
    node: 'x64',
    crossCompile: 'x86_64-linux-gnu-',
    image: 'arch/x86/boot/bzImage',
    syzTarget: 'linux/amd64',
    guest: {
      qemu: 'qemu-system-x86_64',
      qemuPackage: 'qemu-system-x86',
      machine: [],
      tcgCpu: [],
      console: 'ttyS0',
      kvmHosts: ['x64'],
      // The boot protocol header: "HdrS" at 0x202 (Documentation/x86/boot.rst).
      imageMagic: { offset: 0x202, magic: 'HdrS' },
      kernelDescription: 'an x86 bzImage (arch/x86/boot/bzImage or /boot/vmlinuz-*)',
    },
  },
  {
    kernel: 'arm64',
    srcArch: 'arm64',
    debian: 'arm64',
    aliases: ['aarch64'],
    node: 'arm64',
    crossCompile: 'aarch64-linux-gnu-',
    image: 'arch/arm64/boot/Image',
    syzTarget: 'linux/arm64',
    guest: {
      qemu: 'qemu-system-aarch64',
      qemuPackage: 'qemu-system-arm',
      machine: ['-machine', 'virt'],
      tcgCpu: ['-cpu', 'cortex-a57'],
      console: 'ttyAMA0',
      kvmHosts: ['arm64'],
      // The arm64 Image header's magic "ARM\x64" at 0x38 (Documentation/arm64/booting.rst).
      imageMagic: { offset: 0x38, magic: 'ARM\x64' },
      kernelDescription: 'an arm64 Image (arch/arm64/boot/Image)',
    },
  },
  {
    kernel: 'i386',
    srcArch: 'x86',
    debian: 'i386',
    aliases: [],
    node: 'ia32',
    crossCompile: 'i686-linux-gnu-',
    image: 'arch/x86/boot/bzImage',
    syzTarget: 'linux/386',
  },
  {
    kernel: 'arm',
    srcArch: 'arm',
    debian: 'armhf',
    aliases: ['armel'],
    node: 'arm',
    crossCompile: 'arm-linux-gnueabihf-',
    image: 'arch/arm/boot/zImage',
    syzTarget: 'linux/arm',
  },
  {
    kernel: 'powerpc',
    srcArch: 'powerpc',
    debian: 'ppc64el',
    aliases: ['ppc64', 'ppc64le'],
    node: 'ppc64',
    crossCompile: 'powerpc64le-linux-gnu-',
    image: 'vmlinux',
    syzTarget: 'linux/ppc64le',
  },
  {
    kernel: 's390',
    srcArch: 's390',
    debian: 's390x',
    aliases: [],
    node: 's390x',
    crossCompile: 's390x-linux-gnu-',
    image: 'arch/s390/boot/bzImage',
    syzTarget: 'linux/s390x',
  },
  {
    kernel: 'mips',
    srcArch: 'mips',
    debian: 'mips64el',
    aliases: ['mipsel'],
    node: 'mips64el',
    crossCompile: 'mips64el-linux-gnuabi64-',
    image: 'vmlinux',
    syzTarget: 'linux/mips64le',
  },
  {
    kernel: 'riscv',
    srcArch: 'riscv',
    debian: 'riscv64',
    aliases: [],
    node: 'riscv64',
    crossCompile: 'riscv64-linux-gnu-',
    image: 'arch/riscv/boot/Image',
    syzTarget: 'linux/riscv64',
  },
];

const names = (a: ArchFacts) => [a.kernel, a.debian, ...a.aliases];

/** The row for a Debian, kernel or alias name, or undefined. */
export function findArch(name: string): ArchFacts | undefined {
  return ARCH_TABLE.find((a) => names(a).includes(name));
}

/** The row for a name, or an input error listing the names kdk knows (`flag` names the option in it). */
export function archFacts(name: string, flag = '--arch'): ArchFacts {
  const a = findArch(name);
  if (!a) throw inputError(`${flag}: unknown architecture '${name}' (${ARCH_TABLE.flatMap(names).join(', ')})`);
  return a;
}

/** make's ARCH for any name; a name not in the table is given to make as is (kconfig takes any ARCH). */
export function kernelArch(name: string): string {
  return findArch(name)?.kernel ?? name;
}

/** SRCARCH (arch/<dir>) as the top Makefile derives it from ARCH. */
export function srcArch(name: string): string {
  const a = findArch(name);
  if (a) return a.srcArch;
  if (name === 'sparc32' || name === 'sparc64') return 'sparc';
  if (name === 'parisc64') return 'parisc';
  if (name === 'sh64') return 'sh';
  return name;
}

/** Debian's name for an architecture (amd64 for x86_64), or the name as is. */
export function debianArch(name: string): string {
  return findArch(name)?.debian ?? name;
}

/** The machine kdk runs on (x86_64 when Node reports an architecture the table lacks). */
export function hostArch(): ArchFacts {
  return ARCH_TABLE.find((a) => a.node === process.arch) ?? ARCH_TABLE[0];
}

/** The architecture of a .config, from the symbol only that architecture's Kconfig defines. */
export function configArch(configText: string): string | undefined {
  if (/^CONFIG_X86_64=y$/m.test(configText)) return 'x86_64';
  if (/^CONFIG_ARM64=y$/m.test(configText)) return 'arm64';
  if (/^CONFIG_X86_32=y$/m.test(configText)) return 'i386';
  return undefined;
}

// Guests: the architectures kdk boots (rows with guest facts), keyed by the kernel's name.
export type GuestArch = 'x86_64' | 'arm64';

export interface ArchProfile extends Omit<GuestFacts, 'imageMagic'> {
  arch: GuestArch;
  /** Recognise a bootable kernel image for this arch. */
  isKernelImage(head: Buffer): boolean;
}

function guestProfile(a: ArchFacts): ArchProfile {
  const { imageMagic, ...g } = a.guest!;
  const { offset, magic } = imageMagic;
  return {
    arch: a.kernel as GuestArch,
    ...g,
    isKernelImage: (h) =>
      h.length >= offset + magic.length && h.toString('latin1', offset, offset + magic.length) === magic,
  };
}

export const ARCHES = Object.fromEntries(
  ARCH_TABLE.filter((a) => a.guest).map((a) => [a.kernel, guestProfile(a)]),
) as Record<GuestArch, ArchProfile>;

/** The guest profile for a Debian or kernel name (amd64 or x86_64). */
export function archProfile(name: string): ArchProfile {
  const p = (ARCHES as Record<string, ArchProfile | undefined>)[findArch(name)?.kernel ?? name];
  if (!p) throw inputError(`unknown guest architecture '${name}' (known: ${guestNames().join(', ')})`);
  return p;
}

/**
 * The one default architecture: every --arch, bundle and build without one means this machine's (x86_64 here),
 * and the guest default is it when kdk can boot it, else x86_64 (the architecture every kdk test kernel is).
 */
export const DEFAULT_ARCH: ArchFacts = hostArch();
export const DEFAULT_GUEST_ARCH: GuestArch = (DEFAULT_ARCH.guest ? DEFAULT_ARCH.kernel : 'x86_64') as GuestArch;

/** A guest architecture from a Debian or kernel name, or undefined when kdk cannot boot it. */
export function guestArchOf(name: string): GuestArch | undefined {
  const a = findArch(name);
  return a?.guest ? (a.kernel as GuestArch) : undefined;
}

/** Names a guest architecture may be given by. */
export function guestNames(): string[] {
  return ARCH_TABLE.filter((a) => a.guest).flatMap(names);
}
