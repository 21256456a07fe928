// `kdk plan mvp` on the real counts (the shared CVE snapshot's index and syzkaller's report corpus, through the
// gap stage's mvpCatches): the chosen set fits every budget and Kconfig's exclusions, a bigger budget never
// catches fewer, and the count it reports is the best any allowed subset reaches, recomputed here by enumerating
// every subset over mvpCatches' per-bug detector lists (not through the plan's own union or its branch and bound).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mvpCatches, mvpPlan, sharedSyzkallerCorpus } from '../../src/gap/index.js';
import { MVP_COST_NAMES, MVP_ROWS, rowDetector, type MvpPlan } from '../../src/plan/index.js';
import { haveShared, projectRoot, skipIf } from '../helpers.js';

const skip = skipIf(haveShared('corpora', 'syzkaller-report', 'report') ? undefined : 'no shared syzkaller corpus');
const kdk = join(projectRoot, 'bin', 'kdk.js');
// KASAN's modes are one Kconfig choice, and KASAN, KMSAN and KCSAN exclude each other (lib/Kconfig.k*san).
const SANITIZERS = ['KASAN', 'KASAN_OUTLINE', 'KMSAN', 'KCSAN'];

function checkFits(plan: MvpPlan): void {
  for (const [k, limit] of Object.entries(plan.budget)) {
    const used = plan.selection.totals[k as (typeof MVP_COST_NAMES)[number]];
    assert.ok(used <= limit + 1e-9, `${k}: ${used} over ${limit}`);
  }
  const san = plan.selection.chosen.filter((d) => SANITIZERS.includes(d));
  assert.ok(san.length <= 1, `sanitizers together: ${san.join(' ')}`);
}

test('plan mvp on the real counts: budgets, exclusivity, monotone, optimal over every subset', { skip }, async () => {
  const catches = await mvpCatches({ corpus: sharedSyzkallerCorpus() });
  const budgets = [2, 2.1, 2.3, 2.5, 3, 4, 8];
  const plans: MvpPlan[] = [];
  for (const h of budgets) plans.push(await mvpPlan({ arch: 'amd64', budget: { 'build-hours': h } }));
  // The per-bug view, inverted here from byBug: a bitmask of the rows that catch each bug.
  const rows = plans[0]!.rows;
  const masks: number[] = [];
  for (const dets of catches.byBug.values()) {
    let m = 0;
    rows.forEach((r, i) => {
      if (dets.includes(rowDetector(r.detector))) m |= 1 << i;
    });
    masks.push(m);
  }
  const countOf = (subset: number) => masks.reduce((n, m) => n + (m & subset ? 1 : 0), 0);
  const sanIdx = rows.flatMap((r, i) => (SANITIZERS.includes(r.detector) ? [i] : []));
  const baseMask = rows.reduce((m, r, i) => (r.inBase ? m | (1 << i) : m), 0);
  for (const [pi, plan] of plans.entries()) {
    checkFits(plan);
    // The reported count is the union of the chosen rows' bugs, counted from mvpCatches' per-bug lists.
    const chosenMask = rows.reduce((m, r, i) => (plan.selection.chosen.includes(r.detector) ? m | (1 << i) : m), 0);
    assert.equal(plan.selection.caught, countOf(chosenMask), `budget ${budgets[pi]}: caught is the union`);
    // Nothing allowed does better: every subset with the base rows, at most one sanitizer, within the budget.
    let best = 0;
    const limit = plan.budget['build-hours']! - plan.base['build-hours'].value;
    for (let s = 0; s < 1 << rows.length; s++) {
      if ((s & baseMask) !== baseMask) continue;
      if (sanIdx.filter((i) => s & (1 << i)).length > 1) continue;
      const h = rows.reduce((n, r, i) => (s & (1 << i) ? n + r.cost['build-hours'] : n), 0);
      if (h > limit + 1e-9) continue;
      best = Math.max(best, countOf(s));
    }
    assert.equal(plan.selection.caught, best, `budget ${budgets[pi]}: the best allowed subset`);
    if (pi) assert.ok(plan.selection.caught >= plans[pi - 1]!.selection.caught, 'a bigger budget catches no fewer');
  }
  // The budgets bite: the smallest is the plain build (only what costs no build time), the largest catches more.
  assert.ok(plans[0]!.selection.chosen.every((d) => rows.find((r) => r.detector === d)!.cost['build-hours'] === 0));
  assert.ok(plans.at(-1)!.selection.caught > plans[0]!.selection.caught);
  // Share: of every bug with a parsed crash, owned by a detector or not.
  const owned = new Set([...catches.byBug.keys()]);
  assert.equal(plans[0]!.bugs.owned, owned.size);
  assert.equal(plans[0]!.bugs.total, owned.size + catches.none);
});

test('every budget at once: image, boot and memory limits hold too', { skip }, async () => {
  const plan = await mvpPlan({ budget: { 'build-hours': 8, 'image-mb': 10, 'boot-s': 1.6, 'memory-mb': 40 } });
  checkFits(plan);
  assert.ok(!plan.selection.chosen.includes('KASAN'), 'KASAN keeps 80 MB of a 512 MB guest: over 40 MB');
});

test('kdk plan mvp: no arguments prints the table; --json has one row per detector; --svg is XML', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-mvp-'));
  try {
    const plain = spawnSync(process.execPath, [kdk, 'plan', 'mvp'], { encoding: 'utf8' });
    assert.equal(plain.status, 0, plain.stderr);
    for (const r of MVP_ROWS) assert.match(plain.stdout, new RegExp(`^${r} +\\d+ `, 'm'), r);
    assert.match(plain.stdout, /^best within build-hours=/m);
    const svg = join(dir, 'mvp.svg');
    const js = spawnSync(process.execPath, [kdk, 'plan', 'mvp', '--json', '--svg', svg, '--budget', 'build-hours=3'], {
      encoding: 'utf8',
    });
    assert.equal(js.status, 0, js.stderr);
    const doc = JSON.parse(js.stdout) as MvpPlan;
    assert.deepEqual(
      doc.rows.map((r) => r.detector),
      [...MVP_ROWS],
    );
    for (const r of doc.rows)
      for (const f of Object.values(r.figures)) assert.ok(['measured', 'default'].includes(f.source) && f.from);
    // An XML parser, not a regex: Python's expat through minidom.
    const xml = spawnSync(
      'python3',
      ['-c', 'import sys, xml.dom.minidom as m; print(m.parse(sys.argv[1]).documentElement.tagName)', svg],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(xml.status, 0, xml.stderr);
    assert.equal(xml.stdout.trim(), 'svg');
    assert.equal((readFileSync(svg, 'utf8').match(/<g class="panel">/g) ?? []).length, 6);
    const bad = spawnSync(process.execPath, [kdk, 'plan', 'mvp', '--budget', 'build-days=3'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--budget/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
