// A syz-manager config for a built flavour with the QEMU VM type. Field names follow syzkaller's pkg/mgrconfig
// Config and vm/qemu Config structs; syzkaller rejects unknown fields, so the schemas are strict.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { inputError } from '../util/errors.js';
import { ARCH_TABLE, archFacts, hostArch } from '../util/arch.js';

export const QemuVmConfig = z
  .object({
    count: z.number().int().min(1).max(128),
    qemu: z.string().optional(),
    qemu_args: z.string().optional(),
    kernel: z.string().optional(),
    cmdline: z.string().optional(),
    initrd: z.string().optional(),
    image_device: z.string().optional(),
    network_device: z.string().optional(),
    cpu: z.number().int().min(1).max(1024),
    mem: z.number().int().min(128).max(1048576),
    snapshot: z.boolean().optional(),
  })
  .strict();

export const ManagerConfig = z
  .object({
    name: z.string().optional(),
    target: z.string().regex(/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/),
    http: z.string(),
    rpc: z.string().optional(),
    workdir: z.string(),
    kernel_obj: z.string(),
    kernel_src: z.string().optional(),
    kernel_build_src: z.string().optional(),
    tag: z.string().optional(),
    image: z.string(),
    sshkey: z.string(),
    ssh_user: z.string().optional(),
    syzkaller: z.string(),
    procs: z.number().int().min(1).max(32),
    sandbox: z.enum(['none', 'setuid', 'namespace', 'android']),
    cover: z.boolean(),
    reproduce: z.boolean(),
    enable_syscalls: z.array(z.string()).optional(),
    disable_syscalls: z.array(z.string()).optional(),
    suppressions: z.array(z.string()).optional(),
    ignores: z.array(z.string()).optional(),
    type: z.literal('qemu'),
    vm: QemuVmConfig,
  })
  .strict();
export type ManagerConfig = z.infer<typeof ManagerConfig>;

export interface ManagerConfigRequest {
  kernelObj: string;
  image: string;
  sshkey: string;
  workdir?: string;
  syzkaller?: string;
  arch?: string;
  vms?: number;
  cpu?: number;
  mem?: number;
  http?: string;
}

export function managerConfig(req: ManagerConfigRequest): ManagerConfig {
  const kernelObj = resolve(req.kernelObj);
  if (!existsSync(kernelObj) || !statSync(kernelObj).isDirectory()) {
    throw inputError(`--kernel-obj ${req.kernelObj}: not a directory (the kernel build dir holding vmlinux)`);
  }
  for (const [flag, p] of [
    ['--image', req.image],
    ['--sshkey', req.sshkey],
  ] as const) {
    if (!existsSync(p)) throw inputError(`${flag} ${p}: file not found`);
  }
  const facts = archFacts(req.arch ?? hostArch().debian);
  const target = facts.syzTarget;
  if (!target || !facts.guest) {
    const known = ARCH_TABLE.filter((a) => a.syzTarget && a.guest).map((a) => a.debian);
    throw inputError(`unsupported arch '${req.arch}' (${known.join(', ')})`);
  }
  const bzImage = resolve(kernelObj, facts.image);
  const cfg = {
    name: `kdk-${facts.debian}`,
    target,
    http: req.http ?? '127.0.0.1:56741',
    workdir: resolve(req.workdir ?? 'syz-workdir'),
    kernel_obj: kernelObj,
    image: resolve(req.image),
    sshkey: resolve(req.sshkey),
    syzkaller: resolve(req.syzkaller ?? process.env.SYZKALLER ?? 'syzkaller'),
    procs: 4,
    sandbox: 'namespace' as const,
    cover: true,
    reproduce: true,
    type: 'qemu' as const,
    vm: {
      count: req.vms ?? 2,
      kernel: bzImage,
      // syzkaller's qemu VM already adds panic_on_warn=1, oops=panic and friends; these are the flavour's own.
      cmdline: 'net.ifnames=0 page_owner=on',
      cpu: req.cpu ?? 2,
      mem: req.mem ?? 2048,
    },
  };
  return ManagerConfig.parse(cfg);
}
