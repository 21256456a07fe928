// What each detector of `kdk plan mvp` costs. The embedded defaults are measured, once, by
// scripts/measure-detectors.sh: one small kernel per detector (x86_64 tinyconfig + a serial-console base, the
// detector's options on top) built cold with no ccache and booted under QEMU TCG to the root-mount panic
// (docs/plan.md has the run); KMSAN, which needs clang, against a plain kernel built with the same clang. A
// store's build and run records replace them where a build enabled exactly that detector (mvp-store.ts). Every figure says which it is (`default` or `measured`) and where it came from.
import { MVP_DETECTORS, type MvpDetector } from './mvp-detectors.js';

/** The plan's rows: every detector, plus KASAN's outline mode (same catches as KASAN, other costs). */
export const MVP_ROWS = [...MVP_DETECTORS, 'KASAN_OUTLINE'] as const;
export type MvpRowName = (typeof MVP_ROWS)[number];

/** The detector whose catches a row has (a KASAN mode catches what KASAN catches). */
export const rowDetector = (r: MvpRowName): MvpDetector => (r === 'KASAN_OUTLINE' ? 'KASAN' : r);

/** The Kconfig options that make each row (all `=y`); the first ones decide whether a base config has it. */
export const ROW_OPTIONS: Record<MvpRowName, string[]> = {
  KASAN: ['KASAN', 'KASAN_GENERIC', 'KASAN_INLINE'],
  KASAN_OUTLINE: ['KASAN', 'KASAN_GENERIC', 'KASAN_OUTLINE'],
  KFENCE: ['KFENCE'],
  UBSAN: ['UBSAN', 'UBSAN_BOUNDS', 'UBSAN_SHIFT', 'UBSAN_DIV_ZERO', 'UBSAN_BOOL', 'UBSAN_ENUM'],
  LOCKDEP: ['PROVE_LOCKING'],
  KCSAN: ['KCSAN'],
  KMSAN: ['KMSAN'],
  KMEMLEAK: ['DEBUG_KMEMLEAK'],
  DEBUG_LIST: ['DEBUG_LIST'],
  FORTIFY_SOURCE: ['FORTIFY_SOURCE'],
  HARDENED_USERCOPY: ['HARDENED_USERCOPY'],
  DEBUG_OBJECTS: [
    'DEBUG_OBJECTS',
    'DEBUG_OBJECTS_FREE',
    'DEBUG_OBJECTS_TIMERS',
    'DEBUG_OBJECTS_WORK',
    'DEBUG_OBJECTS_RCU_HEAD',
  ],
  DEBUG_ATOMIC_SLEEP: ['DEBUG_ATOMIC_SLEEP'],
  DEBUG_PREEMPT: ['DEBUG_PREEMPT'],
};

/** Which options decide that a config (or a profile) has the row: KASAN's modes by their mode option. */
export const ROW_KEY: Record<MvpRowName, string[]> = Object.fromEntries(
  MVP_ROWS.map((r) => [
    r,
    r === 'KASAN'
      ? ['KASAN', 'KASAN_INLINE']
      : r === 'KASAN_OUTLINE'
        ? ['KASAN', 'KASAN_OUTLINE']
        : [ROW_OPTIONS[r][0]],
  ]),
) as Record<MvpRowName, string[]>;

// Kconfig's exclusions beyond the KASAN/KMSAN/KCSAN group mvp-select.ts knows: KASAN's two modes are one choice.
export const ROW_EXCLUDES: Partial<Record<MvpRowName, string[]>> = {
  KASAN_OUTLINE: ['KASAN', 'KMSAN', 'KCSAN'],
};

import { MVP_COST_NAMES, type MvpCostName } from './model.js';
export { MVP_COST_NAMES, type MvpCostName };

export interface Figure {
  value: number;
  source: 'measured' | 'default';
  from: string;
}

/** A detector's cost against the plain kernel: ratios for build CPU and image, added seconds and MB for boot. */
export interface DetectorFigures {
  buildRatio: Figure;
  imageRatio: Figure;
  bootSeconds: Figure;
  memoryMB: Figure;
}

/** One kernel of the small-base measurement (a line of scripts/measure-detectors.sh's results.jsonl). */
export interface SmallBaseKernel {
  cpuSeconds: number;
  bzImage: number;
  /**
   * The kernel's own timestamp of its panic for the missing init under TCG (2 vCPUs, 512 MB, no root file
   * system): its boot time. null when no boot reached init. QEMU's wall time is in docs/plan.md too; on this
   * loaded machine it varied more than the detectors.
   */
  bootSeconds: number | null;
  /** How bootSeconds was taken when not one boot: the median of several (docs/plan.md lists each). */
  boots?: string;
  /** KiB the kernel kept for itself: `Memory: A/T available` → T - A. */
  reservedK: number;
}

