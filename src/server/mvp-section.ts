// The builds page's `kdk plan mvp` table: each detector's catches and costs, with the store's own builds and
// runs as measured figures where one enabled exactly that detector (marked *, the source in the cell's title),
// and the best set within the default budget. Counting the catches reads the whole CVE index and syzkaller's
// corpus (about a second warm), so the section is kept for a few minutes while the store's builds and runs stay
// the same.
import type { Store } from '../store/index.js';
import { mvpPlan } from '../gap/index.js';
import { budgetText, measuredCosts, mvpChart, type Figure, type MvpPlan, type StoreBuild } from '../plan/index.js';
import { Cell, html, Html, table } from './html.js';

const KEEP_MS = 5 * 60_000;
let kept: { key: string; at: number; section: Html } | undefined;

/** A cost figure: its value, `*` when measured, and where it came from as the cell's tooltip. */
const cell = (v: number, f: Figure, digits: number) =>
  new Cell(`${v.toFixed(digits)}${f.source === 'measured' ? '*' : ''}`, `${f.source}: ${f.from}`);

const HEAD = [
  'Detector',
  'Caught',
  'CVEs',
  'syzkaller',
  'Only it',
  '+build h',
  '+image MB',
  '+boot s (TCG)',
  '+memory MB',
  'Chosen',
];

function render(plan: MvpPlan): Html {
  const s = plan.selection;
  return html`<h2>Debug detectors: what each catches, what it costs (kdk plan mvp)</h2>
    <p>
      ${plan.bugs.sources.cvesWithCrash} CVE records quoting a crash and ${plan.bugs.sources.corpusReports} syzkaller
      corpus logs: ${plan.bugs.total} bugs, ${plan.bugs.owned} owned by a detector. Base config:
      ${plan.base.config ?? 'none known'}. Best within ${budgetText(plan.budget)} (${plan.budgetSource}):
      <b>${s.chosen.join(' ')}</b>, ${s.caught} bugs (${(s.share * 100).toFixed(1)}%).
    </p>
    ${table(
      plan.rows,
      HEAD,
      (r) => [
        r.detector,
        r.caught,
        r.cves,
        r.syzkaller,
        r.only,
        cell(r.cost['build-hours'], r.figures.buildRatio, 2),
        cell(r.cost['image-mb'], r.figures.imageRatio, 2),
        cell(r.cost['boot-s'], r.figures.bootSeconds, 2),
        cell(r.cost['memory-mb'], r.figures.memoryMB, 1),
        r.inBase ? 'in base config' : r.chosen ? 'yes' : '',
      ],
      'mvp',
    )}
    <p class="small">
      * measured from this store's builds and runs (hover a figure for its source); others are kdk's defaults.
    </p>
    ${new Html(mvpChart(plan, `Debug detectors for Debian ${plan.arch}: catches and costs`))}`;
}

/** `builds`: the page's own list, so the store is not asked twice for it. */
export async function mvpSection(store: Store, builds: StoreBuild[]): Promise<Html> {
  const runs = await store.listRuns();
  const key = JSON.stringify([builds.map((b) => b.id), runs.map((r) => r.id)]);
  if (kept && kept.key === key && Date.now() - kept.at < KEEP_MS) return kept.section;
  let section: Html;
  try {
    const measured = measuredCosts(builds, runs, 'store');
    const n = Object.keys(measured.figures).length;
    section = render(await mvpPlan({ measured, measuredFrom: `this store: ${n} detector(s) measured` }));
  } catch (err) {
    // The builds themselves still show: the mvp table needs the CVE index, which may not be buildable here.
    section = html`<p class="small">The detector table is not available: ${(err as Error).message}</p>`;
  }
  kept = { key, at: Date.now(), section };
  return section;
}
