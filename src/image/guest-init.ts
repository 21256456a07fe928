// The /init of kdk's initramfs, and the marker lines it prints so the host can follow the guest's progress.
// Markers start with a token no kernel message starts with, and each sits on its own line.

export const MARKER = '##KDK##';
export const MARK_USERSPACE = `${MARKER} userspace`;
export const MARK_START = `${MARKER} start`;
export const MARK_EXIT = `${MARKER} exit`;
export const MARK_DONE = `${MARKER} done`;

/** Where programs live in the guest; they run in name order (names are prefixed with their position). */
export const GUEST_PROG_DIR = '/kdk/prog';

/**
 * The init script. Kernel command-line switches it reads: `kdk.hold=1` keeps the guest up after the programs
 * (for gdb sessions), `kdk.noprog=1` skips the programs.
 */
export function initScript(): string {
  return `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs tmpfs /tmp 2>/dev/null
echo "${MARK_USERSPACE} $(uname -r)"
cmdline=$(cat /proc/cmdline)
case " $cmdline " in *" kdk.noprog=1 "*) ;; *)
  for p in ${GUEST_PROG_DIR}/*; do
    [ -x "$p" ] || continue
    name=\${p##*/}
    echo "${MARK_START} $name"
    (cd /tmp && "$p")
    echo "${MARK_EXIT} $name $?"
  done ;;
esac
echo "${MARK_DONE}"
case " $cmdline " in *" kdk.hold=1 "*) while :; do sleep 3600; done ;; esac
sync
# With QEMU's -no-reboot a reset ends the VM; it works without ACPI, unlike power-off.
reboot -f
`;
}
