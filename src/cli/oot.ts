// `kdk oot build`: an out-of-tree module built against a flavour's linux-headers .deb, as DKMS would.
// `kdk oot check --rust`: what such a package lacks for an out-of-tree Rust module (build/rust-extmod.ts).
import type { Command } from 'commander';
import { addCommonOptions, printJson, say, setExitCode, type CommonOptions } from './common.js';
import { inputError } from '../util/errors.js';
import type { RustHeadersReport } from '../build/index.js';

interface CheckOptions extends CommonOptions {
  headers: string;
  rust?: boolean;
  srctree?: string;
}

/** The report as text: verdict, the config, each derived file with the rule naming it, the toolchain. */
export function formatRustReport(r: RustHeadersReport): string {
  const out = [
    `${r.headersDeb}: linux-headers ${r.release}: out-of-tree Rust modules: ${r.verdict}`,
    `  .config: CONFIG_RUST=${r.config.rust ? 'y' : 'n'}, RUST_IS_AVAILABLE=${r.config.rustIsAvailable ? 'y' : 'n'}` +
      `, MODVERSIONS=${r.config.modversions ? 'y' : 'n'}` +
      (r.config.rustcVersionText ? `, RUSTC_VERSION_TEXT "${r.config.rustcVersionText}"` : ''),
    `  files a Rust module's build reads (from the tree's make rules):`,
    ...r.needs.map((n) => `    ${n.present ? 'present' : 'MISSING'}  ${n.file}  (${n.why})`),
    `  rustc here: ${r.toolchain.here ? `${r.toolchain.here} (${r.toolchain.path})` : 'none on PATH'}` +
      `; built with: ${r.toolchain.rmeta ? `${r.toolchain.rmeta} (libcore.rmeta)` : (r.toolchain.kernel ?? 'unknown')}`,
  ];
  for (const p of r.problems) out.push(`  - ${p}`);
  return out.join('\n');
}

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
  addCommonOptions(
    oot
      .command('check')
      .description('what a linux-headers .deb lacks for out-of-tree modules (--rust: Rust modules)')
      .requiredOption('--headers <deb>', 'linux-headers-*.deb (from kdk build, or Debian)')
      .option('--rust', 'check for out-of-tree Rust modules (the only check so far)')
      .option('--srctree <dir>', "the kernel's source tree, to read rust/Makefile when the package lacks it"),
  )
    .addHelpText(
      'after',
      '\nExample:\n  kdk oot check --rust --headers fl/linux-headers-6.1.176-kdk_1_amd64.deb\n\n' +
        "Reads the package's .config (CONFIG_RUST), derives the files a Rust module's build reads from the tree's own\n" +
        'rules (scripts/Makefile.build rust_common_cmd, the top Makefile, rust/Makefile), lists the ones the package\n' +
        'lacks, and compares the rustc on PATH with the one that built the kernel (.rmeta files load only in it).\n\n' +
        'Exit: 0 ready; 1 the kernel has no Rust, the package lacks files, or rustc differs; 2 bad input; 3 no rustc on PATH.',
    )
    .action(async (o: CheckOptions) => {
      if (!o.rust) throw inputError('kdk oot check: give --rust (the check for out-of-tree Rust modules)');
      const { checkRustHeaders, rustHeadersExit } = await import('../build/index.js');
      const r = checkRustHeaders(o.headers, { srcTree: o.srctree });
      setExitCode(rustHeadersExit(r));
      if (o.json) return printJson(r);
      say(o, formatRustReport(r));
    });
}
