// The detector-set choice behind `kdk plan mvp` (issue 13): pick the set of detectors that catches the most
// bugs within every budget (build hours, image MB, ...). A bug caught by two chosen detectors counts once, so
// this is a budgeted maximum-coverage knapsack, not an additive one; the detector list is small (a dozen or
// so), so it is solved exactly by branch and bound instead of a greedy approximation that can miss the best set.

export interface DetectorChoice {
  name: string;
  /** Cost per budget name, e.g. { 'build-hours': 1.2, 'image-mb': 40 }. Missing names cost 0. */
  cost: Record<string, number>;
  /** Ids of the bugs this detector catches. */
  catches: ReadonlySet<string>;
  /** Detectors Kconfig will not build into the same kernel (KASAN, KMSAN and KCSAN exclude each other). */
  excludes?: readonly string[];
}

// Kconfig's own exclusions between the sanitizers (lib/Kconfig.kasan, kmsan, kcsan depend on !the others).
export const EXCLUSIVE: readonly (readonly string[])[] = [['KASAN', 'KMSAN', 'KCSAN']];

export interface Selection {
  chosen: string[];
  caught: number;
  cost: Record<string, number>;
}

function fits(used: Record<string, number>, add: Record<string, number>, budget: Record<string, number>): boolean {
  return Object.entries(budget).every(([k, limit]) => (used[k] ?? 0) + (add[k] ?? 0) <= limit + 1e-9);
}

function plus(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/**
 * The exact best set: most bugs caught; among equals, the fewest detectors, then the lowest summed cost, then
 * names in order, so the answer does not depend on input order.
 */
export function selectDetectors(detectors: DetectorChoice[], budget: Record<string, number>): Selection {
  // Widest detectors first: good sets are found early, so the bound prunes more.
  const ds = [...detectors].sort((a, b) => b.catches.size - a.catches.size || a.name.localeCompare(b.name));
  const byName = new Map(ds.map((d) => [d.name, d]));
  let best: Selection = { chosen: [], caught: 0, cost: {} };
  const better = (s: Selection): boolean => {
    if (s.caught !== best.caught) return s.caught > best.caught;
    if (s.chosen.length !== best.chosen.length) return s.chosen.length < best.chosen.length;
    const sum = (c: Record<string, number>) => Object.values(c).reduce((x, y) => x + y, 0);
    if (sum(s.cost) !== sum(best.cost)) return sum(s.cost) < sum(best.cost);
    return [...s.chosen].sort().join(',') < [...best.chosen].sort().join(',');
  };
  const walk = (i: number, chosen: string[], covered: Set<string>, used: Record<string, number>): void => {
    const here = { chosen: [...chosen], caught: covered.size, cost: used };
    if (better(here)) best = here;
    if (i >= ds.length) return;
    // Upper bound: everything the remaining detectors catch, ignoring budgets. Equal bounds still descend, for ties.
    const reach = new Set(covered);
    for (let j = i; j < ds.length; j++) for (const b of ds[j]!.catches) reach.add(b);
    if (reach.size < best.caught) return;
    const d = ds[i]!;
    // Exclusion is symmetric whichever side declares it (the walk meets detectors in catch-size order).
    const excl = (a: DetectorChoice, n: string) => (a.excludes ?? []).includes(n);
    const clash = (n: string) =>
      excl(d, n) || excl(byName.get(n)!, d.name) || EXCLUSIVE.some((g) => g.includes(d.name) && g.includes(n));
    if (fits(used, d.cost, budget) && !chosen.some(clash)) {
      const next = new Set(covered);
      for (const b of d.catches) next.add(b);
      walk(i + 1, [...chosen, d.name], next, plus(used, d.cost));
    }
    walk(i + 1, chosen, covered, used);
  };
  walk(0, [], new Set(), {});
  best.chosen.sort();
  return best;
}
