// `kdk config ...`: olddefconfig, merge (with the report), explain and diff on a kernel's Kconfig tree.
import type { Command } from 'commander';
import { addCommonOptions, oldSpelling, printJson, say, setExitCode, type CommonOptions } from './common.js';
import type { ConfigReport, LoadOptions } from '../kconfig/index.js';
import { once } from 'node:events';
import { ExitCode, KdkError } from '../util/errors.js';
import { escapeTerminal } from '../util/text.js';
import { DEFAULT_ARCH, kernelArch } from '../util/arch.js';

// Loaded inside the actions, so that commander's start-up (and other command groups) never pay for the engine.
const kconfig = () => import('../kconfig/index.js');

interface TreeOpts extends CommonOptions {
  srctree?: string;
  arch?: string;
  crossCompile?: string;
  probes?: string;
  exportProbes?: string;
}

/** --srctree and --arch: optional on every config command (Debian's linux-source tree and x86_64 by default). */
function treeOptions(cmd: Command): Command {
  return cmd
    .option('--srctree <dir>', "kernel source tree (default: Debian's linux-source-6.1, extracted into the cache)")
    .option('--arch <arch>', 'architecture, kernel or Debian name (x86_64 or amd64, arm64...; default x86_64)')
    .option('--cross-compile <prefix>', 'CROSS_COMPILE toolchain prefix (e.g. aarch64-linux-gnu-)')
    .option('--probes <file>', 'use an exported probe file instead of running the toolchain')
    .option('--export-probes <file>', 'write the toolchain probe results to <file> (for --probes elsewhere)');
}

async function loadOpts(o: TreeOpts): Promise<LoadOptions> {
  let srctree = o.srctree;
  if (!srctree) {
    const { debianSourceTree } = await import('../distro/index.js');
    srctree = debianSourceTree((l) => progress(o, l.replace(/^kdk: /, ''))).dir;
  }
  const arch = o.arch ?? DEFAULT_ARCH.kernel;
  return {
    srctree,
    arch: kernelArch(arch),
    crossCompile: o.crossCompile,
    probes: o.probes,
    exportProbes: o.exportProbes,
    log: o.quiet ? () => {} : (l) => process.stderr.write(l + '\n'),
  };
}

function progress(o: CommonOptions, msg: string): void {
  if (!o.quiet) process.stderr.write(`kdk: ${msg}\n`);
}

function formatReport(r: ConfigReport[]): string {
  if (!r.length) return 'every requested value stuck; no base value changed\n';
  const lines: string[] = [];
  const frag = r.filter((e) => e.origin === 'fragment');
  const base = r.filter((e) => e.origin === 'base');
  if (frag.length) lines.push(`Requested values that did not stick (${frag.length}):`);
  for (const e of frag)
    lines.push(
      `  CONFIG_${e.symbol}: requested ${e.requested}, got ${e.final}\n      ${e.reason.kind}: ${e.reason.text}`,
    );
  if (base.length) lines.push(`Base values that changed (${base.length}):`);
  for (const e of base)
    lines.push(`  CONFIG_${e.symbol}: was ${e.requested}, now ${e.final}\n      ${e.reason.kind}: ${e.reason.text}`);
  return lines.join('\n') + '\n';
}

