// The triage stage's API: crash → bug dedup as syzbot does it, upstream bugs (syzbot's JSON, CVE records quoting
// crash titles) and the per-kernel fix verdicts. Pure decisions; the store persists them.
export { placeCrash, crashTitles, titleWithSeq, type BugStatus, type KnownBug, type Placement } from './dedup.js';
export { matchKey, parseSyzbot, readSyzbotFile, cveUpstreams, type UpstreamBug } from './upstream.js';
export { fixVerdict, combine, type FixVerdict, type VerdictResult } from './verdict.js';
