// The `kdk plan mvp` chart: small multiples, one panel per measure (bugs caught, then each cost the detector adds
// to the plain kernel), one horizontal bar per detector on the panel's own axis, the chosen set in colour, and a
// last panel with the best set's catch at each build-hours budget. Lines under the panels say which figures were
// measured and which are defaults. Same layout rules as the strategy chart (chart.ts): names in one column.
import { CHART_FONT, esc, fmt, textWidth, ticks } from './chart.js';
import type { MvpPlan, MvpRow } from './mvp.js';

const CHOSEN = '#4e79a7';
const BASE = '#59a14f';
const OTHER = '#bab0ac';

interface Panel {
  title: string;
  labels: string[];
  values: number[];
  colors: string[];
  tips: string[];
  /** Counts print as integers, costs with fmt's significant digits. */
  count?: boolean;
}

export function mvpChart(plan: MvpPlan, title: string): string {
  const fs = CHART_FONT.size;
  const rows = plan.rows;
  const color = (r: MvpRow) => (r.inBase ? BASE : r.chosen ? CHOSEN : OTHER);
  const measured = (r: MvpRow, k: keyof MvpRow['figures']) => (r.figures[k].source === 'measured' ? ' (measured)' : '');
  const costPanel = (
    t: string,
    key: 'build-hours' | 'image-mb' | 'boot-s' | 'memory-mb',
    fig: keyof MvpRow['figures'],
  ) => ({
    title: t,
    labels: rows.map((r) => r.detector),
    values: rows.map((r) => r.cost[key]),
    colors: rows.map(color),
    tips: rows.map(
      (r) => `${r.detector}: ${fmt(r.cost[key])}${measured(r, fig)}${r.inBase ? ' (in the base config)' : ''}`,
    ),
  });
  // The curve, one bar per budget where the best catch changes.
  const steps = plan.frontier.filter((f, i, a) => i === 0 || f.caught !== a[i - 1]!.caught);
  const panels: Panel[] = [
    {
      title: 'Bugs caught (CVE records + syzkaller corpus logs)',
      labels: rows.map((r) => r.detector),
      values: rows.map((r) => r.caught),
      colors: rows.map(color),
      tips: rows.map((r) => `${r.detector}: ${r.caught} (${r.cves} CVEs, ${r.syzkaller} syzkaller)`),
      count: true,
    },
    costPanel('Build hours added per build', 'build-hours', 'buildRatio'),
    costPanel('Kernel image MB added', 'image-mb', 'imageRatio'),
    costPanel('Boot seconds added under TCG', 'boot-s', 'bootSeconds'),
    costPanel('Guest memory MB added', 'memory-mb', 'memoryMB'),
    {
      title: 'Distinct bugs the best set catches, by build-hours budget',
      labels: steps.map((f) => `≤ ${f.buildHours.toFixed(1)} h`),
      values: steps.map((f) => f.caught),
      colors: steps.map(() => CHOSEN),
      tips: steps.map((f) => `≤ ${f.buildHours.toFixed(1)} h: ${f.caught} (${f.chosen.join(' ') || 'none'})`),
      count: true,
    },
  ];
  const sources = new Map<string, string[]>();
  for (const r of rows)
    for (const [k, f] of Object.entries(r.figures))
      sources.set(`${f.source}: ${f.from}`, [...(sources.get(`${f.source}: ${f.from}`) ?? []), `${r.detector} ${k}`]);
  const notes = [
    `Blue: chosen within ${Object.entries(plan.budget)
      .map(([k, v]) => `${k}=${v}`)
      .join(
        ', ',
      )} (${plan.selection.caught} of ${plan.bugs.total} bugs); green: in the base config already; grey: not chosen.`,
    ...[...sources].map(([s, what]) => `${s} [${what.length} figures]`),
  ];
  const labelW = Math.max(...panels.flatMap((p) => p.labels.map((l) => textWidth(l)))) + 16;
  const left = 20 + labelW;
  const plotW = 420;
  const valueW = 60;
  const rowH = 20;
  const width = Math.max(left + plotW + valueW + 20, 40 + Math.max(...notes.map((n) => textWidth(n))));
  const top = 56;
  const heights = panels.map((p) => 28 + p.labels.length * rowH + 34);
  const height = top + heights.reduce((a, b) => a + b, 0) + 16 + notes.length * (fs + 6) + 10;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${height}" font-family="sans-serif" font-size="${fs}">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="20" y="24" font-size="16" font-weight="bold">${esc(title)}</text>`,
    `<text x="20" y="42" fill="#555">Each panel has its own axis and unit; costs are what a detector adds to the plain kernel.</text>`,
  ];
  let y0 = top;
  panels.forEach((p, pi) => {
    const axis = ticks(Math.max(...p.values, 0));
    const max = axis[axis.length - 1]!;
    const x = (v: number) => left + (v / max) * plotW;
    const axisY = y0 + 28 + p.labels.length * rowH + 4;
    parts.push(`<g class="panel">`);
    parts.push(`<text x="20" y="${y0 + 16}" font-weight="bold">${esc(p.title)}</text>`);
    for (const t of axis) {
      parts.push(`<line x1="${x(t)}" y1="${y0 + 24}" x2="${x(t)}" y2="${axisY}" stroke="#ddd"/>`);
      parts.push(`<text x="${x(t)}" y="${axisY + 14}" text-anchor="middle" fill="#333">${String(t)}</text>`);
    }
    parts.push(`<line x1="${left}" y1="${axisY}" x2="${left + plotW}" y2="${axisY}" stroke="#333"/>`);
    p.labels.forEach((l, i) => {
      const v = p.values[i]!;
      const yRow = y0 + 28 + i * rowH;
      const w = Math.max((v / max) * plotW, 0.5);
      parts.push(`<text x="${left - 8}" y="${yRow + 13}" text-anchor="end">${esc(l)}</text>`);
      parts.push(
        `<rect x="${left}" y="${yRow + 2}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${p.colors[i]}"><title>${esc(p.tips[i]!)}</title></rect>`,
      );
      parts.push(`<text x="${(left + w + 4).toFixed(1)}" y="${yRow + 13}">${p.count ? String(v) : fmt(v)}</text>`);
    });
    parts.push(`</g>`);
    y0 += heights[pi]!;
  });
  notes.forEach((n, i) => parts.push(`<text x="20" y="${y0 + 16 + i * (fs + 6)}" fill="#333">${esc(n)}</text>`));
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
