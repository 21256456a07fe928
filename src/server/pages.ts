// The dashboard's pages: bug list (syzbot's columns plus upstream bug, fix commit, fix in branch, CVE; a search
// box and filters), bug page (with its sweep verdicts), builds, runs, the gap of a kernel, and kernel A vs
// kernel B. The sweep and flavours pages are in sweep-pages.ts.
import type { Store, BugRow, BugDetail } from '../store/index.js';
import { html, Html, page, table } from './html.js';
import { mvpSection } from './mvp-section.js';
import { bugSweepSection } from './sweep-pages.js';
import type { StoreBuild } from '../plan/index.js';

const verdictClass = (v: string) => (v === 'fix-missing' ? 'missing' : v.startsWith('fix-present') ? 'present' : '');
const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');

function fixCommit(b: BugRow): Html {
  const c = b.upstream.flatMap((u) => u.fixCommits).find((f) => f.hash || f.title);
  return c ? html`<span title="${c.title}">${(c.hash ?? '').slice(0, 12) || c.title}</span>` : html``;
}

function bugRows(bugs: BugRow[]): Html {
  return table(
    bugs,
    [
      'Title',
      'Status',
      'Crashes',
      'Kernels',
      'First seen',
      'Last seen',
      'Upstream',
      'Fix commit',
      'Fix in branch',
      'CVE',
    ],
    (b) => [
      html`<a class="bug" href="/bug/${b.id}">${b.title}</a>`,
      b.status,
      b.crashes,
      b.kernels.join(', '),
      day(b.firstSeen),
      day(b.lastSeen),
      b.upstream
        .filter((u) => u.source === 'syzbot')
        .map((u) => (u.link ? html`<a href="${u.link}">${u.status}</a> ` : html`${u.status} `)),
      fixCommit(b),
      Object.entries(b.fixVerdict).map(([k, v]) => html`<div class="${verdictClass(v)}">${k}: ${v}</div>`),
      b.cves.map((c) => html`<div>${c}</div>`),
    ],
    'bugs',
  );
}

export interface ListQuery {
  q?: string;
  status?: string;
  kernel?: string;
  offset?: number;
}

export async function bugListPage(store: Store, f: ListQuery): Promise<string> {
  const [{ bugs, total }, kernels] = await Promise.all([store.listBugs({ ...f, limit: 100 }), store.listKernels()]);
  const opt = (v: string, cur?: string) =>
    html`<option value="${v}" ${new Html(v === cur ? ' selected' : '')}>${v || 'any'}</option>`;
  const form = html`<form method="get" action="/">
    <input type="search" name="q" placeholder="search titles" value="${f.q ?? ''}" />
    <select name="status">
      ${['', 'open', 'fixed', 'invalid'].map((s) => opt(s, f.status ?? ''))}
    </select>
    <select name="kernel">
      ${['', ...kernels.map((k) => k.name)].map((k) => opt(k, f.kernel ?? ''))}
    </select>
    <button type="submit">search</button>
  </form>`;
  const off = f.offset ?? 0;
  const next =
    off + bugs.length < total
      ? html` <a href="?${new URLSearchParams({ ...clean(f), offset: String(off + 100) }).toString()}">next</a>`
      : html``;
  return page(
    'Bugs',
    html`${form}
      <p class="small">${total} bugs; showing ${bugs.length ? off + 1 : 0}–${off + bugs.length}${next}</p>
      ${bugRows(bugs)}`,
  );
}

const clean = (f: ListQuery) =>
  Object.fromEntries(Object.entries(f).filter(([k, v]) => v !== undefined && v !== '' && k !== 'offset')) as Record<
    string,
    string
  >;

export async function bugPage(store: Store, b: BugDetail): Promise<string> {
  const first = b.crashList[0];
  const report = first ? await store.getArtifact(first.reportSha) : undefined;
  const text = report
    ? String((JSON.parse(Buffer.from(report.content).toString('utf8')) as { text?: string }).text ?? '')
    : '';
  const consoleArt = first?.consoleSha ? await store.getArtifact(first.consoleSha) : undefined;
  const excerpt = consoleArt ? consoleExcerpt(Buffer.from(consoleArt.content).toString('utf8'), text) : '';
  const repro = b.artifacts.find((a) => a.role === 'repro.c');
  const reproText = repro ? await store.getArtifact(repro.sha256) : undefined;
  const body = html`<p>
      Status: ${b.status}. ${b.crashes} crashes, first ${day(b.firstSeen)}, last ${day(b.lastSeen)}. Kernels:
      ${b.kernels.join(', ') || 'none'}.
    </p>
    ${b.altTitles.length ? html`<p>Also known as: ${b.altTitles.map((t) => html`<code>${t}</code> `)}</p>` : html``}
    <h2>Upstream</h2>
    ${
      b.upstream.length
        ? html`<ul>
            ${b.upstream.map(
              (u) =>
                html`<li>
                  ${u.source}: ${u.link ? html`<a href="${u.link}">${u.title}</a>` : u.title}
                  (${u.status})${u.fixCommits.map(
                    (c) => html` fix <code>${(c.hash ?? '').slice(0, 12)}</code> ${c.title}`,
                  )}
                </li>`,
            )}
          </ul>`
        : html`<p>No upstream bug matches.</p>`
    }
    <h2>Fix in branch</h2>
    ${
      Object.keys(b.fixVerdict).length
        ? html`<ul>
            ${Object.entries(b.fixVerdict).map(
              ([k, v]) =>
                html`<li class="${verdictClass(v)}">
                  ${k}: ${v} <span class="small">${b.verdictEvidence[k] ?? ''}</span>
                </li>`,
            )}
          </ul>`
        : html`<p>No verdict yet (kdk triage verdicts).</p>`
    }
    ${await bugSweepSection(store, b.id)}
    <h2>Report</h2>
    <pre id="report">${text}</pre>
    ${
      excerpt
        ? html`<h2>Console excerpt</h2>
            <pre id="console">${excerpt}</pre>`
        : html``
    }
    ${
      reproText
        ? html`<h2>Reproducer</h2>
            <pre>${Buffer.from(reproText.content).toString('utf8')}</pre>`
        : html``
    }
    <h2>Crashes</h2>
    ${table(b.crashList, ['Seen', 'Kernel', 'Title', 'Artifacts'], (c) => [
      day(c.seenAt),
      c.kernel ?? '',
      `${c.title}${c.corrupted ? ' (corrupted)' : ''}`,
      html`<a href="/artifacts/${c.reportSha}">report</a
        >${c.consoleSha ? html` <a href="/artifacts/${c.consoleSha}">console</a>` : html``}`,
    ])}
    ${
      b.artifacts.length
        ? html`<h2>Files</h2>
            <ul>
              ${b.artifacts.map((a) => html`<li><a href="/artifacts/${a.sha256}">${a.role}</a> (${a.size} bytes)</li>`)}
            </ul>`
        : html``
    }`;
  return page(b.title, body);
}

