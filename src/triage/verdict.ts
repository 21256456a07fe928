// The per-kernel answer to "is the upstream fix in our branch?", decided by commit (through gap's git scan),
// never by title: every fixing commit present as itself, present as a backport, missing, or unknown.
import { fixPresence, type FixPresence } from '../gap/index.js';

export type FixVerdict = 'fix-present' | 'fix-present-as-backport' | 'fix-missing' | 'unknown';

export interface VerdictResult {
  verdict: FixVerdict;
  evidence: string;
}

const short = (s?: string) => (s ?? '').slice(0, 12);

function describe(p: FixPresence): string {
  switch (p.state) {
    case 'direct':
      return `${short(p.commit)} in branch`;
    case 'backport':
      return `${short(p.commit)} as ${short(p.by)} (${p.how})`;
    case 'missing':
      return `${short(p.commit)} not in branch`;
    default:
      return `${short(p.commit)} unknown to the repository`;
  }
}

/** Combines the presence of each fixing commit: one missing fix is a missing fix. */
export function combine(ps: FixPresence[]): VerdictResult {
  if (ps.length === 0) return { verdict: 'unknown', evidence: 'no fixing commit known' };
  const evidence = ps.map(describe).join('; ');
  if (ps.some((p) => p.state === 'missing')) return { verdict: 'fix-missing', evidence };
  if (ps.some((p) => p.state === 'unknown')) return { verdict: 'unknown', evidence };
  if (ps.some((p) => p.state === 'backport')) return { verdict: 'fix-present-as-backport', evidence };
  return { verdict: 'fix-present', evidence };
}

export async function fixVerdict(repo: string, branch: string, commits: string[]): Promise<VerdictResult> {
  const hashes = [...new Set(commits.filter(Boolean))];
  if (hashes.length === 0) return combine([]);
  return combine(await fixPresence(repo, branch, hashes));
}
