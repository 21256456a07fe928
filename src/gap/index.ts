// The patch-gap stage's public API: the CVE index and version rule, distro packaging reader, git scanner and
// crash matcher. The git scanner, the updater and the crash reader are loaded when called, so that a `gap cves`
// query (a command that should answer in a blink) loads only what it uses.
import type { GitGapOptions, GitGapReport } from './git-scan.js';
import type { CrashInput } from './match.js';
import type { OpenedIndex } from './index-store.js';
import type { Progress } from '../util/progress.js';
export { parseVersion, parseKernelArg, branchOf, compareMainline, inRelease, type Version } from './version.js';
export { parseDyad, type DyadLine, type Problem } from './dyad.js';
export { judge, judgeCode, compileDyad, type Verdict } from './rule.js';
export { normaliseTitle, type QuotedCrash } from './crash-title.js';
export { buildIndex, publishedDir, type CveIndex, type IndexedCve } from './index-build.js';
export { openIndex, setCurrentSource, sharedSnapshot, VULNS_GIT_URL, type SourceOptions } from './index-store.js';
export { queryCves, type CveFinding, type CveQueryResult } from './cves.js';
export {
  readDistroSource,
  readChangelogFile,
  parsePatchHeader,
  parseChangelog,
  distroClosure,
  type DistroSource,
} from './distro.js';
export { parseKernelSpec, chooseDistroSource, linuxSourceChangelog, type KernelSpec } from './debian-fixes.js';
export { compareDebianVersions, parseDebianKernel } from './debian-version.js';
export type { GitGapOptions, GitGapReport, GitFinding } from './git-scan.js';
export { fixPresence, type FixPresence } from './fix-presence.js';
export { matchCrashes, type CrashMatch } from './match.js';
export { mvpCatches, sharedSyzkallerCorpus, type Catches } from './mvp-catches.js';

export async function gitGap(opts: GitGapOptions): Promise<GitGapReport> {
  return (await import('./git-scan.js')).gitGap(opts);
}

export async function crashesFromFile(file: string): Promise<CrashInput[]> {
  return (await import('./crash-input.js')).crashesFromFile(file);
}

export async function updateIndex(from: string, progress?: Progress): Promise<OpenedIndex & { source: string }> {
  return (await import('./update.js')).updateIndex(from, progress);
}
export { renderCves, renderGit, renderMatches, type ReportFormat } from './render.js';
export { mvpPlan, type MvpPlanOptions } from './mvp-plan.js';
