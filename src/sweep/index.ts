// The sweep stage's API (`kdk sweep`): known bugs (bundles) against one kernel, each classified (reproduces,
// different-crash, no-crash, flaky, not-applicable, infra-error) and joined with whether the kernel has its fix
// (missing backport, regression, fix missing but not reproduced). It sits above gap (fix presence) and vm (runs).
export {
  sweep,
  expandBundleDirs,
  SWEEP_DEFAULTS,
  type SweepRequest,
  type SweepReport,
  type BundleResult,
} from './sweep.js';
export {
  classifyRuns,
  assess,
  type SweepVerdict,
  type Assessment,
  type RunOutcome,
  type Classified,
} from './classify.js';
export { fixByPatch, fixByVersion, fixInBranch, releaseVersion, type FixAnswer } from './fix.js';
export { RequirementChecker, parseRequirement, type MissingOption, type Requirement } from './requires.js';
export { resolveSweepKernel, bzImageRelease, type SweepKernel } from './kernel.js';
export { uapiHeaders } from './headers.js';
