// `kdk sweep`: known bugs (bundles) against one kernel. Only the options and the rendering live here; the sweep
// stage does the work (src/sweep/index.ts) and loads when the command runs.
import type { Command } from 'commander';
import { addCommonOptions, printJson, say, setExitCode } from './common.js';
import { accelFlag, guestArch, positiveNumber, type VmCliOptions } from './vm-common.js';
import { DEFAULT_GUEST_ARCH } from '../util/arch.js';
import { ExitCode, inputError } from '../util/errors.js';
import { escapeTerminal } from '../util/text.js';
import { DB_HELP, recordResult } from './store.js';
import type { BundleResult } from '../sweep/index.js';

interface SweepOptions extends VmCliOptions {
  kernel: string;
  bundles: string[];
  repeat?: string;
  parallel?: string;
  config?: string;
  kernelVersion?: string;
  srctree?: string;
  repo?: string;
  branch?: string;
  runTimeout?: string;
  fresh?: boolean;
  systemHeaders?: boolean;
}

export function registerSweep(program: Command): void {
  addCommonOptions(
    program
      .command('sweep')
      .description('run known bugs (bundles) against one kernel: which reproduce, and is their fix there')
      .requiredOption('--kernel <bzImage>', 'kernel image to boot, or its build directory (.config beside)')
      .requiredOption('--bundles <dir...>', 'bundle directories (bug.json + repro.c), or directories of bundles')
      .option('--repeat <n>', 'runs per bundle, each a fresh VM', '3')
      .option('--parallel <n>', 'VMs running at once (across all bundles)', '1')
      .option('--config <file>', "the kernel's .config, when not beside the image or in the build directory")
      .option('--kernel-version <v>', "the kernel's version, when its release does not say it (6.1.0-28-amd64)")
      .option(
        '--srctree <dir>',
        "kernel tree for the Kconfig check and UAPI headers (default: the build's, else Debian's)",
      )
      .option('--repo <dir>', 'decide fix presence by commit in this git tree (with --branch)')
      .option('--branch <ref>', "the kernel's branch (or commit) in --repo")
      .option('--timeout <s>', 'limit for each run (one VM) in seconds, boot included')
      .option('--run-timeout <s>', "seconds from userspace to the reproducer's end (default: bug.json's or 120)")
      .option('--fresh', 'run every bundle again, ignoring the results saved for this kernel')
      .option('--system-headers', "compile reproducers with the system's UAPI headers, not the kernel tree's")
      .option('--append <args>', 'extra kernel command-line arguments')
      .option('--accel <auto|kvm|tcg>', 'accelerator (auto: probed once per host and cached)', 'auto')
      .option('--arch <arch>', 'guest architecture, kernel or Debian name: x86_64 (amd64) or arm64', DEFAULT_GUEST_ARCH)
      .option('--memory <MiB>', 'guest memory', '1024')
      .option('--silence-timeout <s>', 'end the VM after this many seconds without console output', '60')
      .option(
        '--db <file|url>',
        `also record the runs, crashes and each bug's verdict on this kernel in the ${DB_HELP}`,
      ),
  )
    .addHelpText(
      'after',
      '\nVerdicts: reproduces, flaky (k of N), different-crash, no-crash, not-applicable (the kernel lacks a required\n' +
        'option), infra-error (after one retry); with the fix: missing backport, regression, fix missing but not\n' +
        'reproduced, fixed. Exit 1 when a bug reproduces (or is flaky), else 0. A second sweep of the same kernel\n' +
        "skips the bundles it finished. --db records each bundle's runs (as `kdk repro --db` would: a resumed sweep\n" +
        'adds no runs) and its verdict per (kernel, bug), the latest replacing the one before.\n\nExample:\n' +
        '  kdk sweep --kernel fl/build/arch/x86/boot/bzImage --bundles examples/bugs --repeat 2 --parallel 2 --json',
    )
    .action(sweepCommand);
}

function line(r: BundleResult): string {
  const how =
    r.verdict === 'flaky'
      ? ` (${r.hits} of ${r.runs})`
      : r.verdict === 'different-crash'
        ? `: ${r.otherTitle}`
        : r.verdict === 'not-applicable'
          ? `: ${r.missing!.map((m) => `${m.option} is ${m.value} (${m.why.join('; ')})`).join(', ')}`
          : '';
  const fix = r.fixCommit ? `; fix ${r.fixCommit.slice(0, 12)} ${r.fix.state} (${r.fix.how})` : '';
  return `${r.bundle}: ${r.verdict}${how}${fix}${r.assessment ? ` => ${r.assessment}` : ''}${r.resumed ? ' [saved]' : ''}`;
}

async function sweepCommand(opts: SweepOptions): Promise<void> {
  if (Boolean(opts.repo) !== Boolean(opts.branch)) throw inputError('--repo and --branch go together');
  const log = (l: string) => {
    if (!opts.quiet) process.stderr.write(escapeTerminal(l.endsWith('\n') ? l : l + '\n'));
  };
  const { sweep } = await import('../sweep/index.js');
  const report = await sweep({
    kernel: opts.kernel,
    arch: guestArch(opts),
    config: opts.config,
    kernelVersion: opts.kernelVersion,
    bundles: opts.bundles,
    repeat: positiveNumber(opts.repeat, '--repeat', 3),
    parallel: positiveNumber(opts.parallel, '--parallel', 1),
    srcTree: opts.srctree,
    repo: opts.repo,
    branch: opts.branch,
    accel: accelFlag(opts),
    runTimeoutS: opts.runTimeout === undefined ? undefined : positiveNumber(opts.runTimeout, '--run-timeout', 120),
    totalTimeoutS: opts.timeout === undefined ? undefined : positiveNumber(opts.timeout, '--timeout', 300),
    vm: {
      append: opts.append,
      memoryMb: positiveNumber(opts.memory, '--memory', 1024),
      silenceS: positiveNumber(opts.silenceTimeout, '--silence-timeout', 60),
    },
    fresh: opts.fresh,
    systemHeaders: opts.systemHeaders,
    log,
    onResult: (r) => log(`kdk: ${line(r)}`),
  });
  if (opts.json) printJson(report);
  else {
    for (const r of report.results) say(opts, line(r));
    say(
      opts,
      Object.entries(report.counts)
        .map(([v, n]) => `${n} ${v}`)
        .join(', '),
    );
  }
  await recordResult(opts, report, `kdk sweep ${opts.kernel}`);
  const crashed = report.results.some((r) => r.verdict === 'reproduces' || r.verdict === 'flaky');
  setExitCode(crashed ? ExitCode.failure : ExitCode.ok);
}
