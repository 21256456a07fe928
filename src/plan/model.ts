// The cost model: architectures × suites × versions kept × the debug flavour → build hours, archive GB and
// mirror traffic GB per upload and per year, under each rollout strategy. Sizes are measured (apt's Packages
// indexes); build-time and size ratios come from kdk's build records when present; the rest are stated,
// user-changeable parameters, all echoed in the result.
import type { MeasuredSizes, FlavourSizes } from './packages.js';

/** The budgets `kdk plan mvp --budget` takes (here, not in mvp-costs.ts, because the CLI's help needs them). */
export const MVP_COST_NAMES = ['build-hours', 'image-mb', 'boot-s', 'memory-mb'] as const;
export type MvpCostName = (typeof MVP_COST_NAMES)[number];

export const SUITES = ['unstable', 'testing', 'stable', 'backports', 'security'] as const;
export type Suite = (typeof SUITES)[number];

export interface PlanParams {
  /**
   * Kernel uploads per year built for each suite. testing defaults to 0: it receives unstable's binaries by
   * migration (no new build, no new pool files); set it when testing gets its own uploads (t-p-u).
   */
  uploadsPerYear: Record<Suite, number>;
  /** Versions of the package kept in each suite at once (archive storage). */
  versionsKept: Record<Suite, number>;
  mirrors: number;
  /** Build hours of one plain flavour build on a buildd (not measurable here). */
  baseBuildHours: number;
  /** Debug/plain build-time ratio. */
  buildRatio: number;
  /** Debug/plain package size ratio (KASAN inline and debug options grow image and -dbg). */
  sizeRatio: number;
  /** Where buildRatio/sizeRatio came from. */
  ratioSource: string;
}

// The syzbot flavour's whole-kernel CPU ratio measured on the small base (docs/flavour.md, 2026-12-02).
const DEFAULT_BUILD_RATIO = 3.3;

export const DEFAULT_PARAMS: PlanParams = {
  uploadsPerYear: { unstable: 30, testing: 0, stable: 4, backports: 10, security: 12 },
  versionsKept: { unstable: 1, testing: 1, stable: 1, backports: 1, security: 1 },
  mirrors: 300,
  baseBuildHours: 2,
  buildRatio: DEFAULT_BUILD_RATIO,
  sizeRatio: 1.5,
  ratioSource: `defaults (build ratio ${DEFAULT_BUILD_RATIO}: syzbot, whole kernel, docs/flavour.md; no paired kdk build records here)`,
};

export interface Strategy {
  name: string;
  description: string;
  archs: 'all' | string[];
  suites: Suite[];
  mirrored: boolean;
  dbg: boolean;
}

export const STRATEGIES: Strategy[] = [
  {
    name: 'all-archs',
    description: 'debug flavour for every release arch in main, all suites, with -dbg, on the mirrors',
    archs: 'all',
    suites: [...SUITES],
    mirrored: true,
    dbg: true,
  },
  {
    name: 'amd64-arm64-dev',
    description: 'amd64 and arm64 only, on unstable and testing only',
    archs: ['amd64', 'arm64'],
    suites: ['unstable', 'testing'],
    mirrored: true,
    dbg: true,
  },
  {
    name: 'separate-archive',
    description: 'every arch and suite, in a separate debug archive not pushed to mirrors',
    archs: 'all',
    suites: [...SUITES],
    mirrored: false,
    dbg: true,
  },
  {
    name: 'no-dbg',
    description: 'every arch and suite on the mirrors, but no -dbg package for the debug flavour',
    archs: 'all',
    suites: [...SUITES],
    mirrored: true,
    dbg: false,
  },
  {
    name: 'combined',
    description: 'amd64+arm64, unstable/testing, separate archive, no -dbg',
    archs: ['amd64', 'arm64'],
    suites: ['unstable', 'testing'],
    mirrored: false,
    dbg: false,
  },
];

