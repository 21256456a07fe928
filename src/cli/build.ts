// `kdk build`: build a debug flavour made by `kdk flavour` (make olddefconfig + bindeb-pkg, ccache, record).
import type { Command } from 'commander';
import { addCommonOptions, type CommonOptions, oldSpelling, printJson, say } from './common.js';
import { DB_HELP, recordResult } from './store.js';
import { inputError } from '../util/errors.js';

interface BuildOptions extends CommonOptions {
  flavourDir: string;
  /** --db: the store the build record goes into. */
  db?: string;
  jobs: string;
  cache?: string;
  srctree?: string;
  sourceVersion?: string;
  target: string;
  localversion?: string;
  pkgVersion: string;
  distcc?: string;
}

export function registerBuild(program: Command): void {
  const cmd = program
    .command('build')
    .description('build a flavour directory (from kdk flavour) out of tree with ccache, writing a build record')
    .requiredOption(
      '--flavour-dir <dir>',
      'flavour directory from kdk flavour --out, holding .config (its build/ subdirectory is the O= tree)',
    )
    .option('--jobs <n>', 'parallel make jobs', '2')
    .option('--cache <dir>', 'ccache directory (default: $KDK_CACHE/ccache)')
    .option(
      '--srctree <dir>',
      "kernel source tree (default: the tree the flavour was evaluated on, from its manifest.json; for a bare .config, Debian's linux-source-6.1)",
    )
    .option(
      '--source-version <v>',
      'build another linux-source-6.1 version (apt-get download, cached; see apt-cache policy)',
    )
    .option('--target <t>', "make target(s): bindeb-pkg, or 'bzImage modules' for no packages", 'bindeb-pkg')
    .option('--localversion <s>', 'LOCALVERSION (default: -kdk-<profiles>)')
    .option('--pkg-version <v>', 'KDEB_PKGVERSION', '1')
    .option('--db <file|url>', `also record the build in the ${DB_HELP}`)
    .option('--distcc <hosts>', "compile through distcc on these hosts, ccache in front ('w1/8 w2/8'; raise --jobs)")
    .addHelpText(
      'after',
      '\nExample (hours for a full Debian config on 2 cores; the kernel lands in fl/build/arch/x86/boot/bzImage):\n  kdk flavour --profile syzbot --out fl && kdk build --flavour-dir fl --jobs 2\n' +
        '\nExit: 0 built; 1 the build failed (the compiler error is shown; the previous good record is kept); 2 bad input; 3 the machine lacks something (a package, disk space).',
    );
  oldSpelling(cmd, '--flavour <dir>', 'flavourDir', '--flavour-dir');
  cmd.action(async (opts: BuildOptions) => {
    const jobs = Number(opts.jobs);
    if (!Number.isInteger(jobs) || jobs < 1)
      throw inputError(`--jobs: expected a positive integer, got '${opts.jobs}'`);
    // The stage loads here, not at start-up: other commands never pay for it.
    const { buildFlavour } = await import('../build/index.js');
    const { makeProgress } = await import('../util/progress.js');
    const progress = makeProgress({ quiet: opts.quiet });
    const { record, recordPath } = await buildFlavour({
      flavourDir: opts.flavourDir,
      srctree: opts.srctree,
      sourceVersion: opts.sourceVersion,
      jobs,
      ccacheDir: opts.cache,
      target: opts.target,
      localversion: opts.localversion,
      pkgVersion: opts.pkgVersion,
      distcc: opts.distcc,
      progress,
    });
    await recordResult(opts, record, `kdk build ${opts.flavourDir}`);
    if (opts.json) return printJson({ recordPath, ...record });
    const cc = record.ccache ? `ccache ${record.ccache.hits} hits / ${record.ccache.misses} misses` : 'no ccache stats';
    say(
      opts,
      `built ${record.kernelVersion} in ${record.wallSeconds.toFixed(0)} s wall, ${record.cpuSeconds.toFixed(0)} s CPU, ${cc}`,
    );
    for (const [k, v] of Object.entries(record.artifacts)) say(opts, `  ${k}: ${(v / 1e6).toFixed(2)} MB`);
    say(opts, `record: ${recordPath}`);
  });
  addCommonOptions(cmd);
}
