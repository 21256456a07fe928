// The patch-gap stage's public API: the CVE index and version rule, distro packaging reader, git scanner and
// crash matcher.
export { parseVersion, parseKernelArg, branchOf, compareMainline, type Version } from './version.js';
export { parseDyad, type DyadLine, type Problem } from './dyad.js';
export { judge, judgeCode, compileDyad, type Verdict } from './rule.js';
export { normaliseTitle, quotedCrashes, type QuotedCrash } from './crash-title.js';
export { buildIndex, publishedDir, type CveIndex, type IndexedCve } from './index-build.js';
export { openIndex, setCurrentSource, sharedSnapshot, VULNS_GIT_URL, type SourceOptions } from './index-store.js';
export { queryCves, type CveFinding, type CveQueryResult } from './cves.js';
export { readDistroSource, parsePatchHeader, parseChangelog, distroClosure, type DistroSource } from './distro.js';
export { gitGap, type GitGapReport, type GitFinding } from './git-scan.js';
export { fixPresence, type FixPresence } from './fix-presence.js';
export { matchCrashes, type CrashMatch } from './match.js';
export { crashesFromFile } from './crash-input.js';
export { updateIndex } from './update.js';
export { renderCves, renderGit, renderMatches, type ReportFormat } from './render.js';
