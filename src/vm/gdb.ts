// The gdb command for a guest held at its crash: QEMU's gdb stub on a free local port, the kernel's vmlinux for
// symbols (the guest runs with nokaslr, so they match), and, when the kernel was built with CONFIG_GDB_SCRIPTS,
// its own helpers (scripts/gdb: lx-dmesg, lx-symbols, lx-ps...). Without DWARF, `bt` still walks the stack
// through the crash site on a frame-pointer kernel (kdk's test kernel is one), naming each function.
import { dirname } from 'node:path';
import { shellCommand } from '../util/shell.js';

export interface GdbSession {
  port: number;
  vmlinux?: string;
  /** vmlinux-gdb.py of the kernel, when it has the gdb helpers. */
  gdbScript?: string;
  /** gdb's argv (after `gdb`), ready to run. */
  args: string[];
  /** The command line to paste, quoted for a POSIX shell. */
  command: string;
  /** What the user can do in it, in one line. */
  hint: string;
}

export function gdbSession(port: number, vmlinux?: string, gdbScript?: string): GdbSession {
  const args: string[] = [];
  if (gdbScript) args.push('-iex', `add-auto-load-safe-path ${dirname(gdbScript)}`);
  args.push('-ex', `target remote 127.0.0.1:${port}`);
  if (gdbScript) args.push('-ex', `source ${gdbScript}`);
  if (vmlinux) args.push(vmlinux);
  const hint = gdbScript
    ? 'bt shows the crash site; lx-dmesg prints the kernel log, lx-symbols loads module symbols'
    : vmlinux
      ? 'bt shows the crash site from vmlinux symbols; the kernel has no CONFIG_GDB_SCRIPTS, so no lx-dmesg/lx-symbols ' +
        '(build it with CONFIG_DEBUG_INFO_DWARF5=y CONFIG_GDB_SCRIPTS=y for them)'
      : 'no vmlinux for this kernel: gdb sees addresses only (put vmlinux in the bundle for symbols)';
  return { port, vmlinux, gdbScript, args, command: shellCommand(['gdb', ...args]), hint };
}
