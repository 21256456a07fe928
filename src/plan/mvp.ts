// `kdk plan mvp` (issue 13): for each detector, what it catches (bugs owned, counted by the gap stage's
// mvpCatches from CVE records quoting a crash and syzkaller's crash corpus) and what it costs (mvp-costs.ts,
// measured figures from a store where there are some), then the detector set that catches the most distinct
// bugs within the budget (exact: mvp-select.ts). Detectors the base config already has (Debian ships
// FORTIFY_SOURCE, HARDENED_USERCOPY and DEBUG_LIST) cost nothing more and are always in.
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { inputError } from '../util/errors.js';
import { debianConfigs } from '../distro/index.js';
import { DEFAULT_PARAMS } from './model.js';
import { selectDetectors, type DetectorChoice } from './mvp-select.js';
import type { MvpDetector } from './mvp-detectors.js';
import {
  baseFigures,
  defaultFigures,
  MVP_COST_NAMES,
  MVP_ROWS,
  ROW_EXCLUDES,
  ROW_KEY,
  ROW_OPTIONS,
  rowCost,
  rowDetector,
  type DetectorFigures,
  type Figure,
  type MvpCostName,
  type MvpRowName,
} from './mvp-costs.js';
import type { MeasuredCosts } from './mvp-store.js';

export type MvpBudget = Partial<Record<MvpCostName, number>>;

/** What the gap stage's mvpCatches gives (only the parts the plan reads). */
export interface MvpCatchesInput {
  byDetector: Record<MvpDetector, ReadonlySet<string>>;
  none: number;
  sources: { cves: number; cvesWithCrash: number; corpusLogs: number; corpusReports: number; corpus?: string };
}

export interface MvpRow {
  detector: MvpRowName;
  options: string[];
  /** Distinct bugs it owns: CVE records and syzkaller corpus logs. */
  caught: number;
  cves: number;
  syzkaller: number;
  /** Bugs no other row catches (a KASAN mode's are KASAN's, so they do not count against each other). */
  only: number;
  /** The base config has it already: it costs nothing more. */
  inBase: boolean;
  /** What it adds to the plain kernel, in the budget's units. */
  cost: Record<MvpCostName, number>;
  figures: DetectorFigures;
  excludes: string[];
  chosen: boolean;
}

export interface MvpPlan {
  arch: string;
  budget: MvpBudget;
  budgetSource: string;
  base: Record<MvpCostName, Figure> & { config?: string };
  bugs: { total: number; owned: number; none: number; sources: MvpCatchesInput['sources'] };
  rows: MvpRow[];
  selection: {
    chosen: MvpRowName[];
    caught: number;
    share: number;
    /** The chosen kernel's totals: the plain kernel plus what each chosen row adds. */
    totals: Record<MvpCostName, number>;
  };
  /** The best set at each build-hours budget (the other budgets held): the chart's curve. */
  frontier: { buildHours: number; caught: number; chosen: MvpRowName[] }[];
  measuredFrom?: string[];
}

/** Parse `build-hours=6,image-mb=20` (repeatable flag values joined). */
export function parseBudget(parts: string[]): MvpBudget {
  const out: MvpBudget = {};
  for (const part of parts.flatMap((p) => p.split(',')).filter(Boolean)) {
    const m = /^([a-z-]+)=(\d+(?:\.\d+)?)$/.exec(part.trim());
    if (!m || !(MVP_COST_NAMES as readonly string[]).includes(m[1])) {
      throw inputError(`--budget: expected NAME=N with NAME one of ${MVP_COST_NAMES.join(', ')}, got '${part}'`);
    }
    out[m[1] as MvpCostName] = Number(m[2]);
  }
  return out;
}

/** A .config's `=y` symbols. */
function enabled(configText: string): Set<string> {
  const on = new Set<string>();
  for (const m of configText.matchAll(/^CONFIG_([A-Za-z0-9_]+)=y$/gm)) on.add(m[1]);
  return on;
}

