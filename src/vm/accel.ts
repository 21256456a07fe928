// Which accelerator to run guests with, decided by a real probe boot rather than by /dev/kvm existing: on some
// hosts /dev/kvm is there but a KVM guest hangs right after the boot loader. The verdict is cached per host
// (hostname, CPU, host kernel, QEMU version, guest arch) under cacheDir('probes').
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { hostname, release } from 'node:os';
import { join } from 'node:path';
import { findOnPath } from './path.js';
import { cacheDir, hashOf } from '../util/cache.js';
import { writeFileAtomic } from '../util/atomic.js';
import { buildInitramfs } from '../image/index.js';
import { archProfile, DEFAULT_GUEST_ARCH, type ArchProfile, type GuestArch } from '../util/arch.js';
import { runVm } from './runner.js';
import type { Accel } from './types.js';

export interface AccelVerdict {
  accel: Accel;
  /** Why: the probe's outcome in words. */
  reason: string;
  /** 'probe' when measured now, 'cache' when read from an earlier probe, 'forced' from KDK_ACCEL/--accel. */
  source: 'probe' | 'cache' | 'forced' | 'static';
  host: string;
  kvmBootSeconds?: number;
  tcgBootSeconds?: number;
  probedAt?: string;
}

/** Seconds a KVM probe boot may take: a working KVM reaches userspace in a second or two. */
export const PROBE_TIMEOUT_S = 15;
/** Seconds the TCG boot that confirms a KVM failure may take. TCG is the slow path by nature (4 s quiet here,
 * past 15 s on a loaded machine): under the KVM bound nothing was cached under load, so every job probed again. */
export const TCG_CONFIRM_TIMEOUT_S = 180;

/** The two probe bounds; a test shortens the KVM one to show a slow TCG boot still settles the verdict. */
export interface ProbeLimits {
  kvmS: number;
  tcgS: number;
}

function hostKey(profile: ArchProfile): { key: string; host: string } {
  const cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown-cpu';
  // The QEMU binary's identity by path, size and mtime: running `--version` costs a few hundred ms per boot.
  const bin = findOnPath(profile.qemu);
  const st = bin ? statSync(bin) : undefined;
  const qemu = bin && st ? `${bin}:${st.size}:${Math.round(st.mtimeMs)}` : 'no-qemu';
  const host = `${hostname()} ${cpu} linux-${release()} ${qemu}`;
  return { key: hashOf(host, profile.arch).slice(0, 16), host };
}

function kvmUsable(profile: ArchProfile): string | undefined {
  if (!profile.kvmHosts.includes(process.arch))
    return `KVM cannot run ${profile.arch} guests on a ${process.arch} host`;
  if (!existsSync('/dev/kvm')) return '/dev/kvm does not exist';
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return '/dev/kvm is not accessible (add the user to group kvm)';
  }
  return undefined;
}

/**
 * The accelerator for `arch` on this host. A probe boots `kernel` to kdk's initramfs under KVM; if that fails,
 * a TCG boot of the same kernel must succeed before "KVM broken here" is cached (else the kernel is to blame).
 */
export async function chooseAccel(
  kernel: string,
  arch: GuestArch = DEFAULT_GUEST_ARCH,
  log: (l: string) => void = () => {},
  limits: ProbeLimits = { kvmS: PROBE_TIMEOUT_S, tcgS: TCG_CONFIRM_TIMEOUT_S },
): Promise<AccelVerdict> {
  const profile = archProfile(arch);
  const { key, host } = hostKey(profile);
  const forced = process.env.KDK_ACCEL;
  if (forced === 'kvm' || forced === 'tcg')
    return { accel: forced, reason: 'set by KDK_ACCEL', source: 'forced', host };
  const cacheFile = join(cacheDir('probes'), `accel-${key}.json`);
  if (existsSync(cacheFile)) {
    const v = JSON.parse(readFileSync(cacheFile, 'utf8')) as AccelVerdict;
    return { ...v, source: 'cache' };
  }
  const unusable = kvmUsable(profile);
  if (unusable) return { accel: 'tcg', reason: unusable, source: 'static', host };
  const initramfs = buildInitramfs([], log);
  const probe = (accel: Accel) => {
    const boundS = accel === 'kvm' ? limits.kvmS : limits.tcgS;
    return runVm({ kernel, arch, initramfs, bootTimeoutS: boundS, silenceS: boundS, runTimeoutS: 10 }, accel);
  };
  log(`kdk: probing the accelerator: booting ${kernel} under KVM (at most ${limits.kvmS} s)`);
  const kvm = await probe('kvm');
  let verdict: AccelVerdict;
  if (kvm.booted) {
    verdict = {
      accel: 'kvm',
      reason: `KVM guest reached userspace in ${kvm.bootSeconds!.toFixed(1)} s`,
      source: 'probe',
      host,
      kvmBootSeconds: kvm.bootSeconds,
    };
  } else {
    log(`kdk: KVM probe failed (${kvm.reason}); checking that TCG boots the same kernel`);
    const tcg = await probe('tcg');
    verdict = {
      accel: 'tcg',
      reason: `KVM guest did not reach userspace (${kvm.reason}); TCG ${tcg.booted ? `did in ${tcg.bootSeconds!.toFixed(1)} s` : 'did not either'}`,
      source: 'probe',
      host,
      tcgBootSeconds: tcg.bootSeconds,
    };
    if (!tcg.booted) return verdict; // the kernel may be at fault: decide again next time
  }
  verdict.probedAt = new Date().toISOString();
  writeFileAtomic(cacheFile, JSON.stringify(verdict, null, 2) + '\n');
  return verdict;
}

export type AccelChoice = 'auto' | Accel;

/** `kvm`/`tcg` force the accelerator; `auto` asks the per-host probe (which boots `kernel` once per host). */
export async function resolveAccel(
  choice: AccelChoice,
  kernel: string,
  arch: GuestArch,
  log: (l: string) => void,
): Promise<AccelVerdict> {
  if (choice === 'kvm' || choice === 'tcg')
    return { accel: choice, reason: 'set by --accel', source: 'forced', host: '' };
  const v = await chooseAccel(kernel, arch, log);
  log(`kdk: accelerator: ${v.accel} (${v.source}: ${v.reason})`);
  return v;
}
