// The kernel ABI check: a build's exported symbols from Module.symvers (or a headers .deb), and Debian's
// buildcheck.py comparison of two of them. Reached from other stages through src/build/index.ts.
export { type AbiSymbol, parseSymvers, formatAbi, UNVERSIONED_CRC } from './symvers.js';
export { type IgnorePattern, ignorePattern, readIgnoreFile } from './ignore.js';
export { type AbiDiff, type AbiChange, type AbiVerdict, type ChangedType, diffAbi } from './diff.js';
export { type AbiDump, loadAbi } from './source.js';
export { type AbiExplanation, explainChanges } from './explain.js';
export { type AbigailReport, type AbigailTypeChange, parseAbigailReport, declaredName } from './abigail-report.js';
export { ABIGAIL_PACKAGES } from './abigail.js';
export { type AbiComparison, compareAbis } from './check.js';
export { type UnpackedHeaders, unpackHeadersDeb } from './headers-deb.js';
