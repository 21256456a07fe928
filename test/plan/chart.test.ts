// The plan chart (issue 16 item 13): small multiples, one panel per measure with its own axis and unit, no two
// labels overlapping (checked on the text boxes the chart's own font metrics give), and a line per strategy
// saying what it means. Run on the real plan (apt's measured sizes) for the help's two-strategy example and for
// all strategies. The PNG rendering was looked at by eye (chromium --headless --screenshot); this checks geometry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePlan, strategyChart } from '../../src/plan/index.js';
import { CHART_FONT } from '../../src/plan/chart.js';

interface Box {
  text: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Every <text> element as a box: width from its characters, anchored as the SVG says. */
function textBoxes(svg: string): Box[] {
  const out: Box[] = [];
  for (const m of svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)) {
    const attr = (k: string) => new RegExp(`${k}="([^"]+)"`).exec(m[1])?.[1];
    const size = Number(attr('font-size') ?? CHART_FONT.size);
    const x = Number(attr('x'));
    const y = Number(attr('y'));
    const text = m[2].replace(/&[a-z]+;/g, '&');
    const w = text.length * size * CHART_FONT.charWidth;
    const anchor = attr('text-anchor') ?? 'start';
    const x0 = anchor === 'middle' ? x - w / 2 : anchor === 'end' ? x - w : x;
    out.push({ text, x0, x1: x0 + w, y0: y - size * 0.8, y1: y + size * 0.2 });
  }
  return out;
}

const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

for (const strategies of [['all-archs', 'combined'], undefined]) {
  test(`the plan chart: panels with own axes and units, no overlapping labels (${strategies?.join(', ') ?? 'all strategies'})`, () => {
    const plan = makePlan({ strategies, params: { mirrors: 400 }, log: () => {} });
    const svg = strategyChart(plan.strategies, 'Debug flavour cost per year by strategy');
    const panels = svg.split('<g class="panel">').slice(1);
    assert.equal(panels.length, 3, 'one panel per measure');
    for (const [i, unit] of ['buildd hours', 'GB', 'TB'].entries()) {
      const p = panels[i];
      assert.match(p, new RegExp(`font-weight="bold">[^<]*\\(${unit}\\)</text>`), `panel ${i + 1} names its unit`);
      assert.equal((p.match(/<rect [^>]*><title>/g) ?? []).length, plan.strategies.length, 'a bar per strategy');
      // The axis: ticks from 0 up to at least the largest value of this measure.
      const tickValues = [...p.matchAll(/text-anchor="middle" fill="#333">([^<]+)</g)].map((m) => Number(m[1]));
      assert.equal(tickValues[0], 0);
      const values = [...p.matchAll(/<title>[^:]+: ([\d.k]+) /g)].map((m) => Number(m[1].replace('k', 'e3')));
      assert.ok(tickValues[tickValues.length - 1] >= Math.max(...values), 'the axis covers every bar');
    }
    for (const s of plan.strategies) assert.ok(svg.includes(`${s.strategy}: ${s.description}`), s.strategy);
    const boxes = textBoxes(svg);
    for (let a = 0; a < boxes.length; a++)
      for (let b = a + 1; b < boxes.length; b++)
        assert.ok(!overlaps(boxes[a], boxes[b]), `"${boxes[a].text}" overlaps "${boxes[b].text}"`);
  });
}
