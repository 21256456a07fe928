// The QEMU command line for one VM: no default devices, serial console on stdio, -no-reboot so a guest reset
// (kdk's /init ends with one, as does panic=-1) ends QEMU.
import type { ArchProfile } from '../util/arch.js';
import type { Accel } from './types.js';

export interface QemuArgsInput {
  profile: ArchProfile;
  accel: Accel;
  kernel: string;
  initramfs?: string;
  image?: string;
  append?: string;
  memoryMb: number;
  smp: number;
  gdbPort?: number;
  sshPort?: number;
  hold?: boolean;
}

/** kdk's part of the kernel command line; the user's --append comes after it and so wins. */
export function kernelCmdline(i: QemuArgsInput): string {
  const parts = [`console=${i.profile.console}`, 'panic=-1', 'nokaslr'];
  if (i.image) parts.push('root=/dev/vda', 'rw', 'net.ifnames=0');
  if (i.hold) parts.push('kdk.hold=1');
  if (i.append) parts.push(i.append);
  return parts.join(' ');
}

export function qemuArgs(i: QemuArgsInput): string[] {
  const args = ['-accel', i.accel, ...i.profile.machine];
  if (i.accel === 'tcg') args.push(...i.profile.tcgCpu);
  args.push('-m', String(i.memoryMb), '-smp', String(i.smp));
  args.push('-nodefaults', '-no-user-config', '-display', 'none', '-serial', 'stdio', '-no-reboot');
  args.push('-kernel', i.kernel, '-append', kernelCmdline(i));
  if (i.initramfs) args.push('-initrd', i.initramfs);
  if (i.image) args.push('-drive', `file=${i.image},format=raw,if=virtio,snapshot=on`);
  if (i.sshPort) {
    args.push('-netdev', `user,id=net0,hostfwd=tcp:127.0.0.1:${i.sshPort}-:22`);
    args.push('-device', 'virtio-net-pci,netdev=net0');
  }
  if (i.gdbPort) args.push('-gdb', `tcp:127.0.0.1:${i.gdbPort}`);
  return args;
}
