// `kdk gap git`: upstream fixes a distro branch lacks, and fixes it carried and then reverted.
// Pass 1 streams the upstream commits the branch does not contain and keeps those with `Fixes:` tags.
// Pass 2 streams the branch's history once and notes which of those fixes' targets it holds (the commit itself
// or a backport naming it), which fixes it carries under another id (a backport naming them, or the same
// subject and author), and its reverts. Pass 3 asks `git patch-id --stable` about the few fixes still unaccounted
// for, against the branch's own commits that touch the same files.
import { git, gitSpawn, resolveCommit } from '../util/git.js';
import type { Progress } from '../util/progress.js';
import { streamLog, type LogCommit } from './git-log.js';
import { PrefixIndex, fixesTags, revertTarget, upstreamRefs } from './prefix.js';

export interface GitGapOptions {
  repo: string;
  branch: string;
  upstream: string;
  since?: string;
  progress?: Progress;
}

export interface GitFinding {
  fixCommit: string;
  subject: string;
  author: string;
  branch: string;
  status: 'open' | 'reverted';
  /** The fixed commits and how the branch holds each (`direct` or the backport's id). */
  fixes: { target: string; presentAs: string; via: 'direct' | 'backport' }[];
  cves: string[];
  syzbot: string[];
  evidence: string;
}

export interface CarriedFix {
  fixCommit: string;
  subject: string;
  how: 'backport-reference' | 'patch-id' | 'subject+author';
  by: string;
}

export interface GitGapReport {
  repo: string;
  branch: string;
  upstream: string;
  since?: string;
  upstreamCommits: number;
  branchCommits: number;
  fixesConsidered: number;
  missing: GitFinding[];
  reverted: GitFinding[];
  carried: CarriedFix[];
}

interface Candidate {
  /** What is kept of the upstream commit (not its message: a long history holds many fixes). */
  c: { sha: string; author: string; subject: string; cves: string[]; syzbot: string[]; upstream: string[] };
  targets: string[];
  present: Map<string, { presentAs: string; via: 'direct' | 'backport' }>;
  carried?: { how: CarriedFix['how']; by: string };
}

const key = (subject: string, author: string) => `${author}\x1f${subject.trim()}`;

/** The refs as full commit hashes: what every git call below gets (a name never reaches git log). */
function resolveRefs(o: GitGapOptions): GitGapOptions {
  return {
    ...o,
    branch: resolveCommit(o.repo, o.branch, '--branch'),
    upstream: resolveCommit(o.repo, o.upstream, '--upstream'),
    since: o.since === undefined ? undefined : resolveCommit(o.repo, o.since, '--since'),
  };
}

async function collectCandidates(o: GitGapOptions): Promise<{ list: Candidate[]; scanned: number }> {
  const list: Candidate[] = [];
  const range = [o.upstream, `^${o.branch}`, ...(o.since ? [`^${o.since}`] : [])];
  const scanned = await streamLog(o.repo, range, (c) => {
    const targets = fixesTags(c.body);
    if (!targets.length) return;
    const kept = {
      sha: c.sha,
      author: c.author,
      subject: c.subject,
      cves: cvesOf(c.body),
      syzbot: syzbotOf(c.body),
      // A stable-branch fix is itself a backport: the branch may carry it under the mainline id it names.
      upstream: upstreamRefs(c.body),
    };
    list.push({ c: kept, targets, present: new Map() });
  });
  return { list, scanned };
}

interface BranchScan {
  commits: number;
  reverts: { sha: string; target: string; subject: string }[];
}

/** One pass over the branch: targets present, fixes carried by reference or subject+author, reverts. */
async function scanBranch(o: GitGapOptions, cands: Candidate[]): Promise<BranchScan> {
  const targets = new PrefixIndex<Candidate>();
  const bySha = new PrefixIndex<Candidate>();
  const bySubject = new Map<string, Candidate[]>();
  for (const cand of cands) {
    for (const t of cand.targets) targets.add(t, cand);
    bySha.add(cand.c.sha, cand);
    for (const u of cand.c.upstream) bySha.add(u, cand);
    const k = key(cand.c.subject, cand.c.author);
    bySubject.set(k, [...(bySubject.get(k) ?? []), cand]);
  }
  const reverts: BranchScan['reverts'] = [];
  const mark = (id: string, presentAs: string, via: 'direct' | 'backport') => {
    for (const cand of targets.find(id)) {
      for (const t of cand.targets) {
        if ((id.startsWith(t) || t.startsWith(id)) && !cand.present.has(t)) cand.present.set(t, { presentAs, via });
      }
    }
  };
  const commits = await streamLog(o.repo, [o.branch], (d) => {
    mark(d.sha, d.sha, 'direct');
    const reverted = revertTarget(d.body);
    if (reverted) {
      reverts.push({ sha: d.sha, target: reverted, subject: d.subject });
      return; // a revert's "commit X upstream" names what it undoes, not what it carries
    }
    for (const ref of upstreamRefs(d.body)) {
      mark(ref, d.sha, 'backport');
      for (const cand of bySha.find(ref)) cand.carried ??= { how: 'backport-reference', by: d.sha };
    }
    for (const cand of bySubject.get(key(d.subject, d.author)) ?? []) {
      cand.carried ??= { how: 'subject+author', by: d.sha };
    }
  });
  return { commits, reverts };
}

