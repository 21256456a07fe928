// The flavour stage's public API: debug profiles, distro config hierarchies, and the debug flavour itself.
export { availableProfiles, composeProfiles, loadProfile, PROFILES_DIR, removedFrom } from './profiles.js';
export type { ComposedProfile, ProfileFile, ProfileOption, RequestedOption } from './profiles.js';
export { composeDebianBase, debianConfigFiles, listDebianFlavours, debianAbiname } from './debian-hierarchy.js';
export type { FlavourId, ComposedBase } from './debian-hierarchy.js';
export { composeKernelArk, readPriority } from './kernel-ark.js';
export { readDefines, parseDefines, definesGet, type Defines, type DefinesValue } from './debian-defines.js';
export { readFlatConfig, readFlatConfigText, flatConfigId } from './flat.js';
export { evaluateConfig, evaluateConfigC, mergeWithReasons } from './evaluate.js';
export { makeDebugFlavour, writeFlavour, reportJson, flavourManifest, SUPPORTED_RELEASES } from './debug-flavour.js';
export { FlavourManifest, MANIFEST_FILE, readFlavourManifest } from './manifest.js';
export { treeKernelVersion } from './tree-symbols.js';
export { defaultMergeInputs, DEFAULT_MERGE_PROFILE, type DefaultMerge } from './merge-defaults.js';
export type { FlavourRequest, FlavourResult } from './debug-flavour.js';
export type { ConfigValue, ConfigReason, BaseChange } from './flavour-report.js';
export { rustReadiness, rustSummary, DEBIAN_RUST_PACKAGES } from './rust-readiness.js';
export type { RustReadiness, RustTool } from './rust-readiness.js';
