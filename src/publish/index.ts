// The publish stage's API: signed apt repositories of a flavour's .debs, their measured sizes for the plan,
// and Secure Boot signing of a kernel and its modules.
export { publish, poolDir, mergeEntries, currentGeneration, readManifest, KEYRING, COMPONENT } from './repo.js';
export type { PublishRequest, PublishResult, SuiteEntry, SuiteManifest } from './repo.js';
export type { KeySpec } from './gpg.js';
export { collectDebs, readDeb, type DebFile } from './debs.js';
export { sourcesEntry } from './sources.js';
export { publishedSizes, type PublishedSizes, type PublishedArchSizes } from './sizes.js';

/** Debian packages `kdk publish` runs: apt-ftparchive (apt-utils), gpg and gpgv. */
export const PUBLISH_PACKAGES = ['apt-utils', 'gnupg', 'gpgv'];
export { signKernelImage, signModules, signFileTool, moduleSignedBy, imageSignatures, findModules } from './sign.js';
export { checkSecureBootConfig, SECURE_BOOT_REQUIREMENTS, type SecureBootConfigCheck } from './secure-boot-config.js';
export { splitModuleSignature, unsignedModule } from './module-sig.js';
export { kernelImageInfo } from './efi-image.js';
export { signingFilesJson, certFingerprints, type FilesJson, type FilesJsonResult } from './files-json.js';
export { debMembers, type DebMember } from './deb-tar.js';

/** Debian packages `kdk sign` runs: sbsign/sbverify/sbattach, openssl, and gcc + libssl-dev for sign-file. */
export const SIGN_PACKAGES = ['sbsigntool', 'openssl', 'gcc', 'libssl-dev'];
