// `kdk gap cves`: every CVE of the index that affects one exact kernel version, with the fixes it lacks,
// and (given a distro's packaging) which of them the distro closes with its own patches.
import type { Problem } from './dyad.js';
import type { Verdict } from './rule.js';
import { branchOf, parseVersion, type Version } from './version.js';
import type { CveIndex, IndexedCve } from './index-build.js';
import { tableOf, type CveTable } from './cve-table.js';
import type { DistroSource, DistroClosure } from './distro.js';
import { distroClosure } from './distro.js';

export interface CveFinding {
  cve: string;
  /** GapFinding status: `open`, or `fixed-by-distro-patch` / `fixed` when the distro's packaging closes it. */
  status: 'open' | 'fixed' | 'fixed-by-distro-patch';
  kernel: string;
  branch: string;
  /** The fix to take: the one on the asked branch when there is one, else the mainline fix. */
  fixCommit: string;
  /** Fixing commits: those on the asked branch first, then the mainline fix(es). */
  fixCommits: string[];
  /** First release of the branch with the fix; undefined: no fix on this branch. */
  fixedIn?: string;
  cause: string;
  summary: string;
  files: string[];
  crashTitle?: string;
  /** Open: why the version is affected (same as cause); closed: the patch file or changelog line. */
  evidence: string;
}

export interface CveQueryResult {
  kernel: string;
  branch: string;
  /** Newest fix release the index knows on this branch: a newer kernel looks only as fixed as that. */
  newestKnownFix?: string;
  indexSize: number;
  findings: CveFinding[];
  problems: Problem[];
  distro?: {
    dir: string;
    version?: string;
    /** Where the distro's fixes were read: its packaging (patches + changelog) or only its changelog. */
    origin?: 'packaging' | 'changelog';
    /** Uploads counted up to this Debian version (`--kernel 6.1.192-3`). */
    upTo?: string;
    patches: number;
    closedByPatch: number;
    closedPerChangelog: number;
    /** Fixed per the changelog, then reverted by a later upload: open again. */
    reopenedByRevert: number;
  };
  /** The Debian version asked about (`--kernel 6.1.192-3`), when one was. */
  debianVersion?: string;
  /** Said with the results: why the distro's own fixes are not counted, or what their source lacks. */
  distroNote?: string;
}

function finding(c: IndexedCve, v: Version, verdict: Verdict): CveFinding {
  const onBranch: string[] = [];
  for (const f of c.fixes ? c.fixes.split(' ') : []) {
    const [ver, commit] = f.split('=');
    const fv = parseVersion(ver);
    if (fv && (onStableBranch(v) ? fv.kind === 'stable' && branchOf(fv) === branchOf(v) : fv.kind === 'mainline')) {
      onBranch.push(commit);
    }
  }
  return {
    cve: c.id,
    status: 'open',
    kernel: v.text,
    branch: onStableBranch(v) ? branchOf(v) : 'mainline',
    fixCommit: onBranch[0] ?? c.sha1[0] ?? '',
    fixCommits: [...new Set([...onBranch, ...c.sha1])],
    fixedIn: verdict.fixedIn,
    cause: verdict.cause ?? '',
    evidence: verdict.cause ?? '',
    summary: c.summary,
    files: c.files,
    crashTitle: c.crashes.find((x) => x.keys.length > 0)?.title ?? c.crashes[0]?.title,
  };
}

/** Releases and stable versions are judged on their stable branch; -rc versions on mainline. */
const onStableBranch = (v: Version) => v.kind === 'stable' || v.rc === 0;

export function queryCves(
  index: CveIndex | CveTable,
  v: Version,
  distro?: DistroSource,
  about: { debianVersion?: string; distroNote?: string } = {},
): CveQueryResult {
  const table = 'format' in index ? tableOf(index) : index;
  // Only the CVEs that affect v are read in full (an index file reads and parses their lines alone).
  const hits: number[] = [];
  const verdicts: Verdict[] = [];
  for (let i = 0; i < table.size; i++) {
    const verdict = table.judge(i, v);
    if (!verdict.affected) continue;
    hits.push(i);
    verdicts.push(verdict);
  }
  const affected = new Map<string, IndexedCve>();
  const findings = table.cves(hits).map((c, k) => {
    affected.set(c.id, c);
    return finding(c, v, verdicts[k]);
  });
  const result: CveQueryResult = {
    kernel: v.text,
    branch: onStableBranch(v) ? branchOf(v) : 'mainline',
    newestKnownFix:
      onStableBranch(v) && table.newestFix[branchOf(v)] !== undefined
        ? `${branchOf(v)}.${table.newestFix[branchOf(v)]}`
        : undefined,
    indexSize: table.size,
    findings,
    problems: table.problems,
    ...(about.debianVersion ? { debianVersion: about.debianVersion } : {}),
    ...(about.distroNote ? { distroNote: about.distroNote } : {}),
  };
  if (distro) applyDistro(result, affected, distro);
  return result;
}

function applyDistro(result: CveQueryResult, byId: Map<string, IndexedCve>, distro: DistroSource): void {
  let closedByPatch = 0;
  let closedPerChangelog = 0;
  let reopenedByRevert = 0;
  for (const f of result.findings) {
    const c = byId.get(f.cve)!;
    const fixCommits = [...c.sha1, ...(c.fixes ? c.fixes.split(' ').map((f) => f.split('=')[1]) : [])];
    const closure: DistroClosure | undefined = distroClosure(distro, f.cve, fixCommits, result.kernel);
    if (!closure) continue;
    f.evidence = closure.evidence;
    if (closure.kind === 'reverted') {
      reopenedByRevert++;
      continue;
    }
    f.status = closure.kind;
    if (closure.kind === 'fixed-by-distro-patch') closedByPatch++;
    else closedPerChangelog++;
  }
  result.distro = {
    dir: distro.dir,
    version: distro.version,
    origin: distro.patches.length || distro.changelogFile === 'debian/changelog' ? 'packaging' : 'changelog',
    upTo: distro.upTo,
    reopenedByRevert,
    patches: distro.patches.filter((p) => p.applied).length,
    closedByPatch,
    closedPerChangelog,
  };
}
