// The mvp detector choice is exact: on small cases (random, seeded, 2..9 detectors, one or two budgets) the
// branch and bound finds as many caught bugs as enumerating every subset, and the set it returns fits the budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectDetectors, type DetectorChoice } from '../../src/plan/mvp-select.js';

// A small deterministic generator (mulberry32), so a failure reproduces.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bruteForce(ds: DetectorChoice[], budget: Record<string, number>): number {
  let best = 0;
  for (let mask = 0; mask < 1 << ds.length; mask++) {
    const used: Record<string, number> = {};
    const covered = new Set<string>();
    for (let i = 0; i < ds.length; i++) {
      if (!(mask & (1 << i))) continue;
      for (const [k, v] of Object.entries(ds[i]!.cost)) used[k] = (used[k] ?? 0) + v;
      for (const b of ds[i]!.catches) covered.add(b);
    }
    if (Object.entries(budget).every(([k, l]) => (used[k] ?? 0) <= l + 1e-9)) best = Math.max(best, covered.size);
  }
  return best;
}

test('branch and bound equals brute force on 300 random small cases', () => {
  const r = rng(13);
  for (let c = 0; c < 300; c++) {
    const n = 2 + Math.floor(r() * 8);
    const ds: DetectorChoice[] = [];
    for (let i = 0; i < n; i++) {
      const catches = new Set<string>();
      for (let b = 0; b < 20; b++) if (r() < 0.25) catches.add(`bug${b}`);
      ds.push({
        name: `d${i}`,
        cost: { 'build-hours': Math.round(r() * 40) / 10, 'image-mb': Math.round(r() * 100) },
        catches,
      });
    }
    const budget: Record<string, number> = { 'build-hours': Math.round(r() * 80) / 10 };
    if (r() < 0.5) budget['image-mb'] = Math.round(r() * 200);
    const got = selectDetectors(ds, budget);
    assert.equal(got.caught, bruteForce(ds, budget), `case ${c}`);
    for (const [k, l] of Object.entries(budget)) assert.ok((got.cost[k] ?? 0) <= l + 1e-9, `case ${c} over ${k}`);
    const union = new Set(ds.filter((d) => got.chosen.includes(d.name)).flatMap((d) => [...d.catches]));
    assert.equal(union.size, got.caught, `case ${c}: caught count is the chosen sets' union`);
  }
});

test('overlap counts once: two detectors catching the same bugs are not both worth their cost', () => {
  const same = new Set(['a', 'b', 'c']);
  const got = selectDetectors(
    [
      { name: 'x', cost: { 'build-hours': 1 }, catches: same },
      { name: 'y', cost: { 'build-hours': 1 }, catches: same },
      { name: 'z', cost: { 'build-hours': 1 }, catches: new Set(['d']) },
    ],
    { 'build-hours': 2 },
  );
  assert.deepEqual(got.chosen, ['x', 'z']);
  assert.equal(got.caught, 4);
});

test('KASAN, KMSAN and KCSAN never share a kernel, however loose the budget', () => {
  const d = (name: string, ids: string[]): DetectorChoice => ({ name, cost: {}, catches: new Set(ids) });
  const got = selectDetectors(
    [d('KASAN', ['a', 'b', 'c']), d('KMSAN', ['d', 'e']), d('KCSAN', ['f']), d('LOCKDEP', ['g'])],
    {},
  );
  // Without the exclusion all four fit (7 bugs); with it, KASAN's 3 plus LOCKDEP's 1.
  assert.deepEqual(got.chosen, ['KASAN', 'LOCKDEP']);
  assert.equal(got.caught, 4);
});

test('an exclusion declared by one side holds whichever detector the walk meets first', () => {
  const d = (name: string, ids: string[], excludes?: string[]): DetectorChoice => ({
    name,
    cost: {},
    catches: new Set(ids),
    ...(excludes ? { excludes } : {}),
  });
  // The wide one is met first and it alone names the exclusion.
  const got = selectDetectors([d('WIDE', ['a', 'b', 'c'], ['NARROW']), d('NARROW', ['d'])], {});
  assert.deepEqual(got.chosen, ['WIDE']);
});
