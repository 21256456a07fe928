// The dashboard's sweep page (what `kdk sweep --db` recorded: per kernel, each known bug's verdict, the
// assessment joined with the fix's presence, the fix commit, linked to the bug's page) and its flavours page
// (what `kdk flavour --db` recorded). Every value is store content, so it goes through `html` (escaped); links
// carry only numbers and URL-encoded names.
import type { Store, SweepFilter, SweepRow, FlavourFilter } from '../store/index.js';
import { SWEEP_ASSESSMENTS, SWEEP_VERDICTS } from '../store/index.js';
import { Cell, html, Html, page, table } from './html.js';

const PAGE = 100;
const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');
const short = (commit: string | null) => (commit ?? '').slice(0, 12);

/** The verdict's colour: red where a known bug reproduces (or the fix is missing), green where it is fixed. */
const verdictClass = (r: SweepRow) =>
  r.verdict === 'reproduces' || r.verdict === 'flaky' || r.assessment === 'missing backport'
    ? 'missing'
    : r.assessment === 'fixed'
      ? 'present'
      : '';

/**
 * One sentence per verdict, as the bug page says it: "reproduces (3/3) on K: missing backport of <fix>",
 * "no-crash (0/3) on K: fixed by <fix>".
 */
export function sweepSentence(r: SweepRow): Html {
  const fix = r.fixCommit ? html`<code title="${r.fixCommit}">${short(r.fixCommit)}</code>` : html`its fix`;
  const tail =
    r.assessment === 'missing backport'
      ? html`: missing backport of ${fix}`
      : r.assessment === 'regression'
        ? html`: regression, ${fix} is present`
        : r.assessment === 'fixed'
          ? html`: fixed by ${fix}`
          : r.assessment === 'fix missing but not reproduced'
            ? html`: ${fix} missing but not reproduced`
            : html` (fix ${r.fix.state})`;
  const count = r.runs ? html` (${r.hits}/${r.runs})` : html``;
  return html`<span class="${verdictClass(r)}">${r.verdict}</span>${count} on
    <a href="/sweep?${query({ kernel: r.kernel })}">${r.kernel}</a>${tail}`;
}

const query = (q: Record<string, string | number | undefined>) =>
  new URLSearchParams(
    Object.entries(q)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => [k, String(v)]),
  ).toString();

/** The bug page's section: every kernel a sweep ran this bug on, or nothing when none did. */
export async function bugSweepSection(store: Store, bugId: number): Promise<Html> {
  const rows = await store.listSweepVerdicts({ bugId });
  if (!rows.length) return html``;
  return html`<h2>Sweeps</h2>
    <ul id="sweep">
      ${rows.map(
        (r) =>
          html`<li>
            ${sweepSentence(r)}${r.cve ? html` (${r.cve})` : html``}
            <span class="small">${r.fix.how}; ${day(r.recordedAt)}</span>
          </li>`,
      )}
    </ul>`;
}

/** `offset` of the next page, as a link, when there is one. */
function nextLink(f: { offset?: number }, shown: number, total: number, rest: Record<string, string | undefined>) {
  const off = f.offset ?? 0;
  return off + shown < total ? html` <a href="?${query({ ...rest, offset: off + PAGE })}">next</a>` : html``;
}

export async function sweepPage(store: Store, f: SweepFilter): Promise<string> {
  const [{ verdicts, total }, kernels] = await Promise.all([
    store.sweepPage({ ...f, limit: PAGE }),
    store.sweptKernels(),
  ]);
  const opt = (what: string) => (v: string, cur?: string) =>
    html`<option value="${v}" ${new Html(v === cur ? ' selected' : '')}>${v || `any ${what}`}</option>`;
  const form = html`<form method="get" action="/sweep">
    <select name="kernel">
      ${['', ...kernels].map((k) => opt('kernel')(k, f.kernel ?? ''))}
    </select>
    <select name="verdict">
      ${['', ...SWEEP_VERDICTS].map((v) => opt('verdict')(v, f.verdict ?? ''))}
    </select>
    <select name="assessment">
      ${['', ...SWEEP_ASSESSMENTS].map((v) => opt('assessment')(v, f.assessment ?? ''))}
    </select>
    <button type="submit">filter</button>
  </form>`;
  const groups = new Map<string, SweepRow[]>();
  for (const v of verdicts) groups.set(v.kernel, [...(groups.get(v.kernel) ?? []), v]);
  const off = f.offset ?? 0;
  const next = nextLink(f, verdicts.length, total, {
    kernel: f.kernel,
    verdict: f.verdict,
    assessment: f.assessment,
    bug: f.bugId === undefined ? undefined : String(f.bugId),
  });
  const head = ['Bug', 'Verdict', 'Runs', 'Assessment', 'Fix commit', 'Fix', 'CVE', 'Recorded'];
  return page(
    'Sweep verdicts',
    html`${form}
      <p class="small">
        ${total} verdicts (kdk sweep --db); showing ${verdicts.length ? off + 1 : 0}–${off + verdicts.length}${next}
      </p>
      ${
        groups.size
          ? [...groups].map(
              ([kernel, rows], i) =>
                html`<h2 class="kernel">${kernel}</h2>
                  <p class="small">image sha256 ${rows[0].kernelSha256}</p>
                  ${table(
                    rows,
                    head,
                    (r) => [
                      html`<a class="bug" href="/bug/${r.bugId}">${r.bug}</a>`,
                      html`<span class="${verdictClass(r)}">${r.verdict}</span>`,
                      `${r.hits}/${r.runs}`,
                      r.assessment ? html`<span class="${verdictClass(r)}">${r.assessment}</span>` : '',
                      r.fixCommit ? new Cell(html`<code>${short(r.fixCommit)}</code>`, r.fixCommit) : '',
                      new Cell(r.fix.state, r.fix.how),
                      r.cve ?? '',
                      day(r.recordedAt),
                    ],
                    `sweep-${i + 1}`,
                  )}`,
            )
          : html`<p>
              No sweep verdicts${f.kernel || f.verdict || f.assessment || f.bugId ? ' match' : ' yet (kdk sweep --db)'}.
            </p>`
      }`,
  );
}

export async function flavoursPage(store: Store, f: FlavourFilter): Promise<string> {
  const { flavours, total } = await store.flavourPage({ ...f, limit: PAGE });
  const off = f.offset ?? 0;
  const head = ['Flavour', 'Base', 'Profiles', 'Arch', 'Kernel', 'Tree', 'Packaging', 'Config', 'Recorded', 'Report'];
  return page(
    'Flavours',
    html`<p class="small">
        ${total} flavours (kdk flavour --db); showing
        ${flavours.length ? off + 1 : 0}–${off + flavours.length}${nextLink(f, flavours.length, total, {})}
      </p>
      ${table(
        flavours,
        head,
        (x) => [
          x.name,
          x.base ?? '',
          x.profiles.join(' '),
          x.arch,
          x.kernel ? html`<a href="/?${query({ kernel: x.kernel })}">${x.kernel}</a>` : '',
          x.treeVersion ?? '',
          x.packagingVersion ?? '',
          new Cell(x.configHash.slice(0, 12), x.configHash),
          day(x.createdAt),
          html`<a href="/artifacts/${x.reportSha}">report.json</a>`,
        ],
        'flavours',
      )}`,
  );
}
