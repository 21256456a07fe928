// The build stage's public API: build a flavour directory, and the build records other stages read.
export { buildFlavour, BUILD_PACKAGES } from './driver.js';
export type { BuildRequest } from './driver.js';
export { BuildRecord, loadRecords, saveRecord, debugRatios, recordsDir } from './record.js';
export { extractBuildErrors } from './errors.js';
