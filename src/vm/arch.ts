// What differs between guest architectures: the QEMU binary, machine, CPU, serial console and kernel format.
// x86_64 is what runs today; arm64 is described here so the runner needs no change to use it.

export type GuestArch = 'x86_64' | 'arm64';

export interface ArchProfile {
  arch: GuestArch;
  qemu: string;
  /** Debian package that ships the QEMU binary. */
  qemuPackage: string;
  machine: string[];
  /** CPU for TCG; under KVM the default model is used (`-cpu host` aborts on some hosts, see accel.ts). */
  tcgCpu: string[];
  console: string;
  /** Host architectures (`process.arch`) on which KVM can run this guest. */
  kvmHosts: string[];
  /** Recognise a bootable kernel image for this arch. */
  isKernelImage(head: Buffer): boolean;
  kernelDescription: string;
}

export const ARCHES: Record<GuestArch, ArchProfile> = {
  x86_64: {
    arch: 'x86_64',
    qemu: 'qemu-system-x86_64',
    qemuPackage: 'qemu-system-x86',
    machine: [],
    tcgCpu: [],
    console: 'ttyS0',
    kvmHosts: ['x64'],
    // The boot protocol header: "HdrS" at 0x202 (Documentation/x86/boot.rst).
    isKernelImage: (h) => h.length > 0x206 && h.toString('latin1', 0x202, 0x206) === 'HdrS',
    kernelDescription: 'an x86 bzImage (arch/x86/boot/bzImage or /boot/vmlinuz-*)',
  },
  arm64: {
    arch: 'arm64',
    qemu: 'qemu-system-aarch64',
    qemuPackage: 'qemu-system-arm',
    machine: ['-machine', 'virt'],
    tcgCpu: ['-cpu', 'cortex-a57'],
    console: 'ttyAMA0',
    kvmHosts: ['arm64'],
    // The arm64 Image header's magic "ARM\x64" at 0x38 (Documentation/arm64/booting.rst).
    isKernelImage: (h) => h.length > 0x3c && h.toString('latin1', 0x38, 0x3c) === 'ARM\x64',
    kernelDescription: 'an arm64 Image (arch/arm64/boot/Image)',
  },
};

export function archProfile(arch: string): ArchProfile {
  const p = (ARCHES as Record<string, ArchProfile | undefined>)[arch];
  if (!p) throw new Error(`unknown guest architecture ${arch} (known: ${Object.keys(ARCHES).join(', ')})`);
  return p;
}
