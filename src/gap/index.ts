// The patch-gap stage's public API: the CVE index and version rule, distro packaging reader, git scanner and
// crash matcher. The git scanner, the updater, the crash reader and the MVP-catches count (which pulls in the
// report and plan stages, zod among them) are loaded when called, so that a `gap cves` query (a command that
// should answer in a blink) loads only what it uses.
import type { GitGapOptions, GitGapReport } from './git-scan.js';
import type { CrashInput } from './match.js';
import type { Catches } from './mvp-catches.js';
import type { MvpPlanOptions } from './mvp-plan.js';
import type { MvpPlan } from '../plan/index.js';
import type { FixPresence } from './fix-presence.js';
import type { OpenedIndex } from './index-store.js';
import type { Progress } from '../util/progress.js';
export { parseVersion, parseKernelArg, branchOf, compareMainline, inRelease, type Version } from './version.js';
export { parseDyad, type DyadLine, type Problem } from './dyad.js';
export { judge, judgeCode, compileDyad, type Verdict } from './rule.js';
export { normaliseTitle, type QuotedCrash } from './crash-title.js';
export { buildIndex, publishedDir, type CveIndex, type IndexedCve } from './index-build.js';
export { type CveTable } from './cve-table.js';
export {
  openIndex,
  openCveTable,
  setCurrentSource,
  sharedSnapshot,
  VULNS_GIT_URL,
  type SourceOptions,
} from './index-store.js';
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
export type { FixPresence } from './fix-presence.js';
export { matchCrashes, type CrashMatch } from './match.js';
export type { Catches } from './mvp-catches.js';
export { sharedSyzkallerCorpus } from './shared-corpus.js';

export async function gitGap(opts: GitGapOptions): Promise<GitGapReport> {
  return (await import('./git-scan.js')).gitGap(opts);
}

export async function crashesFromFile(file: string): Promise<CrashInput[]> {
  return (await import('./crash-input.js')).crashesFromFile(file);
}

/** Loaded when called, with the git helpers it runs git through. */
export async function fixPresence(repo: string, branch: string, commits: string[]): Promise<FixPresence[]> {
  return (await import('./fix-presence.js')).fixPresence(repo, branch, commits);
}

/** Loaded when called: it reads the report and plan stages (and through them most of kdk). */
export async function mvpCatches(opts: { corpus?: string; tarball?: string } = {}): Promise<Catches> {
  return (await import('./mvp-catches.js')).mvpCatches(opts);
}

export async function updateIndex(from: string, progress?: Progress): Promise<OpenedIndex & { source: string }> {
  return (await import('./update.js')).updateIndex(from, progress);
}
export { renderCves, renderGit, renderMatches, type ReportFormat } from './render.js';
export type { MvpPlanOptions } from './mvp-plan.js';
/** Loaded when called, like mvpCatches: it reaches the report and plan stages, which `gap cves` never needs. */
export async function mvpPlan(opts: MvpPlanOptions = {}): Promise<MvpPlan> {
  return (await import('./mvp-plan.js')).mvpPlan(opts);
}
