// The dashboard's pages: bug list (syzbot's columns plus upstream bug, fix commit, fix in branch, CVE; a search
// box and filters), bug page, builds, runs, the gap of a kernel, and kernel A vs kernel B.
import type { Store, BugRow, BugDetail } from '../store/index.js';
import { html, Html, page } from './html.js';
import { mvpSection } from './mvp-section.js';

const verdictClass = (v: string) => (v === 'fix-missing' ? 'missing' : v.startsWith('fix-present') ? 'present' : '');
const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');

function fixCommit(b: BugRow): Html {
  const c = b.upstream.flatMap((u) => u.fixCommits).find((f) => f.hash || f.title);
  return c ? html`<span title="${c.title}">${(c.hash ?? '').slice(0, 12) || c.title}</span>` : html``;
}

function bugRows(bugs: BugRow[]): Html {
  return html`<table id="bugs">
    <thead>
      <tr>
        <th>Title</th>
        <th>Status</th>
        <th>Crashes</th>
        <th>Kernels</th>
        <th>First seen</th>
        <th>Last seen</th>
        <th>Upstream</th>
        <th>Fix commit</th>
        <th>Fix in branch</th>
        <th>CVE</th>
      </tr>
    </thead>
    <tbody>
      ${bugs.map(
        (b) =>
          html`<tr>
            <td><a class="bug" href="/bug/${b.id}">${b.title}</a></td>
            <td>${b.status}</td>
            <td>${b.crashes}</td>
            <td>${b.kernels.join(', ')}</td>
            <td>${day(b.firstSeen)}</td>
            <td>${day(b.lastSeen)}</td>
            <td>
              ${b.upstream
                .filter((u) => u.source === 'syzbot')
                .map((u) => (u.link ? html`<a href="${u.link}">${u.status}</a> ` : html`${u.status} `))}
            </td>
            <td>${fixCommit(b)}</td>
            <td>
              ${Object.entries(b.fixVerdict).map(([k, v]) => html`<div class="${verdictClass(v)}">${k}: ${v}</div>`)}
            </td>
            <td>${b.cves.map((c) => html`<div>${c}</div>`)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
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
    <table>
      <thead>
        <tr>
          <th>Seen</th>
          <th>Kernel</th>
          <th>Title</th>
          <th>Artifacts</th>
        </tr>
      </thead>
      <tbody>
        ${b.crashList.map(
          (c) =>
            html`<tr>
              <td>${day(c.seenAt)}</td>
              <td>${c.kernel ?? ''}</td>
              <td>${c.title}${c.corrupted ? ' (corrupted)' : ''}</td>
              <td>
                <a href="/artifacts/${c.reportSha}">report</a
                >${c.consoleSha ? html` <a href="/artifacts/${c.consoleSha}">console</a>` : html``}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
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
  return page(
    'Builds',
    html`<table>
        <thead>
          <tr>
            <th>Start</th>
            <th>Kernel</th>
            <th>Flavour</th>
            <th>Arch</th>
            <th>Target</th>
            <th>Exit</th>
            <th>Wall s</th>
            <th>CPU s</th>
            <th>ccache hit</th>
            <th>Wall time</th>
          </tr>
        </thead>
        <tbody>
          ${builds.map((b) => {
            const r = b as Record<string, unknown> & { ccache?: { hitRate: number } | null };
            const w = Number(r.wallSeconds ?? 0);
            return html`<tr>
              <td>${day(String(r.start ?? ''))}</td>
              <td>${b.kernel}</td>
              <td>${r.flavour}</td>
              <td>${r.arch}</td>
              <td>${r.target ?? ''}</td>
              <td>${r.exitStatus}</td>
              <td>${w.toFixed(0)}</td>
              <td>${Number(r.cpuSeconds ?? 0).toFixed(0)}</td>
              <td>${r.ccache ? `${(r.ccache.hitRate * 100).toFixed(0)}%` : ''}</td>
              <td><div style="background:#69c;height:10px;width:${Math.round((300 * w) / max)}px"></div></td>
            </tr>`;
          })}
        </tbody>
      </table>
      ${await mvpSection(store)}`,
  );
}

export async function runsPage(store: Store): Promise<string> {
  const runs = await store.listRuns();
  return page(
    'Runs',
    html`<table>
      <thead>
        <tr>
          <th>Run</th>
          <th>Kernel</th>
          <th>Verdict</th>
          <th>Booted</th>
          <th>Boot s</th>
          <th>Accel</th>
        </tr>
      </thead>
      <tbody>
        ${runs.map(
          (r) =>
            html`<tr>
              <td>${r.id}</td>
              <td>${r.kernel}</td>
              <td>${r.verdict}</td>
              <td>${r.booted ? 'yes' : 'no'}</td>
              <td>${r.bootSeconds?.toFixed(1) ?? ''}</td>
              <td>${r.accelerator}</td>
            </tr>`,
        )}
      </tbody>
    </table>`,
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
            <table>
              <tbody>
                ${fs.map(
                  (f) =>
                    html`<tr>
                      <td>${f.cve}</td>
                      <td><code>${f.fixCommit.slice(0, 12)}</code></td>
                      <td>${f.summary}</td>
                      <td class="small">${f.evidence}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`,
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
