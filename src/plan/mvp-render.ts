// The `kdk plan mvp` table as text lines (the CLI prints them; docs/plan.md quotes them). A figure taken from a
// store's records carries `*`; every other figure is an embedded default, and the lines under the table say
// where each came from.
import type { MvpPlan } from './mvp.js';
import type { Figure } from './mvp-costs.js';

/** A budget as `--budget` takes it (`build-hours=6.6,memory-mb=60`): the CLI's lines and the dashboard say it so. */
export const budgetText = (b: MvpPlan['budget']) =>
  Object.entries(b)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

export function mvpTableLines(plan: MvpPlan): string[] {
  const b = plan.bugs;
  const s = b.sources;
  const out: string[] = [
    `arch ${plan.arch}; base config: ${plan.base.config ?? 'none known here (no detector counted as already on)'}`,
    `bugs: ${s.cvesWithCrash} CVE records quoting a crash + ${s.corpusReports} syzkaller corpus logs with a report = ${b.total}; ` +
      `${b.owned} owned by a detector, ${b.none} by none (a plain kernel reports those too)`,
    `budget: ${budgetText(plan.budget)} (${plan.budgetSource})`,
    'detector            caught   CVEs   syz  only | +build h  +image MB  +boot s  +mem MB | chosen',
  ];
  const f = (x: Figure, v: number, w: number, d: number) =>
    (v.toFixed(d) + (x.source === 'measured' ? '*' : ' ')).padStart(w);
  for (const r of plan.rows) {
    const c = r.cost;
    out.push(
      `${r.detector.padEnd(19)} ${String(r.caught).padStart(6)} ${String(r.cves).padStart(6)} ${String(r.syzkaller).padStart(5)} ${String(r.only).padStart(5)} |` +
        `${f(r.figures.buildRatio, c['build-hours'], 9, 2)} ${f(r.figures.imageRatio, c['image-mb'], 10, 2)} ${f(r.figures.bootSeconds, c['boot-s'], 8, 2)} ${f(r.figures.memoryMB, c['memory-mb'], 8, 1)} | ` +
        (r.inBase ? 'in base config' : r.chosen ? 'yes' : ''),
    );
  }
  const t = plan.selection.totals;
  const sel = plan.selection;
  out.push(
    sel.chosen.length || sel.caught
      ? `best within ${budgetText(plan.budget)}: ${sel.chosen.join(' ')}: ${sel.caught} of ${b.total} bugs (${(sel.share * 100).toFixed(1)}%; ` +
          `${b.owned ? ((sel.caught / b.owned) * 100).toFixed(1) : '0'}% of those a detector owns)`
      : `nothing fits within ${budgetText(plan.budget)}: the plain kernel alone is over it`,
    `that kernel: ${t['build-hours'].toFixed(2)} build h, ${t['image-mb'].toFixed(1)} MB image, ${t['boot-s'].toFixed(1)} s boot under TCG, ` +
      `${t['memory-mb'].toFixed(0)} MB kept by the kernel (plain: ${plan.base['build-hours'].value} h, ${plan.base['image-mb'].value} MB, ` +
      `${plan.base['boot-s'].value.toFixed(1)} s, ${plan.base['memory-mb'].value.toFixed(0)} MB)`,
  );
  // One line per source; a row whose four figures share it is named once, else row.figure.
  const sources = new Map<string, Map<string, string[]>>();
  for (const r of plan.rows)
    for (const [k, x] of Object.entries(r.figures)) {
      const key = `${x.source === 'measured' ? '* measured' : 'default'}: ${x.from}`;
      const byRow = sources.get(key) ?? new Map<string, string[]>();
      byRow.set(r.detector, [...(byRow.get(r.detector) ?? []), k]);
      sources.set(key, byRow);
    }
  out.push('figures (costs are what a detector adds to the plain kernel; overheads add up):');
  for (const [k, byRow] of [...sources].sort()) {
    const names = [...byRow].map(([row, figs]) => (figs.length === 4 ? row : figs.map((x) => `${row}.${x}`).join(' ')));
    out.push(`  ${k}: ${names.length === plan.rows.length ? 'every detector' : names.join(' ')}`);
  }
  for (const n of plan.measuredFrom ?? []) out.push(`  store: ${n}`);
  return out;
}
