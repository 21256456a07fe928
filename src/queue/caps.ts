// What a worker can do, advertised in kdk_queue.workers and turned into the pg-boss queues it polls: the guest
// arches whose QEMU it has, the accelerator the real probe found (KVM only when a guest really boots under
// it), its cores, and the kernel source trees already unpacked in its cache.
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import { ARCHES, chooseAccel, type AccelVerdict, type GuestArch } from '../vm/index.js';
import { cacheRoot } from '../util/cache.js';
import { which } from '../util/proc.js';
import { hostArch } from '../util/arch.js';
import { KINDS, queueOf, type JobKind } from './kinds.js';

export interface WorkerCaps {
  host: string;
  /** The host's own arch (builds run natively). */
  hostArch: string;
  /** Guest arches this worker can boot (their QEMU is installed). */
  arches: GuestArch[];
  accel: Pick<AccelVerdict, 'accel' | 'reason' | 'source'>;
  cores: number;
  trees: string[];
  kinds: JobKind[];
  slots: number;
}

/** The newest kernel in /boot, to run the accelerator probe with (the probe boots a real guest). */
function probeKernel(): string | undefined {
  if (!existsSync('/boot')) return undefined;
  const k = readdirSync('/boot')
    .filter((n) => n.startsWith('vmlinuz-'))
    .sort()
    .at(-1);
  return k && join('/boot', k);
}

export async function workerCaps(kinds: JobKind[], slots: number, log: (l: string) => void): Promise<WorkerCaps> {
  const arches = (Object.keys(ARCHES) as GuestArch[]).filter((a) => which(ARCHES[a].qemu));
  const native = hostArch().kernel as GuestArch;
  const kernel = probeKernel();
  let accel: WorkerCaps['accel'] = { accel: 'tcg', reason: 'no kernel in /boot to probe KVM with', source: 'static' };
  if (kernel && arches.includes(native)) {
    const v = await chooseAccel(kernel, native, log);
    accel = { accel: v.accel, reason: v.reason, source: v.source };
  }
  const treesDir = join(cacheRoot(), 'trees');
  const trees = existsSync(treesDir) ? readdirSync(treesDir).filter((n) => !n.startsWith('.')) : [];
  return { host: hostname(), hostArch: native, arches, accel, cores: availableParallelism(), trees, kinds, slots };
}

/** The queues a worker polls: each kind for each arch it boots (builds: its own arch), KVM queues with KVM. */
export function queuesFor(caps: WorkerCaps): string[] {
  const out: string[] = [];
  for (const kind of caps.kinds) {
    const arches = kind === 'build' ? [caps.hostArch as GuestArch] : caps.arches;
    for (const arch of arches) {
      out.push(queueOf({ kind, arch, kvm: false }));
      if (kind !== 'build' && arch === caps.hostArch && caps.accel.accel === 'kvm')
        out.push(queueOf({ kind, arch, kvm: true }));
    }
  }
  return out;
}

export function parseKinds(s: string | undefined): JobKind[] {
  if (!s) return [...KINDS];
  return s.split(',').map((k) => k.trim()) as JobKind[];
}