/**
 * Measured per-upload .deb sizes of the debug flavour itself, per architecture (from `kdk publish`'s repository):
 * the separate-archive strategies use them instead of Debian's sizes × the size ratio for the archs they cover.
 */
export interface ArchiveSizes {
  source: string;
  archs: Record<string, { image: number; dbg: number; headers: number }>;
}

export interface StrategyCost {
  strategy: string;
  description: string;
  archs: string[];
  suites: Suite[];
  perUpload: { buildHours: number; archiveGB: number; mirrorTrafficGB: number };
  perYear: { buildHours: number; archiveGrowthGB: number; mirrorTrafficGB: number };
  /** Storage held at any time: versions kept per suite. */
  archiveSteadyGB: number;
  dbgShare: number;
  /** Archs whose sizes were measured in a published repository rather than estimated. */
  measuredArchs?: string[];
}

const GB = 1e9;

/** The debug flavour's packages for one arch: its default flavour's measured sizes × the size ratio. */
export function debugFlavourBytes(f: FlavourSizes, p: PlanParams, dbg: boolean): { total: number; dbg: number } {
  const d = dbg ? f.dbg * p.sizeRatio : 0;
  return { total: (f.image + f.headers) * p.sizeRatio + d, dbg: d };
}

export function costStrategy(
  s: Strategy,
  sizes: MeasuredSizes,
  defaults: Record<string, string>,
  p: PlanParams,
  archive?: ArchiveSizes,
): StrategyCost {
  const archs = (s.archs === 'all' ? Object.keys(sizes.archs) : s.archs).filter((a) => sizes.archs[a]?.length);
  let bytes = 0;
  let dbgBytes = 0;
  const measured: string[] = [];
  for (const a of archs) {
    const list = sizes.archs[a];
    const f = list.find((x) => x.flavour === defaults[a]) ?? list[0];
    // A separate archive's own published packages are the debug flavour already: no ratio applies.
    const pub = !s.mirrored ? archive?.archs[a] : undefined;
    if (pub) measured.push(a);
    const b = pub
      ? { total: pub.image + pub.headers + (s.dbg ? pub.dbg : 0), dbg: s.dbg ? pub.dbg : 0 }
      : debugFlavourBytes(f, p, s.dbg);
    bytes += b.total;
    dbgBytes += b.dbg;
  }
  const uploads = s.suites.reduce((n, su) => n + p.uploadsPerYear[su], 0);
  const kept = s.suites.reduce((n, su) => n + p.versionsKept[su], 0);
  const buildHours = archs.length * p.baseBuildHours * p.buildRatio;
  const mirrorGB = s.mirrored ? (bytes * p.mirrors) / GB : 0;
  return {
    strategy: s.name,
    description: s.description,
    archs,
    suites: s.suites,
    perUpload: { buildHours, archiveGB: bytes / GB, mirrorTrafficGB: mirrorGB },
    perYear: {
      buildHours: buildHours * uploads,
      archiveGrowthGB: (bytes * uploads) / GB,
      mirrorTrafficGB: mirrorGB * uploads,
    },
    archiveSteadyGB: (bytes * kept) / GB,
    dbgShare: bytes ? dbgBytes / bytes : 0,
    ...(measured.length ? { measuredArchs: measured } : {}),
  };
}

/** What the archive carries today per upload for all flavours (the measured baseline the issue quotes). */
export function currentPerUpload(sizes: MeasuredSizes): {
  archs: number;
  flavours: number;
  GB: number;
  dbgShare: number;
} {
  const all = Object.values(sizes.archs).flat();
  const total = all.reduce((n, f) => n + f.image + f.dbg + f.headers, 0);
  const dbg = all.reduce((n, f) => n + f.dbg, 0);
  return {
    archs: Object.keys(sizes.archs).length,
    flavours: all.length,
    GB: total / GB,
    dbgShare: total ? dbg / total : 0,
  };
}
