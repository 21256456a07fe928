// `kdk oot build`: an out-of-tree module built against a flavour's linux-headers .deb, as DKMS would.
import type { Command } from 'commander';
import { addCommonOptions, printJson, say, type CommonOptions } from './common.js';
import { inputError } from '../util/errors.js';

interface OotOptions extends CommonOptions {
  headers: string;
  module: string;
  out: string;
  jobs: string;
}

export function registerOot(program: Command): void {
  const oot = program.command('oot').description('out-of-tree kernel modules against a flavour');
  addCommonOptions(
    oot
      .command('build')
      .description('build a module directory against a linux-headers .deb (dpkg-deb -x, make -C <headers> M=<dir>)')
      .requiredOption('--headers <deb>', 'linux-headers-*.deb (from kdk build, or Debian)')
      .requiredOption('--module <dir>', 'module source: Kbuild/Makefile with obj-m (not written to)')
      .option('--out <dir>', 'where the .ko files and Module.symvers go (replaced atomically)', 'kdk-oot')
      .option('--jobs <n>', 'parallel make jobs', '2'),
  )
    .addHelpText(
      'after',
      '\nExample:\n  kdk oot build --headers fl/linux-headers-6.1.176-kdk_1_amd64.deb --module ./hello --out mods\n' +
        '  kdk run --kernel fl/build/arch/x86/boot/bzImage --module mods/hello.ko\n\nExit: 0 built; 1 the module did not build (the compiler error is shown); 2 bad input; 3 dpkg-deb or make missing.',
    )
    .action(async (o: OotOptions) => {
      const jobs = Number(o.jobs);
      if (!Number.isInteger(jobs) || jobs < 1) throw inputError(`--jobs: expected a positive integer, got '${o.jobs}'`);
      const { buildOutOfTree } = await import('../build/index.js');
      const r = await buildOutOfTree({ headersDeb: o.headers, moduleDir: o.module, outDir: o.out, jobs });
      if (o.json) return printJson(r);
      say(o, `built ${r.modules.length} module(s) for ${r.release} in ${r.wallSeconds.toFixed(1)} s:`);
      for (const m of r.modules) say(o, `  ${m}`);
    });
}