export const SMALL_BASE_RUN =
  'scripts/measure-detectors.sh on Debian linux-source-6.1 6.1.176-1, gcc 12.2, make -j2 on 2 shared cores, 2026-12-03';

// The measured kernels (results.jsonl of the run above; docs/plan.md lists them with their options).
export const SMALL_BASE: Partial<Record<MvpRowName | 'plain', SmallBaseKernel>> = {
  // BEGIN results
  plain: { cpuSeconds: 213.13, bzImage: 1090560, bootSeconds: 1.304054, reservedK: 523768 - 503464 },
  KASAN: { cpuSeconds: 288.41, bzImage: 1618944, bootSeconds: 1.900077, reservedK: 523768 - 421480 },
  KASAN_OUTLINE: { cpuSeconds: 217.23, bzImage: 1451008, bootSeconds: 2.135755, reservedK: 523768 - 421480 },
  KFENCE: { cpuSeconds: 233.88, bzImage: 1094656, bootSeconds: 1.368057, reservedK: 523768 - 501416 },
  UBSAN: { cpuSeconds: 224.68, bzImage: 1160192, bootSeconds: 1.363589, reservedK: 523768 - 503464 },
  LOCKDEP: { cpuSeconds: 239.55, bzImage: 1340416, bootSeconds: 1.708629, reservedK: 523768 - 491140 },
  // The run's KCSAN kernel panicked before init (the IO-APIC timer check, timing-dependent under TCG); the same
  // config rebuilt (255.92 CPU-s, the same bzImage) reached init in 9 of 9 boots: the median of its 5 boots with
  // the run's parameters (4 more with no_timer_check took as long). CPU seconds stay the run's.
  KCSAN: {
    cpuSeconds: 246.79,
    bzImage: 1303552,
    bootSeconds: 2.584092,
    boots: 'its rebuilt kernel, median of 5 boots (the first build panicked in the IO-APIC timer check under TCG)',
    reservedK: 523768 - 501416,
  },
  KMEMLEAK: { cpuSeconds: 243.01, bzImage: 1135616, bootSeconds: 1.592065, reservedK: 523768 - 497320 },
  DEBUG_OBJECTS: { cpuSeconds: 226.44, bzImage: 1094656, bootSeconds: 1.360056, reservedK: 523768 - 503464 },
  DEBUG_ATOMIC_SLEEP: { cpuSeconds: 246.33, bzImage: 1102848, bootSeconds: 1.296051, reservedK: 523768 - 503464 },
  DEBUG_PREEMPT: { cpuSeconds: 234.21, bzImage: 1098752, bootSeconds: 1.624067, reservedK: 523768 - 503464 },
  // END results
};

export const SMALL_BASE_CLANG_RUN =
  'scripts/measure-detectors.sh with LLVM=-14 (clang 14.0.6, lld 14) on the same tree and machine, 2026-12-03';

/**
 * Kernels built with clang (`LLVM=-14`): KMSAN needs it (lib/Kconfig.kmsan: HAVE_KMSAN_COMPILER is CC_IS_CLANG,
 * clang >= 14 and -fsanitize=kernel-memory), so its ratios and added seconds are against the plain small-base
 * kernel built the same way, not gcc's. Boot: the median of each kernel's boots at 512 MB (docs/plan.md).
 */
export const SMALL_BASE_CLANG: Partial<Record<MvpRowName | 'plain', SmallBaseKernel>> = {
  // BEGIN clang results
  plain: {
    cpuSeconds: 257.0,
    bzImage: 1160192,
    bootSeconds: 1.276047,
    boots: 'median of 5 boots',
    reservedK: 523768 - 503468,
  },
  KMSAN: {
    cpuSeconds: 377.4,
    bzImage: 3965952,
    bootSeconds: 7.784356,
    boots: 'median of 5 boots',
    // Its shadow and origin pages are kept from the page allocator: `Memory:` counts them as not available.
    reservedK: 523768 - 136072,
  },
  // END clang results
};

