// The BuildRecord (docs/conventions.md): what one kernel build cost and produced. Written atomically next to
// the build and into the builds cache, where `kdk plan` reads build-time ratios from.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { cacheDir } from '../util/cache.js';
import { writeFileAtomic } from '../util/atomic.js';

export const BuildRecord = z.object({
  flavour: z.string(),
  /** The debug profiles applied ('' for a plain build): the plan pairs plain and debug builds of one base. */
  profile: z.string(),
  base: z.string(),
  arch: z.string(),
  kernelVersion: z.string(),
  configHash: z.string(),
  start: z.string(),
  end: z.string(),
  wallSeconds: z.number(),
  cpuSeconds: z.number(),
  jobs: z.number(),
  /** The make goals ('bindeb-pkg', 'bzImage modules', 'kernel/ mm/'): ratios only pair builds of the same goals. */
  target: z.string().optional(),
  ccache: z.object({ hits: z.number(), misses: z.number(), hitRate: z.number() }).nullable(),
  artifacts: z.record(z.string(), z.number()),
  /** Build steps make printed (CC, LD, ...): the next build's progress total. */
  steps: z.number().optional(),
  exitStatus: z.number(),
  error: z.string().optional(),
});
export type BuildRecord = z.infer<typeof BuildRecord>;

export function recordsDir(): string {
  return cacheDir('builds');
}

export function saveRecord(rec: BuildRecord, alsoAt?: string): string {
  const name = `${rec.flavour}-${rec.configHash}-${rec.start.replace(/[:.]/g, '')}.json`;
  const path = join(recordsDir(), name);
  const text = JSON.stringify(rec, null, 2) + '\n';
  writeFileAtomic(path, text);
  if (alsoAt) writeFileAtomic(alsoAt, text);
  return path;
}

export function loadRecords(dir = recordsDir()): BuildRecord[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => {
      const r = BuildRecord.safeParse(JSON.parse(readFileSync(join(dir, f), 'utf8')));
      return r.success ? [r.data] : [];
    });
}

/** Most objects really compiled: a warm ccache measures the cache, not the build, so it cannot give a ratio. */
export const COLD_HIT_RATE = 0.2;

const cold = (r: BuildRecord) => !r.ccache || r.ccache.hitRate < COLD_HIT_RATE;

/**
 * Debug/plain ratios from successful cold builds of the same base and make goals: CPU time, and image size
 * where both builds made an image (a `kernel/ mm/` sample has none: size is then undefined, not 1). Undefined
 * when no such pair exists yet.
 */
export function debugRatios(
  records: BuildRecord[],
): { build: number; size: number | undefined; pairs: number } | undefined {
  const ok = records.filter((r) => r.exitStatus === 0 && cold(r));
  const goals = (r: BuildRecord) => r.target ?? 'bindeb-pkg';
  const img = (r: BuildRecord) => r.artifacts.bzImage ?? r.artifacts.vmlinux ?? 0;
  // Directory samples (`mm/`) share the host tools and `prepare` with the plain build and never link vmlinux,
  // so they understate the ratio (1.6-1.9 against 3.3 for the whole syzbot kernel): only whole kernels count,
  // and without one the plan keeps its default, itself a measured whole-kernel ratio.
  const sample = (r: BuildRecord) =>
    goals(r)
      .split(/\s+/)
      .every((g) => g.endsWith('/'));
  const pairs = ok
    .filter((r) => r.profile !== '')
    .flatMap((d) => {
      const p = ok
        .filter((r) => r.profile === '' && r.base === d.base && r.arch === d.arch && goals(r) === goals(d))
        .at(-1);
      return p && p.cpuSeconds ? [{ d, p }] : [];
    });
  const whole = pairs.filter(({ d }) => !sample(d));
  const builds: number[] = [];
  const sizes: number[] = [];
  for (const { d, p } of whole) {
    builds.push(d.cpuSeconds / p.cpuSeconds);
    if (img(p) && img(d)) sizes.push(img(d) / img(p));
  }
  if (!builds.length) return undefined;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { build: mean(builds), size: sizes.length ? mean(sizes) : undefined, pairs: builds.length };
}
