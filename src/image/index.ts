// The image stage's API: kdk's initramfs (busybox + programs), static reproducer builds, Debian disk images.
export {
  buildInitramfs,
  programsFromFiles,
  INITRAMFS_PACKAGES,
  type GuestProgram,
  type GuestFile,
} from './initramfs.js';
export { compileStatic } from './compile.js';
export { newcArchive, type CpioEntry } from './cpio.js';
export { MARKER, MARK_USERSPACE, MARK_START, MARK_EXIT, MARK_DONE, GUEST_PROG_DIR } from './guest-init.js';
export { buildDebianImage, exportDebianImage, DEBIAN_IMAGE_PACKAGES, type DebianImage } from './debian-image.js';