/**
 * Rows the small base cannot measure here, and the figure they take instead. KMSAN, where its clang kernel is
 * missing: it instruments every memory access like KASAN does, so KASAN's build, image and boot figures stand
 * for it (a lower bound: KMSAN also tracks origins), and it keeps two metadata pages (shadow, origin) for every
 * page of memory (Documentation/dev-tools/kmsan.rst), two thirds of the guest.
 */
const STAND_IN: Partial<Record<MvpRowName, { row: MvpRowName; why: string; memoryShare?: number }>> = {
  // Only where the row's own kernel is missing (a measured row wins).
  KMSAN: { row: 'KASAN', why: 'KMSAN needs clang; KASAN inline stands in (a lower bound)', memoryShare: 2 / 3 },
  KASAN_OUTLINE: { row: 'KASAN', why: 'KASAN outline not measured yet; KASAN inline stands in' },
};

/** The guest the small base booted in (its memory figures are MB at this size). */
export const GUEST_MB = 512;

/** Debian bookworm amd64's kernel image (vmlinuz-6.1.0-*-amd64, 8,247,232 bytes), the image-mb base. */
export const DEBIAN_IMAGE_MB = 8.25;

/** The plain kernel's own figures: the base every budget starts from. */
export function baseFigures(baseBuildHours: number): Record<MvpCostName, Figure> {
  const p = SMALL_BASE.plain!;
  return {
    'build-hours': {
      value: baseBuildHours,
      source: 'default',
      from: 'kdk plan --build-hours (one plain flavour build)',
    },
    'image-mb': { value: DEBIAN_IMAGE_MB, source: 'default', from: 'Debian bookworm amd64 vmlinuz-6.1.0-*-amd64' },
    'boot-s': {
      value: p.bootSeconds ?? 0,
      source: 'default',
      from: 'plain small-base kernel under TCG (docs/plan.md)',
    },
    'memory-mb': {
      value: p.reservedK / 1024,
      source: 'default',
      from: `plain small-base kernel, ${GUEST_MB} MB guest`,
    },
  };
}

/** The embedded default figures of one row. */
export function defaultFigures(row: MvpRowName): DetectorFigures {
  // A row measured with clang is compared with the clang plain kernel; every other with gcc's.
  const clang = SMALL_BASE_CLANG[row] !== undefined && SMALL_BASE_CLANG.plain !== undefined;
  const p = clang ? SMALL_BASE_CLANG.plain! : SMALL_BASE.plain!;
  const stand = clang || SMALL_BASE[row] ? undefined : STAND_IN[row];
  const k = clang ? SMALL_BASE_CLANG[row] : SMALL_BASE[stand?.row ?? row];
  const from = clang
    ? 'small-base kernels built with clang 14, against the clang plain kernel (docs/plan.md)'
    : stand
      ? `${stand.why} (small-base kernels, docs/plan.md)`
      : 'small-base kernels (docs/plan.md)';
  const fig = (value: number, note = from): Figure => ({ value, source: 'default', from: note });
  if (!k) {
    const none = 'not measured on the small base: no cost assumed';
    return { buildRatio: fig(1, none), imageRatio: fig(1, none), bootSeconds: fig(0, none), memoryMB: fig(0, none) };
  }
  const memory =
    stand?.memoryShare !== undefined
      ? fig(GUEST_MB * stand.memoryShare, `two metadata pages per page of a ${GUEST_MB} MB guest (kmsan.rst)`)
      : fig(Math.max(0, (k.reservedK - p.reservedK) / 1024));
  return {
    buildRatio: fig(k.cpuSeconds / p.cpuSeconds),
    imageRatio: fig(k.bzImage / p.bzImage),
    bootSeconds:
      k.bootSeconds === null
        ? fig(0, 'not measured: its small-base kernel panicked before init under TCG; no cost assumed')
        : fig(
            Math.max(0, k.bootSeconds - (p.bootSeconds ?? 0)),
            k.boots && !clang ? `small-base kernels; ${row}: ${k.boots} (docs/plan.md)` : from,
          ),
    memoryMB: memory,
  };
}

/** A row's costs in the budget's units: what it adds to the plain kernel's build hours, image MB, boot s, MB. */
export function rowCost(f: DetectorFigures, baseBuildHours: number): Record<MvpCostName, number> {
  return {
    'build-hours': baseBuildHours * Math.max(0, f.buildRatio.value - 1),
    'image-mb': DEBIAN_IMAGE_MB * Math.max(0, f.imageRatio.value - 1),
    'boot-s': Math.max(0, f.bootSeconds.value),
    'memory-mb': Math.max(0, f.memoryMB.value),
  };
}
