// An SVG bar chart comparing strategies: one group per metric (per-year build hours, archive growth,
// mirror traffic), one bar per strategy, each group scaled to its own maximum and labelled with the value.
import type { StrategyCost } from './model.js';

const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function fmt(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(1)}k` : v >= 10 ? v.toFixed(0) : v.toFixed(1);
}

export function strategyChart(costs: StrategyCost[], title: string): string {
  const metrics: { label: string; get: (c: StrategyCost) => number }[] = [
    { label: 'build hours / year', get: (c) => c.perYear.buildHours },
    { label: 'archive growth GB / year', get: (c) => c.perYear.archiveGrowthGB },
    { label: 'mirror traffic TB / year', get: (c) => c.perYear.mirrorTrafficGB / 1000 },
  ];
  const barW = 26;
  const gap = 40;
  const groupW = costs.length * barW + gap;
  const h = 220;
  const top = 50;
  const width = 40 + metrics.length * groupW + 220;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + h + 60}" font-family="sans-serif" font-size="11">`,
    `<text x="20" y="24" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  metrics.forEach((m, gi) => {
    const max = Math.max(...costs.map(m.get), 1e-9);
    const x0 = 40 + gi * groupW;
    costs.forEach((c, i) => {
      const v = m.get(c);
      const bh = (v / max) * h;
      const x = x0 + i * barW;
      const y = top + h - bh;
      parts.push(
        `<rect x="${x}" y="${y.toFixed(1)}" width="${barW - 4}" height="${bh.toFixed(1)}" fill="${COLORS[i % COLORS.length]}"><title>${esc(c.strategy)}: ${fmt(v)}</title></rect>`,
      );
      parts.push(
        `<text x="${x + (barW - 4) / 2}" y="${(y - 3).toFixed(1)}" text-anchor="middle" font-size="9">${fmt(v)}</text>`,
      );
    });
    parts.push(`<text x="${x0}" y="${top + h + 18}">${esc(m.label)}</text>`);
  });
  parts.push(`<line x1="30" y1="${top + h}" x2="${40 + metrics.length * groupW}" y2="${top + h}" stroke="#333"/>`);
  costs.forEach((c, i) => {
    const y = top + 10 + i * 18;
    const x = 50 + metrics.length * groupW;
    parts.push(`<rect x="${x}" y="${y - 9}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`);
    parts.push(`<text x="${x + 18}" y="${y + 1}">${esc(c.strategy)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
