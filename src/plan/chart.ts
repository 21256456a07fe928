// An SVG chart comparing strategies as small multiples: one panel per measure (build hours, archive growth,
// mirror traffic per year), each with its own axis, ticks and unit, one horizontal bar per strategy labelled with
// its value, and a line under the panels saying what each strategy means. Horizontal bars keep the strategy
// names in one column on the left, so no label shares the space of another however many strategies there are.
import type { StrategyCost } from './model.js';

const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1'];

/** Text metrics used for layout; exported so the tests can check that no two labels overlap. */
export const CHART_FONT = { size: 12, charWidth: 0.6 };

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function fmt(v: number): string {
  return v >= 10_000 ? `${(v / 1000).toFixed(0)}k` : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** Axis ticks from 0 at a 1-2-5 step, the last at or above max. */
export function ticks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = 0; t < max + step * 0.999; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

interface Measure {
  title: string;
  unit: string;
  get: (c: StrategyCost) => number;
}

const MEASURES: Measure[] = [
  { title: 'Build time per year', unit: 'buildd hours', get: (c) => c.perYear.buildHours },
  { title: 'Archive growth per year', unit: 'GB', get: (c) => c.perYear.archiveGrowthGB },
  { title: 'Mirror traffic per year', unit: 'TB', get: (c) => c.perYear.mirrorTrafficGB / 1000 },
];

export const textWidth = (s: string, size = CHART_FONT.size) => s.length * size * CHART_FONT.charWidth;

export function strategyChart(costs: StrategyCost[], title: string): string {
  const fs = CHART_FONT.size;
  const labelW = Math.max(...costs.map((c) => textWidth(c.strategy))) + 16;
  const left = 20 + labelW;
  const plotW = 420;
  const valueW = 60;
  const rowH = 22;
  const panelH = 28 + costs.length * rowH + 34;
  const notes = costs.map((c) => `${c.strategy}: ${c.description}`);
  const width = Math.max(left + plotW + valueW + 20, 40 + Math.max(...notes.map((n) => textWidth(n))));
  const top = 56;
  const height = top + MEASURES.length * panelH + 24 + notes.length * (fs + 6) + 10;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${height}" font-family="sans-serif" font-size="${fs}">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="20" y="24" font-size="16" font-weight="bold">${esc(title)}</text>`,
    `<text x="20" y="42" fill="#555">Each panel has its own axis and unit; bars compare the strategies on one measure.</text>`,
  ];
  MEASURES.forEach((m, pi) => {
    const y0 = top + pi * panelH;
    const values = costs.map(m.get);
    const axis = ticks(Math.max(...values));
    const max = axis[axis.length - 1];
    const x = (v: number) => left + (v / max) * plotW;
    const axisY = y0 + 28 + costs.length * rowH + 4;
    parts.push(`<g class="panel">`);
    parts.push(`<text x="20" y="${y0 + 16}" font-weight="bold">${esc(`${m.title} (${m.unit})`)}</text>`);
    for (const t of axis) {
      parts.push(`<line x1="${x(t)}" y1="${y0 + 24}" x2="${x(t)}" y2="${axisY}" stroke="#ddd"/>`);
      parts.push(`<text x="${x(t)}" y="${axisY + 14}" text-anchor="middle" fill="#333">${String(t)}</text>`);
    }
    parts.push(`<line x1="${left}" y1="${axisY}" x2="${left + plotW}" y2="${axisY}" stroke="#333"/>`);
    costs.forEach((c, i) => {
      const v = values[i];
      const yRow = y0 + 28 + i * rowH;
      const w = Math.max((v / max) * plotW, 0.5);
      parts.push(`<text x="${left - 8}" y="${yRow + 13}" text-anchor="end">${esc(c.strategy)}</text>`);
      parts.push(
        `<rect x="${left}" y="${yRow + 2}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${COLORS[i % COLORS.length]}"><title>${esc(c.strategy)}: ${fmt(v)} ${esc(m.unit)}</title></rect>`,
      );
      parts.push(`<text x="${(left + w + 4).toFixed(1)}" y="${yRow + 13}">${fmt(v)}</text>`);
    });
    parts.push(`</g>`);
  });
  const ny = top + MEASURES.length * panelH + 16;
  parts.push(`<text x="20" y="${ny}" font-weight="bold">Strategies</text>`);
  notes.forEach((n, i) => {
    const y = ny + (i + 1) * (fs + 6);
    parts.push(`<rect x="20" y="${y - fs + 2}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/>`);
    parts.push(`<text x="36" y="${y}">${esc(n)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