/** The console lines just before the report (what the kernel did first), capped. */
function consoleExcerpt(log: string, report: string): string {
  const firstLine = report.split('\n')[0];
  const at = firstLine ? log.indexOf(firstLine) : -1;
  const end = at >= 0 ? at : log.length;
  return log.slice(Math.max(0, end - 4000), Math.min(log.length, end + 4000));
}

export async function buildsPage(store: Store): Promise<string> {
  const builds = await store.listBuilds();
  const max = Math.max(1, ...builds.map((b) => Number((b as Record<string, unknown>).wallSeconds ?? 0)));
  const head = ['Start', 'Kernel', 'Flavour', 'Arch', 'Target', 'Exit', 'Wall s', 'CPU s', 'ccache hit', 'Wall time'];
  return page(
    'Builds',
    html`${table(builds, head, (b) => {
      const r = b as Record<string, unknown> & { ccache?: { hitRate: number } | null };
      const w = Number(r.wallSeconds ?? 0);
      return [
        day(String(r.start ?? '')),
        b.kernel,
        r.flavour,
        r.arch,
        r.target ?? '',
        r.exitStatus,
        w.toFixed(0),
        Number(r.cpuSeconds ?? 0).toFixed(0),
        r.ccache ? `${(r.ccache.hitRate * 100).toFixed(0)}%` : '',
        html`<div style="background:#69c;height:10px;width:${Math.round((300 * w) / max)}px"></div>`,
      ];
    })}
    ${await mvpSection(store, builds as StoreBuild[])}`,
  );
}

export async function runsPage(store: Store): Promise<string> {
  const runs = await store.listRuns();
  return page(
    'Runs',
    table(runs, ['Run', 'Kernel', 'Verdict', 'Booted', 'Boot s', 'Accel'], (r) => [
      r.id,
      r.kernel,
      r.verdict,
      r.booted ? 'yes' : 'no',
      r.bootSeconds?.toFixed(1) ?? '',
      r.accelerator,
    ]),
  );
}

export async function gapPage(store: Store, kernel: string): Promise<string> {
  const findings = (await store.gapOf(kernel)).filter((f) => f.status === 'open');
  const groups = new Map<string, typeof findings>();
  for (const f of findings) groups.set(f.subsystem, [...(groups.get(f.subsystem) ?? []), f]);
  return page(
    `Patch gap of ${kernel}`,
    html`<p>${findings.length} open CVEs in ${groups.size} subsystems.</p>
      ${[...groups].map(
        ([sub, fs]) =>
          html`<h2>${sub} (${fs.length})</h2>
            ${table(fs, ['CVE', 'Fix', 'Summary', 'Evidence'], (f) => [
              f.cve,
              html`<code>${f.fixCommit.slice(0, 12)}</code>`,
              f.summary,
              html`<span class="small">${f.evidence}</span>`,
            ])}`,
      )}`,
  );
}

export async function comparePage(store: Store, a?: string, b?: string): Promise<string> {
  const kernels = (await store.listKernels()).map((k) => k.name);
  const sel = (name: string, cur?: string) =>
    html`<select name="${name}">
      ${kernels.map((k) => html`<option${new Html(k === cur ? ' selected' : '')}>${k}</option>`)}
    </select>`;
  const form = html`<form method="get" action="/compare">
    A ${sel('a', a)} B ${sel('b', b)} <button>compare</button>
  </form>`;
  if (!a || !b) return page('Kernel A vs kernel B', form);
  const c = await store.compareKernels(a, b);
  return page(
    `${a} vs ${b}`,
    html`${form}
      <h2>New in ${b} (${c.newInB.length})</h2>
      ${bugRows(c.newInB)}
      <h2>Gone in ${b} (${c.goneInB.length})</h2>
      ${bugRows(c.goneInB)}
      <h2>Still open (${c.stillOpen.length})</h2>
      ${bugRows(c.stillOpen)}`,
  );
}