/** `git patch-id --stable` of the given git log output, as commit → patch id. */
async function patchIds(repo: string, logArgs: string[], stdin?: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    // No external diff or textconv driver of the repository's: they are commands, and they change the patch.
    const { child: log, untrack: u1 } = gitSpawn(
      repo,
      [
        'log',
        '-p',
        '--no-color',
        '--no-ext-diff',
        '--no-textconv',
        '--no-show-signature',
        '--format=commit %H',
        ...logArgs,
      ],
      [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'ignore'],
    );
    const { child: pid, untrack: u2 } = gitSpawn(repo, ['patch-id', '--stable'], ['pipe', 'pipe', 'ignore']);
    const untrack = [u1, u2];
    pid.stdin!.on('error', () => undefined); // patch-id may finish first; its result is still read
    log.stdout!.pipe(pid.stdin!);
    if (stdin !== undefined) {
      log.stdin!.on('error', () => undefined);
      log.stdin!.end(stdin);
    }
    let buf = '';
    pid.stdout!.setEncoding('utf8');
    pid.stdout!.on('data', (c: string) => (buf += c));
    pid.on('error', reject);
    log.on('error', reject);
    pid.on('close', () => {
      untrack.forEach((u) => u());
      for (const line of buf.split('\n')) {
        const [id, commit] = line.split(' ');
        if (id && commit) out.set(commit, id);
      }
      resolve();
    });
  });
  return out;
}

/** Commit → files it touches, for `git log <options> <revs> -- <paths> --name-only` (commits given on stdin
 * when `stdin` is set); revs are resolved commits only, behind `--end-of-options`. */
async function filesOf(
  repo: string,
  opts: string[],
  revs: string[],
  paths: string[],
  stdin?: string,
): Promise<Map<string, string[]>> {
  const args = ['log', '--no-merges', '--no-show-signature', '--format=%x00%H', '--name-only', ...opts];
  const r = await git(repo, [...args, '--end-of-options', ...revs, '--', ...paths], {
    input: stdin,
    maxBuffer: 1 << 30,
  });
  const out = new Map<string, string[]>();
  for (const rec of r.stdout.split('\0')) {
    const [sha, ...files] = rec.split('\n').filter(Boolean);
    if (sha) out.set(sha, files);
  }
  return out;
}

/** Backports name their upstream commit; only the branch's other commits can carry a fix under another id. */
const BACKPORT_GREP = [
  '-E',
  '--invert-grep',
  '--grep=commit [0-9a-f]{12,40} upstream',
  '--grep=[Uu]pstream commit [0-9a-f]{12,40}',
  '--grep=cherry.picked from commit',
];

/**
 * Mark candidates carried when one of the branch's own commits (not in upstream, not a named backport) that
 * touches the same files has the same `git patch-id --stable`. Diffs are made only for the commits whose files
 * overlap, so the cost follows the branch's own patches, not the number of fixes.
 */
async function matchPatchIds(o: GitGapOptions, open: Candidate[], theirs: Map<string, string[]>): Promise<void> {
  if (open.length === 0) return;
  const theirFiles = new Set([...theirs.values()].flat());
  if (theirFiles.size === 0) return;
  // Path-limited (cheap) when the branch's own patches touch a modest set of files.
  const paths = theirFiles.size <= 2000 ? [...theirFiles] : [];
  const shas = open.map((c) => c.c.sha).join('\n') + '\n';
  const mineFiles = await filesOf(o.repo, ['--no-walk=unsorted', '--stdin'], [], paths, shas);
  const overlapping = open.filter((c) => (mineFiles.get(c.c.sha) ?? []).some((f) => theirFiles.has(f)));
  if (overlapping.length === 0) return;
  const wanted = new Set(overlapping.flatMap((c) => mineFiles.get(c.c.sha) ?? []));
  const rivals = [...theirs].filter(([, files]) => files.some((f) => wanted.has(f))).map(([sha]) => sha);
  const stdin = (shas: string[]) => shas.join('\n') + '\n';
  const mine = await patchIds(o.repo, ['--no-walk=unsorted', '--stdin'], stdin(overlapping.map((c) => c.c.sha)));
  const byId = new Map<string, string>();
  for (const [commit, id] of await patchIds(o.repo, ['--no-walk=unsorted', '--stdin'], stdin(rivals)))
    byId.set(id, commit);
  for (const cand of overlapping) {
    const id = mine.get(cand.c.sha);
    const by = id ? byId.get(id) : undefined;
    if (by) cand.carried = { how: 'patch-id', by };
  }
}

const cvesOf = (body: string) => [...new Set([...body.matchAll(/\bCVE-\d{4}-\d{4,}\b/g)].map((m) => m[0]))];
const syzbotOf = (body: string) => [
  ...new Set([...body.matchAll(/Reported-by:\s*syzbot\+([0-9a-f]+)@/gi)].map((m) => m[1])),
];