export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description('Kconfig engine: evaluate, merge, explain and diff kernel configs');

  const old = config
    .command('olddefconfig')
    .description('evaluate a .config like `make ARCH=<arch> olddefconfig` (same bytes)')
    .requiredOption('--config <file>', 'input .config')
    .requiredOption('--out <file>', 'output .config (written atomically)');
  oldSpelling(old, '--in <file>', 'config', '--config');
  addCommonOptions(treeOptions(old))
    .addHelpText(
      'after',
      "\nExample (on Debian's linux-source-6.1 tree; --srctree DIR for another):\n  kdk config olddefconfig --config examples/bugs/lkdtm-warning/.config --arch x86_64 --out .config",
    )
    .action(async (o: TreeOpts & { config: string; out: string }) => {
      const { olddefconfig } = await kconfig();
      const lo = await loadOpts(o);
      progress(o, `evaluating ${o.config} on ${lo.srctree} (ARCH=${lo.arch})`);
      const r = olddefconfig({ ...lo, in: o.config, out: o.out });
      for (const w of r.warnings) process.stderr.write(w + '\n');
      if (o.json) printJson({ out: o.out, warnings: r.warnings, unmetDependencies: r.unmet });
      else say(o, `wrote ${o.out}`);
    });

  addCommonOptions(
    treeOptions(
      config
        .command('merge')
        .description(
          "merge fragments into a base config like merge_config.sh (later wins), evaluate, and report every value that did not stick. With no arguments: Debian's config for this machine + the syzbot profile",
        )
        .argument('[fragments...]', 'config fragments, applied in order (without --config: the first is the base)')
        .option('--config <file>', 'base .config')
        .option('--out <file>', 'write the merged, evaluated .config here')
        .option('--strict', 'exit 1 when a requested value did not stick'),
    ),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  kdk config merge                      # Debian amd64 config + the syzbot profile, report only\n  kdk config merge --config examples/bugs/lkdtm-warning/.config --out merged.config examples/kcsan.config --json',
    )
    .action(async (args: string[], o: TreeOpts & { config?: string; out?: string; strict?: boolean }) => {
      const { mergeConfigs } = await kconfig();
      // The base is --config; the old form `merge BASE FRAGMENT...` still works.
      let base = o.config ?? args[0];
      let fragments = o.config ? args : args.slice(1);
      let opts: LoadOptions;
      if (!base) {
        if (o.srctree || fragments.length)
          throw new KdkError('give a base config when using --srctree or fragments', { exitCode: ExitCode.usage });
        const { defaultMergeInputs } = await import('../flavour/index.js');
        const d = defaultMergeInputs((l) => progress(o, l));
        progress(o, `no arguments: merging ${d.description}`);
        base = d.base;
        fragments = d.fragments;
        opts = await loadOpts({ ...o, srctree: d.srctree, arch: d.arch });
      } else {
        if (!fragments.length) throw new KdkError('give at least one fragment to merge', { exitCode: ExitCode.usage });
        opts = await loadOpts(o);
      }
      progress(o, `merging ${[base, ...fragments].join(' + ')} (ARCH=${opts.arch})`);
      const res = mergeConfigs({ ...opts, base, fragments, out: o.out });
      for (const w of res.warnings) if (!o.quiet) process.stderr.write(w + '\n');
      if (o.json) printJson({ base, fragments, out: o.out ?? null, report: res.report });
      else say(o, formatReport(res.report));
      if (o.out && !o.json) say(o, `wrote ${o.out}`);
      if (o.strict && res.report.some((e) => e.origin === 'fragment')) setExitCode(ExitCode.failure);
    });

  addCommonOptions(
    treeOptions(
      config
        .command('explain')
        .description('why symbols have their values, and what would change them')
        .requiredOption('--config <file>', '.config to evaluate')
        .argument('<symbols...>', 'symbol names (with or without CONFIG_)'),
    ),
  )
    .addHelpText(
      'after',
      '\nExample:\n  kdk config explain --config examples/bugs/lkdtm-warning/.config KCSAN VMAP_STACK',
    )
    .action(async (symbols: string[], o: TreeOpts & { config: string }) => {
      const { readConfigFile, loadTree, explainSymbol, formatExplanation } = await kconfig();
      const c = readConfigFile(o.config);
      const tree = loadTree(await loadOpts(o));
      for (const w of tree.readConfig(c).warnings) if (!o.quiet) process.stderr.write(w + '\n');
      const ex = symbols.map((s) => explainSymbol(tree, s));
      if (o.json) printJson(ex);
      else say(o, ex.map(formatExplanation).join('\n'));
      if (ex.some((e) => !e.defined)) setExitCode(ExitCode.failure);
    });

  addCommonOptions(
    config
      .command('diff')
      .description('symbol-level difference of two .config files')
      .argument('<a>', 'first .config')
      .argument('<b>', 'second .config'),
  )
    .addHelpText(
      'after',
      '\nExit 0 no differences, 1 differences found. Example (merged.config from the config merge example):\n  kdk config diff examples/bugs/lkdtm-warning/.config merged.config',
    )
    .action(async (a: string, b: string, o: CommonOptions) => {
      const { readConfigFile, diffConfigEntries, formatDiffEntry } = await kconfig();
      const ta = readConfigFile(a);
      const tb = readConfigFile(b);
      for (const w of [...ta.warnings, ...tb.warnings]) if (!o.quiet) process.stderr.write(w + '\n');
      // Streamed: a million differing symbols never become one string (or one array) in memory.
      let n = 0;
      const entries = (function* () {
        for (const e of diffConfigEntries(ta.text, tb.text)) {
          n++;
          yield e;
        }
      })();
      if (o.json) await writeChunked(process.stdout, jsonArray(entries));
      else {
        await writeChunked(
          process.stdout,
          (function* () {
            for (const e of entries) yield escapeTerminal(formatDiffEntry(e)) + '\n';
          })(),
        );
        if (!n) say(o, 'no differences');
      }
      if (n) setExitCode(ExitCode.failure);
    });
}

/** The elements as printJson would print the whole array (two-space indent), one element at a time. */
function* jsonArray(items: Iterable<unknown>): Generator<string> {
  let first = true;
  for (const it of items) {
    yield (first ? '[\n  ' : ',\n  ') + JSON.stringify(it, null, 2).replace(/\n/g, '\n  ');
    first = false;
  }
  yield first ? '[]\n' : '\n]\n';
}

/** Pieces joined into writes of about 64 KiB, waiting for 'drain' so a slow reader never makes kdk buffer it all. */
async function writeChunked(out: NodeJS.WriteStream, pieces: Iterable<string>): Promise<void> {
  let buf = '';
  const flush = async (): Promise<void> => {
    if (!out.write(buf)) await once(out, 'drain');
    buf = '';
  };
  for (const p of pieces) {
    buf += p;
    if (buf.length >= 65536) await flush();
  }
  if (buf) await flush();
}
