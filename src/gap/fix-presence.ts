// Whether a branch holds given upstream fixes, decided by commit: the commit itself in the branch's history, a
// backport naming it (`commit <sha> upstream`, `[ Upstream commit <sha> ]`, cherry-pick lines), or one of the
// branch's own commits with the same `git patch-id --stable`. Used by triage for its per-kernel fix verdicts.
import { git as hardenedGit } from '../util/git.js';
import { inputError } from '../util/errors.js';
import { streamLog } from './git-log.js';
import { upstreamRefs } from './prefix.js';

export interface FixPresence {
  commit: string;
  /** `unknown`: the repository has no such commit and no backport names it, so nothing can be compared. */
  state: 'direct' | 'backport' | 'missing' | 'unknown';
  how?: 'ancestor' | 'backport-reference' | 'patch-id';
  /** The branch commit that carries it. */
  by?: string;
}

// Through the hardened wrapper: the repository is the user's, its config must not run commands.
const git = (repo: string, args: string[], input?: string) => hardenedGit(repo, args, { input, maxBuffer: 1 << 30 });

async function resolveCommit(repo: string, sha: string): Promise<string | undefined> {
  if (!/^[0-9a-f]{7,40}$/i.test(sha)) return undefined;
  const r = await git(repo, ['rev-parse', '--verify', '--quiet', `${sha}^{commit}`]);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

async function patchIdOf(repo: string, logArgs: string[]): Promise<Map<string, string>> {
  const log = await git(repo, ['log', '-p', '--no-color', '--format=commit %H', ...logArgs]);
  const ids = await git(repo, ['patch-id', '--stable'], log.stdout);
  const out = new Map<string, string>();
  for (const line of ids.stdout.split('\n')) {
    const [id, commit] = line.split(' ');
    if (id && commit) out.set(commit, id);
  }
  return out;
}

/** The branch's commits since the fix's parent that touch the fix's files and patch the same way. */
async function samePatch(repo: string, branch: string, sha: string): Promise<string | undefined> {
  const files = (await git(repo, ['show', '--format=', '--name-only', sha])).stdout.split('\n').filter(Boolean);
  if (files.length === 0) return undefined;
  const mine = (await patchIdOf(repo, ['-1', sha])).get(sha);
  if (!mine) return undefined;
  const theirs = await patchIdOf(repo, ['--no-merges', branch, `^${sha}`, '--', ...files]);
  for (const [commit, id] of theirs) if (id === mine) return commit;
  return undefined;
}

export async function fixPresence(repo: string, branch: string, commits: string[]): Promise<FixPresence[]> {
  const b = await git(repo, ['rev-parse', '--verify', '--quiet', `${branch}^{commit}`]);
  if (b.code !== 0) throw inputError(`${branch}: no such branch or commit in ${repo}`);
  // From here on the branch is its resolved hash: a name never reaches git where it could read as an option.
  branch = b.stdout.trim();
  const out: FixPresence[] = [];
  for (const c of commits) {
    const full = await resolveCommit(repo, c);
    if (full && (await git(repo, ['merge-base', '--is-ancestor', full, branch])).code === 0) {
      out.push({ commit: c, state: 'direct', how: 'ancestor', by: full });
    } else out.push({ commit: c, state: full ? 'missing' : 'unknown' });
  }
  const open = out.filter((p) => p.state !== 'direct');
  if (open.length === 0) return out;
  // One pass over the branch for backports that name the fixes.
  await streamLog(repo, [branch], (d) => {
    for (const ref of upstreamRefs(d.body))
      for (const p of open)
        if (
          p.state !== 'backport' &&
          (ref.startsWith(p.commit.toLowerCase()) || p.commit.toLowerCase().startsWith(ref))
        )
          Object.assign(p, { state: 'backport', how: 'backport-reference', by: d.sha });
  });
  for (const p of open) {
    if (p.state !== 'missing') continue;
    const by = await samePatch(repo, branch, (await resolveCommit(repo, p.commit))!);
    if (by) Object.assign(p, { state: 'backport', how: 'patch-id', by });
  }
  return out;
}
