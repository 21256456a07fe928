// The distro stage: acquiring what a distribution ships, without touching the machine's own apt state. Debian's
// kernel source trees (linux-source-*) extracted into the cache, its shipped configs, its `linux` packaging (the
// debian/ directory) and private apt states for releases other than the machine's. Stages above (kconfig's tests,
// flavour, plan, build, vm) reach these only through this file.
export {
  DEBIAN_KERNEL_SERIES,
  KERNEL_BUILD_PACKAGES,
  type SourceTree,
  type DebianConfig,
  debianSourceTree,
  debianSourceTreeAt,
  debianReleaseSourceTree,
  debianConfigs,
  debianConfig,
  kernelSeries,
  treeKey,
  readMaybeGz,
} from './debian.js';
export { patchedTree, patchedFiles } from './patched-tree.js';
export { type DebianPackaging, debianPackaging, cachedPackagings, systemRelease } from './debian-source.js';
export { type ShippedConfig, STRIPPED_BY_DEBIAN, debianShippedConfig } from './debian-shipped-config.js';
export {
  type PrivateApt,
  debianMirrors,
  privateApt,
  aptSourceVersions,
  aptBinaryVersions,
  aptDownload,
  aptSourceBinaries,
  sortVersionsDesc,
} from './debian-apt.js';
