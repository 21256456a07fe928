// The job kinds and their inputs. Inputs name files by sha256 in the artifact store, so a job means the same
// work on every worker, and its identity is the hash of its inputs: the same work submitted twice is one job.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ARCHES, type GuestArch } from '../util/arch.js';

export const KINDS = ['build', 'boot', 'run', 'repro'] as const;
export type JobKind = (typeof KINDS)[number];

const Sha = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex');
const Artifact = z.object({ sha256: Sha, name: z.string().max(200) });
// The guests the arch table can boot (util/arch.ts), by the kernel's name: the spec is normalised before hashing.
const Guest = z.enum(Object.keys(ARCHES) as [GuestArch, ...GuestArch[]]);
const Vm = {
  arch: Guest,
  /** Needs KVM (a worker whose probe found KVM working); otherwise any worker, KVM or TCG. */
  kvm: z.boolean().default(false),
  append: z.string().max(2000).optional(),
  memoryMb: z.number().int().positive().max(65536).optional(),
};

export const JobSpec = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('boot'),
    kernel: Artifact,
    kernelName: z.string(),
    timeoutS: z.number().positive(),
    ...Vm,
  }),
  z.object({
    kind: z.literal('run'),
    kernel: Artifact,
    kernelName: z.string(),
    repro: Artifact,
    repeat: z.number().int().positive().max(1000),
    timeoutS: z.number().positive(),
    ...Vm,
  }),
  z.object({
    kind: z.literal('repro'),
    /** The bundle directory as a tar archive. */
    bundle: Artifact,
    repeat: z.number().int().positive().max(1000).optional(),
    timeoutS: z.number().positive(),
    ...Vm,
  }),
  z.object({
    kind: z.literal('build'),
    /** The flavour directory (from kdk flavour) as a tar archive, without its build/ tree. */
    flavour: Artifact,
    target: z.string().max(200),
    jobs: z.number().int().positive().max(1024),
    sourceVersion: z.string().max(100).optional(),
    timeoutS: z.number().positive(),
    arch: Guest,
    kvm: z.boolean().default(false),
  }),
]);
export type JobSpec = z.infer<typeof JobSpec>;

/** JSON with keys sorted at every level: the same inputs always hash the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** A job's identity: what it computes, not what the files were called. */
export function jobKey(spec: JobSpec): string {
  const strip = (o: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(o).map(([k, v]) => [
        k,
        v && typeof v === 'object' && 'sha256' in v ? (v as { sha256: string }).sha256 : v,
      ]),
    );
  return createHash('sha256')
    .update('kdk-job-v1\0' + canonicalJson(strip(spec as unknown as Record<string, unknown>)))
    .digest('hex');
}

/** pg-boss wants a uuid: the key's first 128 bits shaped as one (version 8, "custom"), stable per key. */
export function jobIdOf(key: string): string {
  const h = key.slice(0, 32).split('');
  h[12] = '8';
  h[16] = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

/** Jobs go to one pg-boss queue per kind, guest arch and accelerator need; workers poll those they can serve. */
export function queueOf(spec: Pick<JobSpec, 'kind' | 'arch' | 'kvm'>): string {
  return `kdk-${spec.kind}-${spec.arch}${spec.kvm ? '-kvm' : ''}`;
}

/** A job's default timeout: its VM time with room for compiling the reproducer and fetching artifacts. */
export function jobTimeoutS(spec: JobSpec): number {
  if (spec.kind === 'run') return Math.ceil(spec.timeoutS * spec.repeat + 120);
  if (spec.kind === 'repro') return Math.ceil(spec.timeoutS * (spec.repeat ?? 3) + 120);
  return Math.ceil(spec.timeoutS + 60);
}
