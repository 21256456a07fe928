// The build stage's public API: build a flavour directory, the cached kernels other stages boot (the small test
// kernel, a kernel from a bundle's .config), and the build records other stages read.
export { buildFlavour, BUILD_PACKAGES } from './driver.js';
export { defaultLocalversion } from './localversion.js';
export type { BuildRequest } from './driver.js';
export { BuildRecord, loadRecords, saveRecord, debugRatios, recordsDir } from './record.js';
export { extractBuildErrors } from './errors.js';
export {
  buildKernel,
  buildDirFor,
  cachedKernel,
  configuredConfig,
  ensureRustHeadersDeb,
  kernelFromConfig,
  treeIdentity,
} from './kernel-cache.js';
export type { BuiltKernel, KernelBuildRecord, KernelBuildSpec } from './kernel-cache.js';
export { smallTestKernel, testKernelOptions, testKernelSpec, TEST_KERNEL_PROFILE } from './test-kernel.js';
export { rustSampleKernel, RUST_SAMPLE_OPTIONS, type RustSampleKernel } from './rust-kernel.js';
export { runMake, type MakeResult } from './make.js';
export { distccEnv, checkDistccHosts, DISTCC_PACKAGES } from './distcc.js';
export {
  type AbiSymbol,
  type AbiDiff,
  type AbiChange,
  type AbiVerdict,
  type AbiDump,
  type IgnorePattern,
  parseSymvers,
  formatAbi,
  readIgnoreFile,
  ignorePattern,
  diffAbi,
  loadAbi,
  explainChanges,
  type AbiExplanation,
  type ChangedType,
  type AbigailReport,
  parseAbigailReport,
  declaredName,
  ABIGAIL_PACKAGES,
  compareAbis,
  type AbiComparison,
  unpackHeadersDeb,
} from './abi/index.js';
export { buildOutOfTree, type OotRequest, type OotResult } from './oot.js';
export {
  checkRustHeaders,
  rustHeadersExit,
  rmetaRustc,
  completeRustHeadersDeb,
  type RustHeadersReport,
} from './rust-extmod.js';
export { rustExtmodNeeds, type RustNeed, type RustNeeds } from './rust-extmod-needs.js';
