// Output for people: aligned text tables, and markdown or HTML reports for a security team's weekly review.
import { escapeLine, escapeMarkdown } from '../util/text.js';
import type { CveQueryResult, CveFinding } from './cves.js';
import type { GitGapReport, GitFinding } from './git-scan.js';
import type { CrashMatch } from './match.js';

export type ReportFormat = 'text' | 'markdown' | 'html';

const short = (s: string) => (/^[0-9a-f]{13,40}$/.test(s) ? s.slice(0, 12) : s);

function cveRow(f: CveFinding): string[] {
  const status = f.status === 'open' ? '' : ` [${f.status}: ${f.evidence}]`;
  return [
    f.cve + status,
    f.fixCommits.map(short).join(' '),
    f.fixedIn ?? 'no fix on this branch',
    f.files.slice(0, 3).join(' ') + (f.files.length > 3 ? ` (+${f.files.length - 3})` : ''),
    f.crashTitle ?? '',
  ];
}

const CVE_HEAD = ['CVE', 'fixing commit(s)', 'first fixed on branch', 'files', 'crash title'];

export function table(head: string[], rows: string[][]): string {
  const width = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(width[i])))
      .join('  ')
      .trimEnd();
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const md = escapeMarkdown;

// Subjects, CVE descriptions and crash titles are strangers' text: no escape sequence reaches a terminal.
function render(format: ReportFormat, title: string, intro: string[], head: string[], rows: string[][]): string {
  if (format === 'text') {
    const t = (r: string[]) => r.map(escapeLine);
    return `${escapeLine(title)}\n${t(intro).join('\n')}\n\n${table(head, rows.map(t))}`;
  }
  if (format === 'markdown') {
    return [
      `# ${md(title)}`,
      '',
      ...intro.map((l) => `- ${md(l)}`),
      '',
      `| ${head.map(md).join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${r.map(md).join(' | ')} |`),
      '',
    ].join('\n');
  }
  const cells = (r: string[], tag: string) => r.map((c) => `<${tag}>${esc(c)}</${tag}>`).join('');
  return [
    '<!doctype html><html><head><meta charset="utf-8"><title>' + esc(title) + '</title>',
    '<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}</style></head><body>',
    `<h1>${esc(title)}</h1><ul>${intro.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`,
    `<table><tr>${cells(head, 'th')}</tr>`,
    ...rows.map((r) => `<tr>${cells(r, 'td')}</tr>`),
    '</table></body></html>',
    '',
  ].join('\n');
}

export function renderCves(r: CveQueryResult, format: ReportFormat): string {
  const open = r.findings.filter((f) => f.status === 'open');
  const name = r.debianVersion ? `${r.debianVersion} (Debian, upstream ${r.kernel})` : r.kernel;
  const intro = [
    `${open.length} CVEs open in ${name} (${r.findings.length} affect plain upstream ${r.kernel}; ${r.indexSize} CVEs indexed)`,
    `${r.findings.filter((f) => !f.fixedIn).length} of them have no fix on the ${r.branch} branch`,
  ];
  if (r.newestKnownFix)
    intro.push(`the data's newest ${r.branch} fix is ${r.newestKnownFix}: a newer kernel looks only as fixed as that`);
  if (r.distro) {
    const from = r.distro.origin === 'changelog' ? `changelog ${r.distro.dir}` : `packaging ${r.distro.dir}`;
    intro.push(
      `Debian's fixes counted from ${from} (${r.distro.version ?? 'unknown version'}${r.distro.upTo ? `, uploads up to ${r.distro.upTo}` : ''}): ${r.distro.closedByPatch} closed by distro patches, ${r.distro.closedPerChangelog} fixed per the changelog (upstream stable releases the CVE data does not know yet)${r.distro.reopenedByRevert ? `, ${r.distro.reopenedByRevert} open again (a later upload reverted the fix)` : ''}`,
    );
  }
  if (r.distroNote) intro.push(r.distroNote);
  if (r.problems.length) intro.push(`${r.problems.length} malformed records skipped (see --json)`);
  return render(format, `CVEs affecting Linux ${name}`, intro, CVE_HEAD, r.findings.map(cveRow));
}

function gitRow(f: GitFinding): string[] {
  return [
    short(f.fixCommit),
    f.status,
    f.subject,
    f.evidence,
    [...f.cves, ...f.syzbot.map((s) => `syzbot+${s}`)].join(' '),
  ];
}

export function renderGit(r: GitGapReport, format: ReportFormat): string {
  const intro = [
    `${r.missing.length} upstream fixes missing from ${r.branch} (upstream ${r.upstream}${r.since ? ` since ${r.since}` : ''})`,
    `${r.reverted.length} fixes carried and later reverted`,
    `${r.carried.length} relevant fixes carried (by backport reference, patch-id or subject+author); ${r.fixesConsidered} fixes among ${r.upstreamCommits} upstream commits, ${r.branchCommits} branch commits read`,
  ];
  return render(
    format,
    `Patch gap of ${r.branch}`,
    intro,
    ['commit', 'status', 'subject', 'evidence', 'refs'],
    [...r.missing, ...r.reverted].map(gitRow),
  );
}

export function renderMatches(ms: CrashMatch[], kernel: string, format: ReportFormat): string {
  const rows: string[][] = [];
  for (const m of ms) {
    const title = m.count > 1 ? `${m.title} (x${m.count})` : m.title;
    if (m.bugs.length === 0) rows.push([title, m.verdict, '', '', '']);
    for (const b of m.bugs) {
      const has = b.affected
        ? `${kernel} lacks the fix${b.fixedIn ? ` (fixed in ${b.fixedIn})` : ''}`
        : `${kernel} has the fix or never had the bug`;
      rows.push([title, b.cve, b.fixCommits.map(short).join(' '), has, b.summary]);
    }
  }
  const reports = ms.reduce((n, m) => n + m.count, 0);
  return render(
    format,
    `Known upstream bugs for crashes on ${kernel}`,
    [
      `${reports} crash reports with ${ms.length} distinct titles, ${ms.filter((m) => m.bugs.length).length} titles matched`,
    ],
    ['crash title (times seen)', 'CVE', 'fix', `in ${kernel}`, 'summary'],
    rows,
  );
}