export function planMvp(opts: {
  catches: MvpCatchesInput;
  arch: string;
  budget?: MvpBudget;
  /** The config the debug flavour starts from (Debian's shipped one): rows it has cost nothing. */
  baseConfig?: { text: string; source: string };
  measured?: MeasuredCosts;
  measuredFrom?: string;
  baseBuildHours: number;
  /** The budget when none is given, with where it comes from. */
  defaultBudget: { budget: MvpBudget; source: string };
}): MvpPlan {
  const { catches, baseBuildHours } = opts;
  const on = opts.baseConfig ? enabled(opts.baseConfig.text) : new Set<string>();
  const base = baseFigures(baseBuildHours);
  const rows: MvpRow[] = MVP_ROWS.map((name) => {
    const ids = catches.byDetector[rowDetector(name)];
    const figures = { ...defaultFigures(name), ...(opts.measured?.figures[name] ?? {}) } as DetectorFigures;
    // KASAN's inline/outline choice is one detector: either mode in the base config has KASAN's catches.
    const inBase = opts.baseConfig ? ROW_KEY[name].every((s) => on.has(s)) : false;
    let cves = 0;
    for (const id of ids) if (id.startsWith('CVE-')) cves++;
    const cost = inBase
      ? { 'build-hours': 0, 'image-mb': 0, 'boot-s': 0, 'memory-mb': 0 }
      : rowCost(figures, baseBuildHours);
    return {
      detector: name,
      options: ROW_OPTIONS[name],
      caught: ids.size,
      cves,
      syzkaller: ids.size - cves,
      only: 0,
      inBase,
      cost,
      figures,
      excludes: ROW_EXCLUDES[name] ?? [],
      chosen: false,
    };
  });
  for (const r of rows) {
    const others = new Set<string>();
    for (const o of rows)
      if (rowDetector(o.detector) !== rowDetector(r.detector))
        for (const id of catches.byDetector[rowDetector(o.detector)]) others.add(id);
    for (const id of catches.byDetector[rowDetector(r.detector)]) if (!others.has(id)) r.only++;
  }
  const given = opts.budget && Object.keys(opts.budget).length ? opts.budget : undefined;
  const budget = given ?? opts.defaultBudget.budget;
  const budgetSource = given ? 'command line' : opts.defaultBudget.source;
  // The budget is on the whole kernel: the plain kernel's own figures come off it first.
  const room = (b: MvpBudget): Record<string, number> =>
    Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v - base[k as MvpCostName].value]));
  // What the base config catches already is covered: the choice is over what it adds.
  const inBase = rows.filter((r) => r.inBase);
  const covered = new Set<string>();
  for (const r of inBase) for (const id of catches.byDetector[rowDetector(r.detector)]) covered.add(id);
  const choices: DetectorChoice[] = rows
    .filter((r) => !r.inBase)
    .map((r) => ({
      name: r.detector,
      cost: r.cost,
      catches: new Set([...catches.byDetector[rowDetector(r.detector)]].filter((id) => !covered.has(id))),
      excludes: r.excludes,
    }));
  const choose = (b: MvpBudget) => {
    const rm = room(b);
    if (Object.values(rm).some((v) => v < -1e-9)) return undefined; // the plain kernel alone is over it
    return selectDetectors(choices, rm);
  };
  const sel = choose(budget);
  const chosen = sel ? [...inBase.map((r) => r.detector), ...(sel.chosen as MvpRowName[])].sort() : [];
  for (const r of rows) r.chosen = chosen.includes(r.detector);
  const totals = Object.fromEntries(
    MVP_COST_NAMES.map((k) => [k, base[k].value + rows.filter((r) => r.chosen).reduce((n, r) => n + r.cost[k], 0)]),
  ) as Record<MvpCostName, number>;
  const owned = new Set<string>();
  for (const ids of Object.values(catches.byDetector)) for (const id of ids) owned.add(id);
  const total = owned.size + catches.none;
  const caught = sel ? covered.size + sel.caught : 0;
  // The curve: the best set at build-hours budgets from the plain build to everything, the other budgets held.
  const all = baseBuildHours + rows.reduce((n, r) => n + r.cost['build-hours'], 0);
  const frontier: MvpPlan['frontier'] = [];
  const steps = 24;
  for (let i = 0; i <= steps; i++) {
    const h = Number((baseBuildHours + ((all - baseBuildHours) * i) / steps).toFixed(3));
    const s = choose({ ...budget, 'build-hours': h });
    frontier.push({
      buildHours: h,
      caught: s ? covered.size + s.caught : 0,
      chosen: [...inBase.map((r) => r.detector), ...((s?.chosen ?? []) as MvpRowName[])].sort(),
    });
  }
  return {
    arch: opts.arch,
    budget,
    budgetSource,
    base: { ...base, ...(opts.baseConfig ? { config: opts.baseConfig.source } : {}) },
    bugs: { total, owned: owned.size, none: catches.none, sources: catches.sources },
    rows,
    selection: { chosen, caught: sel ? caught : 0, share: total ? caught / total : 0, totals },
    frontier,
    ...(opts.measuredFrom ? { measuredFrom: [opts.measuredFrom, ...(opts.measured?.notes ?? [])] } : {}),
  };
}

/** The budget when none is given: what `kdk plan` already charges for the debug flavour of one arch. */
export function defaultMvpBudget(): { budget: MvpBudget; source: string } {
  const h = Number((DEFAULT_PARAMS.baseBuildHours * DEFAULT_PARAMS.buildRatio).toFixed(2));
  return {
    budget: { 'build-hours': h },
    source: `default: kdk plan's debug flavour build, ${DEFAULT_PARAMS.baseBuildHours} h × ${DEFAULT_PARAMS.buildRatio} (the syzbot flavour's measured whole-kernel ratio)`,
  };
}

/**
 * Debian's shipped config of `debArch`'s own flavour (linux-config-6.1: the machine's arch only), or undefined
 * where this machine has none for it.
 */
export function debianBaseConfig(
  debArch: string,
  log?: (l: string) => void,
): { text: string; source: string } | undefined {
  let configs;
  try {
    configs = debianConfigs(log);
  } catch {
    return undefined; // no linux-config package here (not root, no apt): the plan says it has no base config
  }
  const c =
    configs.find((x) => x.arch === debArch && x.featureset === 'none' && x.flavour === debArch) ??
    configs.find((x) => x.arch === debArch && x.featureset === 'none');
  if (!c) return undefined;
  return { text: readFileSync(c.path, 'utf8'), source: `Debian ${basename(dirname(c.path))} ${basename(c.path)}` };
}