/** Active reverts (a reverted revert re-applies its target), with the reverted commit's message. */
async function revertedFixes(
  o: GitGapOptions,
  reverts: BranchScan['reverts'],
  cands: Candidate[],
): Promise<GitFinding[]> {
  const bySha = new PrefixIndex<Candidate>();
  for (const c of cands) bySha.add(c.c.sha, c);
  const revIndex = new PrefixIndex<BranchScan['reverts'][number]>();
  for (const r of reverts) revIndex.add(r.target, r);
  const active = (r: BranchScan['reverts'][number], depth = 0): boolean =>
    depth > 50 || !reverts.some((x) => x.target.startsWith(r.sha.slice(0, x.target.length)) && active(x, depth + 1));
  const live = reverts.filter((r) => active(r));
  if (live.length === 0) return [];
  const info = new Map<string, LogCommit>();
  const shas = live.map((r) => r.target);
  const res = await git(
    o.repo,
    ['log', '-z', '--no-walk=unsorted', '--no-show-signature', '--stdin', '--format=%H%x1f%an <%ae>%x1f%s%x1f%b'],
    { input: shas.join('\n') + '\n' },
  );
  for (const rec of res.stdout.split('\0')) {
    const [sha, author, subject, body] = rec.split('\x1f');
    if (sha) info.set(sha.trim(), { sha: sha.trim(), author, subject, body: body ?? '' });
  }
  const out: GitFinding[] = [];
  for (const r of live) {
    const x = [...info.values()].find((c) => c.sha.startsWith(r.target));
    if (!x) continue;
    const isFix = fixesTags(x.body).length > 0 || upstreamRefs(x.body).length > 0 || cvesOf(x.body).length > 0;
    if (!isFix) continue;
    const up = upstreamRefs(x.body)[0];
    // Carried again by a later backport (not the reverted commit): the branch has the fix after all.
    const again = up ? bySha.find(up).find((c) => c.carried && c.carried.by !== x.sha) : undefined;
    if (again) continue;
    out.push({
      fixCommit: up ?? x.sha,
      subject: x.subject,
      author: x.author,
      branch: o.branch,
      status: 'reverted',
      fixes: fixesTags(x.body).map((t) => ({ target: t, presentAs: '', via: 'direct' as const })),
      cves: cvesOf(x.body),
      syzbot: syzbotOf(x.body),
      evidence: `carried as ${x.sha.slice(0, 12)}, reverted by ${r.sha.slice(0, 12)} ("${r.subject}")`,
    });
  }
  return out;
}

export async function gitGap(named: GitGapOptions): Promise<GitGapReport> {
  const o = resolveRefs(named);
  // The branch's own (non-backport) commits and their files, read while the two log passes run.
  const own = filesOf(o.repo, BACKPORT_GREP, [o.branch, `^${o.upstream}`], []);
  own.catch(() => undefined); // awaited below; this only keeps an early failure elsewhere from leaving it unhandled
  o.progress?.step(
    `reading upstream fixes: git log ${named.upstream} ^${named.branch}${named.since ? ` ^${named.since}` : ''}`,
  );
  const { list, scanned } = await collectCandidates(o);
  o.progress?.step(`${list.length} fixes among ${scanned} upstream commits; reading ${named.branch}`);
  const scan = await scanBranch(o, list);
  const relevant = list.filter((c) => c.present.size > 0);
  const unaccounted = relevant.filter((c) => !c.carried);
  o.progress?.step(`${scan.commits} branch commits read; comparing patch ids of ${unaccounted.length} fixes`);
  await matchPatchIds(o, unaccounted, await own);
  o.progress?.step(`checking ${scan.reverts.length} reverts`);
  const missing: GitFinding[] = relevant
    .filter((c) => !c.carried)
    .map((c) => ({
      fixCommit: c.c.sha,
      subject: c.c.subject,
      author: c.c.author,
      branch: named.branch,
      status: 'open',
      fixes: [...c.present].map(([target, p]) => ({ target, ...p })),
      cves: c.c.cves,
      syzbot: c.c.syzbot,
      evidence: [...c.present]
        .map(
          ([t, p]) =>
            `fixes ${t} present ${p.via === 'direct' ? 'directly' : `as backport ${p.presentAs.slice(0, 12)}`}`,
        )
        .join('; '),
    }));
  const carried = relevant
    .filter((c) => c.carried)
    .map((c) => ({ fixCommit: c.c.sha, subject: c.c.subject, how: c.carried!.how, by: c.carried!.by }));
  // Findings name the branch as the user did (o.branch is its resolved hash).
  const reverted = await revertedFixes({ ...o, branch: named.branch }, scan.reverts, list);
  return {
    repo: o.repo,
    branch: named.branch,
    upstream: named.upstream,
    since: named.since,
    upstreamCommits: scanned,
    branchCommits: scan.commits,
    fixesConsidered: list.length,
    missing,
    reverted,
    carried,
  };
}
