// The sandbox a reproducer is compiled in. A reproducer is a stranger's C file: `#include "/etc/shadow"` would
// quote a host file in gcc's error, `.incbin` would embed one in the binary the guest prints, and
// `#include "/dev/zero"` would grow gcc without bound. So gcc runs under bubblewrap in empty namespaces
// (--unshare-all: no network, no host pids) with a root that holds only /usr read-only (the compiler, libc and
// the UAPI headers of linux-libc-dev; /usr/local hidden), a read-only copy of the source, an output directory,
// a private /tmp and /dev/null: no /etc, /home, /root, /proc or /dev/zero. prlimit bounds its address space,
// CPU time and the size of any file it writes; the caller adds a wall-clock limit.

export const SANDBOX_PACKAGES = ['bubblewrap'];

export const LIMITS = {
  /** Address space of each compiler process: a syzkaller reproducer needs well under 200 MiB. */
  memoryBytes: 768 * 1024 * 1024,
  cpuSeconds: 60,
  /** Largest file the compiler may write (the static binary is about 1 MiB). */
  fileBytes: 256 * 1024 * 1024,
  wallMs: 90_000,
};

/** Where extra read-only inputs appear in the sandbox (the target kernel's UAPI headers). */
export const SANDBOX_HEADERS = '/uapi';

/**
 * The bwrap + prlimit argv running `cmd` with `srcDir` at /src (read-only, the cwd) and `outDir` at /out, and
 * `headersDir` (installed UAPI headers) read-only at /uapi when given.
 */
export function sandboxArgv(srcDir: string, outDir: string, cmd: string[], headersDir?: string): string[] {
  return [
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--ro-bind', '/usr', '/usr',
    '--tmpfs', '/usr/local',
    '--symlink', 'usr/lib', '/lib',
    '--symlink', 'usr/lib64', '/lib64',
    '--symlink', 'usr/bin', '/bin',
    '--dev-bind', '/dev/null', '/dev/null',
    '--tmpfs', '/tmp',
    '--ro-bind', srcDir, '/src',
    '--bind', outDir, '/out',
    ...(headersDir ? ['--ro-bind', headersDir, SANDBOX_HEADERS] : []),
    '--chdir', '/src',
    '--clearenv',
    '--setenv', 'PATH', '/usr/bin',
    '--setenv', 'LC_ALL', 'C',
    '--',
    '/usr/bin/prlimit',
    `--as=${LIMITS.memoryBytes}`,
    `--cpu=${LIMITS.cpuSeconds}`,
    `--fsize=${LIMITS.fileBytes}`,
    ...cmd,
  ]; // prettier-ignore
}
