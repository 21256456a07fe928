// The plan stage's public API: measured inputs, the cost model under each strategy, and the chart.
import { join } from 'node:path';
import { inputError } from '../util/errors.js';
import { debianPackaging } from '../distro/index.js';
import { debugRatios, loadRecords } from '../build/index.js';
import { measuredSizes, BOOKWORM_RELEASE_ARCHS, type MeasuredSizes } from './packages.js';
import {
  costStrategy,
  currentPerUpload,
  DEFAULT_PARAMS,
  STRATEGIES,
  SUITES,
  type PlanParams,
  type Suite,
  type StrategyCost,
  type ArchiveSizes,
} from './model.js';
import { defaultFlavours } from './defaults.js';
export { strategyChart } from './chart.js';
export { detectorOf, MVP_DETECTORS, type MvpDetector } from './mvp-detectors.js';
export { selectDetectors, type DetectorChoice, type Selection } from './mvp-select.js';
export { planMvp, parseBudget, defaultMvpBudget, debianBaseConfig } from './mvp.js';
export type { MvpPlan, MvpRow, MvpBudget, MvpCatchesInput } from './mvp.js';
export { MVP_ROWS, MVP_COST_NAMES, rowDetector, type MvpRowName, type MvpCostName, type Figure } from './mvp-costs.js';
export { measuredCosts, rowsOfProfile, type StoreBuild, type StoreRun, type MeasuredCosts } from './mvp-store.js';
export { mvpChart } from './chart-mvp.js';
export { mvpTableLines, budgetText } from './mvp-render.js';
export { STRATEGIES, SUITES, DEFAULT_PARAMS } from './model.js';
export type { PlanParams, StrategyCost, Strategy, ArchiveSizes } from './model.js';
export { measuredSizes, kernelSizesFromPackages, BOOKWORM_RELEASE_ARCHS } from './packages.js';

export interface PlanResult {
  inputs: {
    sizes: MeasuredSizes;
    defaultFlavours: Record<string, string>;
    current: ReturnType<typeof currentPerUpload>;
    params: PlanParams;
    archive?: ArchiveSizes;
  };
  strategies: StrategyCost[];
}

/** Parse `suite=N,suite=N` overrides onto a per-suite table. */
export function parseSuiteTable(text: string, base: Record<Suite, number>, flag: string): Record<Suite, number> {
  const out = { ...base };
  for (const part of text.split(',').filter(Boolean)) {
    const m = /^([a-z]+)=(\d+(?:\.\d+)?)$/.exec(part.trim());
    if (!m || !(SUITES as readonly string[]).includes(m[1])) {
      throw inputError(`${flag}: expected suite=N with suite one of ${SUITES.join(', ')}, got '${part}'`);
    }
    out[m[1] as Suite] = Number(m[2]);
  }
  return out;
}

export function makePlan(opts: {
  strategies?: string[];
  params?: Partial<PlanParams>;
  refresh?: boolean;
  log?: (l: string) => void;
  sizes?: MeasuredSizes;
  /** A published debug archive's measured sizes (the separate-archive strategies use them). */
  archive?: ArchiveSizes;
}): PlanResult {
  const names = opts.strategies?.length ? opts.strategies : STRATEGIES.map((s) => s.name);
  const chosen = names.map((n) => {
    const s = STRATEGIES.find((x) => x.name === n);
    if (!s) throw inputError(`unknown strategy '${n}' (${STRATEGIES.map((x) => x.name).join(', ')})`);
    return s;
  });
  const params: PlanParams = { ...DEFAULT_PARAMS, ...opts.params };
  if (opts.params?.buildRatio === undefined && opts.params?.sizeRatio === undefined) {
    const r = debugRatios(loadRecords());
    if (r) {
      params.buildRatio = r.build;
      if (r.size !== undefined) params.sizeRatio = r.size;
      params.ratioSource =
        `kdk build records (${r.pairs} plain/debug pair(s) of the same base` +
        (r.size === undefined ? '; no images in them: size ratio is the default)' : ')');
    }
  } else params.ratioSource = 'command line';
  const sizes = opts.sizes ?? measuredSizes({ refresh: opts.refresh, log: opts.log, archs: BOOKWORM_RELEASE_ARCHS });
  const defaults = defaultFlavours(join(debianPackaging({ log: opts.log }).dir, 'debian'), Object.keys(sizes.archs));
  return {
    inputs: { sizes, defaultFlavours: defaults, current: currentPerUpload(sizes), params, archive: opts.archive },
    strategies: chosen.map((s) => costStrategy(s, sizes, defaults, params, opts.archive)),
  };
}
