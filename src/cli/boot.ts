// `kdk boot`, `kdk run`, `kdk repro`: boot a kernel in QEMU, run reproducers in it, reproduce a bundle.
// Only the options live here; the actions (and the vm/image/report stages) load when a command runs.
import type { Command } from 'commander';
import { addCommonOptions } from './common.js';
import { DEFAULT_GUEST_ARCH } from '../util/arch.js';
import { DB_HELP } from './store.js';
import type { BootOptions, RunOptions, ReproOptions } from './boot-actions.js';

function vmFlags(cmd: Command): Command {
  return cmd
    .option('--append <args>', 'extra kernel command-line arguments')
    .option('--accel <auto|kvm|tcg>', 'accelerator (auto: probed once per host and cached)', 'auto')
    .option('--arch <arch>', 'guest architecture, kernel or Debian name: x86_64 (amd64) or arm64', DEFAULT_GUEST_ARCH)
    .option('--memory <MiB>', 'guest memory', '1024')
    .option('--silence-timeout <s>', 'end the VM after this many seconds without console output', '60')
    .option('--db <file|url>', `also record the result (runs, crashes, console) in the ${DB_HELP}`);
}

export function registerBoot(program: Command): void {
  addCommonOptions(
    vmFlags(
      program
        .command('boot')
        .description("boot a kernel in QEMU to kdk's initramfs (or a disk image) and report how it went")
        .requiredOption('--kernel <bzImage>', 'kernel image to boot')
        .option(
          '--initramfs <file>',
          "initramfs to boot (default: kdk's busybox initramfs; with --image: the distro's initrd)",
        )
        .option(
          '--image <file>',
          'raw disk image to boot (root=/dev/vda, changes discarded); userspace = its login prompt',
        )
        .option('--timeout <s>', 'limit for the VM in seconds, boot included', '120')
        .option('--gdb', "start QEMU's gdb stub and keep the guest up until --timeout or Ctrl-C"),
    ).addHelpText(
      'after',
      '\nExit 0 when the guest reached userspace without a crash, 1 otherwise, 2 on bad input.\n\n' +
        "Examples (/vmlinuz: Debian's stock kernel, apt-get install linux-image-amd64; fl/: kdk build --flavour-dir fl):\n" +
        '  kdk boot --kernel /vmlinuz --json\n' +
        '  kdk boot --kernel fl/build/arch/x86/boot/bzImage --gdb --timeout 600',
    ),
  ).action(async (o: BootOptions) => (await import('./boot-actions.js')).bootCommand(o));

  addCommonOptions(
    vmFlags(
      program
        .command('run')
        .description('compile a C reproducer, pack it in an initramfs, boot and run it N times')
        .requiredOption('--kernel <bzImage>', 'kernel image to boot')
        .option('--repro <file.c>', 'C reproducer (compiled with gcc -static -pthread)')
        .option(
          '--module <file.ko>',
          'kernel module to insmod in the guest before the reproducer (repeatable, loaded in order)',
          (v: string, acc: string[]) => [...acc, v],
          [] as string[],
        )
        .option('--repeat <n>', 'number of runs (each a fresh boot)', '1')
        .option('--parallel <n>', 'VMs running at once', '1')
        .option('--timeout <s>', 'limit for each run (one VM) in seconds, boot included', '300'),
    ).addHelpText(
      'after',
      '\nExit 1 when a run crashed (the failure asked about), 0 when none did, 2 on bad input\n' +
        '(missing kernel, a reproducer that does not compile). With --module, exit 1 also when the kernel refused a module\n' +
        '(its own message is reported: disagrees about version of symbol..., invalid module format).\n\nExample:\n' +
        '  kdk run --kernel fl/build/arch/x86/boot/bzImage --repro examples/bugs/lkdtm-warning/repro.c --repeat 2 --parallel 2 --json',
    ),
  ).action(async (o: RunOptions) => (await import('./boot-actions.js')).runCommand(o));

  addCommonOptions(
    vmFlags(
      program
        .command('repro')
        .description('reproduce a bug bundle (bug.json, .config, repro.c, optional bzImage) and compare titles')
        .argument('<bundle>', 'bundle directory')
        .option(
          '--srctree <dir>',
          "kernel tree to build from when the bundle has no bzImage (default: Debian's linux-source-6.1)",
        )
        .option('--repeat <n>', 'runs before concluding "no crash" (default: bug.json\'s repeat or 3)')
        .option(
          '--timeout <s>',
          'limit for each run (one VM) in seconds, boot included (default: none beyond the others)',
        )
        .option(
          '--run-timeout <s>',
          "seconds from userspace to the reproducer's end (default: bug.json's timeout or 120)",
        )
        .option(
          '--gdb',
          "hold the crashed guest at its crash with QEMU's gdb stub open (nokaslr, panic without reboot) and print the gdb command",
        )
        .option('--gdb-hold <s>', 'with --gdb: how long the crashed guest is held (Ctrl-C ends it sooner)', '3600'),
    ).addHelpText(
      'after',
      '\nVerdicts: reproduced (exit 0), different crash (exit 1, with its title), no crash after N runs (exit 1).\n' +
        "\nExample (a sample bundle shipped with kdk; its kernel is built from Debian's linux-source-6.1):\n" +
        '  kdk repro examples/bugs/lkdtm-warning --json',
    ),
  ).action(async (d: string, o: ReproOptions) => (await import('./boot-actions.js')).reproCommand(d, o));
}
