// Whether the swept kernel carries a bundle's fix. With a git tree and branch, the gap stage decides by commit
// (the fix or a backport naming it or patching the same way, gap's fixPresence); without one, by version: the
// bundle's `fixedIn` releases (and its stable backports' versions) against the kernel's release. Between the
// two, when the kernel's source tree is known and the bundle carries its fix's diff (fix.patch): by the diff.
import { compareMainline, fixPresence, inRelease, parseKernelArg, parseVersion, type Version } from '../gap/index.js';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { patchedFiles } from '../distro/index.js';
import { inputError } from '../util/errors.js';
import type { BugJson } from '../vm/index.js';

export interface FixAnswer {
  state: 'present' | 'missing' | 'unknown';
  /** How it was decided, in words (the release compared, the branch commit that carries it). */
  how: string;
}

/** A kernel release as a version: `6.1.176`, `6.11-rc3`; Debian's ABI names (6.1.0-28-amd64) say nothing. */
export function releaseVersion(release: string | undefined): Version | undefined {
  if (!release) return undefined;
  const m = /^(\d+\.\d+(?:\.\d+)?(?:-rc\d+)?)(.*)$/.exec(release);
  if (!m) return undefined;
  if (/^\d+\.\d+\.0$/.test(m[1]) && /^-\d/.test(m[2])) return undefined; // a distro ABI number, not a sublevel
  try {
    return parseKernelArg(m[1]);
  } catch {
    return undefined;
  }
}

function fixVersions(bug: BugJson): Version[] {
  const texts = [...(bug.fixedIn ?? []), ...(bug.fix?.stable ?? []).map((s) => s.version)];
  return texts.map((t) => parseVersion(t)).filter((v): v is Version => v !== undefined);
}

const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function fixByVersion(bug: BugJson, kernel: Version | undefined): FixAnswer {
  const fixes = fixVersions(bug);
  if (!kernel) return { state: 'unknown', how: 'the kernel release is unknown (give --kernel-version)' };
  if (fixes.length === 0) return { state: 'unknown', how: 'the bundle names no fixedIn version' };
  const mainline = fixes.filter((f) => f.kind === 'mainline');
  if (kernel.kind === 'stable') {
    const branch = fixes.find((f) => f.kind === 'stable' && same(f.base, kernel.base));
    if (branch?.kind === 'stable')
      return kernel.patch >= branch.patch
        ? { state: 'present', how: `${kernel.text} >= ${branch.text}` }
        : { state: 'missing', how: `${kernel.text} < ${branch.text}` };
    const early = mainline.find((m) => inRelease(m, kernel.base));
    if (early) return { state: 'present', how: `fixed in mainline ${early.text}, before ${kernel.base.join('.')}` };
    return mainline.length
      ? { state: 'missing', how: `no ${kernel.base.join('.')} backport of the ${mainline[0].text} fix is listed` }
      : { state: 'unknown', how: `no fixedIn version on the ${kernel.base.join('.')} branch` };
  }
  if (mainline.length === 0) return { state: 'unknown', how: 'only stable fixes listed, the kernel is mainline' };
  const first = mainline.sort(compareMainline)[0];
  return compareMainline(kernel, first) >= 0
    ? { state: 'present', how: `${kernel.text} >= ${first.text}` }
    : { state: 'missing', how: `${kernel.text} < ${first.text}` };
}

/** By commit, in the user's tree: present when the fix or any listed backport is in the branch. */
export async function fixInBranch(bug: BugJson, repo: string, branch: string): Promise<FixAnswer> {
  if (!bug.fix) return { state: 'unknown', how: 'the bundle names no fix commit' };
  const commits = [bug.fix.commit, ...(bug.fix.stable ?? []).map((s) => s.commit)];
  const found = await fixPresence(repo, branch, commits);
  const hit = found.find((f) => f.state === 'direct' || f.state === 'backport');
  if (hit) return { state: 'present', how: `${branch} has ${hit.commit} (${hit.how}: ${hit.by})` };
  if (found.some((f) => f.state === 'missing')) return { state: 'missing', how: `${branch} lacks ${bug.fix.commit}` };
  return { state: 'unknown', how: `${repo} does not know ${commits.join(', ')}` };
}

/**
 * By the fix's own diff against the kernel's source tree (a tree without git history, like Debian's
 * linux-source tarball): present when the bundle's fix.patch reverses cleanly (its added lines are there),
 * missing when it applies forward. `patch --dry-run` writes nothing; the diff's paths are checked first.
 */
export function fixByPatch(patchFile: string, srcTree: string): FixAnswer | undefined {
  if (!existsSync(patchFile)) return undefined;
  const st = lstatSync(patchFile);
  if (!st.isFile()) throw inputError('fix.patch is not a regular file (symlinks refused)', patchFile);
  patchedFiles(readFileSync(patchFile, 'utf8'), patchFile);
  const dry = (reverse: boolean) =>
    spawnSync(
      'patch',
      [...(reverse ? ['-R'] : []), '-p1', '--dry-run', '--batch', '--force', '-s', '-d', srcTree, '-i', patchFile],
      { encoding: 'utf8', timeout: 60_000 },
    ).status === 0;
  if (dry(true)) return { state: 'present', how: `fix.patch is applied in ${srcTree}` };
  if (dry(false)) return { state: 'missing', how: `fix.patch applies to ${srcTree}: the fix is not there` };
  return { state: 'unknown', how: `fix.patch neither applies nor reverses in ${srcTree}` };
}
