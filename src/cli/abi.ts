// `kdk abi dump` / `kdk abi diff`: the kernel ABI check (src/build/abi/), Debian's buildcheck.py rules.
import type { Command } from 'commander';
import { addCommonOptions, printJson, say, setExitCode, type CommonOptions } from './common.js';
import { ExitCode } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic.js';

interface DumpOptions extends CommonOptions {
  out?: string;
}
interface DiffOptions extends CommonOptions {
  ignore: string[];
}

const build = () => import('../build/index.js');

type Comparison = Awaited<ReturnType<Awaited<ReturnType<typeof build>>['compareAbis']>>;

// The headline buildcheck.py prints for each verdict, so a Debian kernel maintainer reads the familiar words.
const HEADLINE: Record<Comparison['verdict'], string> = {
  changed: 'ABI has changed: refusing to continue',
  'changed-all-ignored': 'ABI has changed but all changes are ignored',
  added: 'new symbols have been added',
  'added-all-ignored': 'new symbols have been added but are ignored',
  unchanged: 'no ABI changes',
};

function renderDiff(o: DiffOptions, d: Comparison): void {
  if (d.unversioned.length)
    say(o, `ABI is not completely versioned (${d.unversioned.length} symbols with CRC 0x00000000): refusing it`);
  say(o, HEADLINE[d.verdict]);
  const section = (title: string, list: Comparison['changed']) => {
    if (!list.length) return;
    say(o, `\n${title} (${list.length}):`);
    for (const c of list) {
      const info = c.old && c.new ? c.fields.map((f) => `${f}: ${c.old![f] || '-'} -> ${c.new![f] || '-'}`) : [];
      const types = c.changedTypes ?? [];
      if (types.length)
        info.push(
          `type: ${types
            .slice(0, 2)
            .map((t) => t.type)
            .join(', ')}${types.length > 2 ? ` +${types.length - 2}` : ''}`,
        );
      const s = c.new ?? c.old!;
      if (!info.length) info.push(`module: ${s.module}`, `crc: ${s.crc}`, `export: ${s.exportType}`);
      if (c.ignoredBy) info.unshift(`ignored (${c.ignoredBy})`);
      say(o, `  ${c.name.padEnd(40)} ${info.join(', ')}`);
    }
  };
  section('added', d.added);
  section('changed', d.changed);
  section('removed', d.removed);
  section('moved between modules (not a change)', d.moved);
  renderExplanation(o, d);
}

/** Why the CRCs changed, once for all symbols: each changed type libabigail names and how many CRCs it reaches,
 * then each other reason with a few of its symbols (thousands of lines share one reason). */
function renderExplanation(o: DiffOptions, d: Comparison): void {
  const e = d.explanation;
  const crc = d.changed.filter((c) => c.fields.includes('crc'));
  if (!crc.length) return;
  const steps = (e.steps ?? []).map(
    (s) => `${s.step.split(' ')[0]} ${s.cached ? 'cached' : `${s.seconds.toFixed(1)} s`}`,
  );
  say(o, `\nwhy the CRCs changed${e.tool === 'libabigail' ? ` (libabigail ${e.version}: ${steps.join(', ')})` : ''}:`);
  for (const t of e.types)
    say(
      o,
      `  ${t.type}${t.where ? ` (${t.where})` : ''}: ${t.summary}: reaches ${t.symbols} of ${crc.length} changed CRCs`,
    );
  const others = new Map<string, string[]>();
  for (const c of crc)
    if (!c.changedTypes?.length)
      others.set(c.reason ?? 'reason unknown', [...(others.get(c.reason ?? 'reason unknown') ?? []), c.name]);
  for (const [reason, names] of others)
    say(o, `  ${reason}: ${names.length} (${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''})`);
  if (e.unrecognised) say(o, `  (${e.unrecognised} lines of abidiff's report were not understood: see --json)`);
}

export function registerAbi(program: Command): void {
  const abi = program.command('abi').description("kernel ABI: dump a build's exported symbols, diff two ABIs");
  addCommonOptions(
    abi
      .command('dump')
      .description("a build's ABI from its Module.symvers, in Debian's debian/abi format")
      .argument('<source>', 'build directory (or kdk flavour directory), linux-headers .deb, or Module.symvers')
      .option('--out <file>', 'write it here (atomically) instead of stdout'),
  )
    .addHelpText(
      'after',
      '\nExample:\n  kdk abi dump fl --out abi/amd64_none_debug\n\nExit: 0 dumped; 2 bad input (the file and line are named).',
    )
    .action(async (source: string, o: DumpOptions) => {
      const { loadAbi, formatAbi } = await build();
      const d = loadAbi(source);
      const text = o.json ? JSON.stringify(d, null, 2) + '\n' : formatAbi(d.symbols);
      if (o.out) {
        writeFileAtomic(o.out, text);
        say({ ...o, json: true }, `${d.symbols.length} symbols from ${d.source} -> ${o.out}`);
      } else if (o.json) printJson(d);
      else process.stdout.write(text);
    });
  addCommonOptions(
    abi
      .command('diff')
      .description("compare two ABIs with Debian's buildcheck.py rules (module moves ignored, additions allowed)")
      .argument('<old>', 'reference: dump file, build directory, headers .deb or Module.symvers')
      .argument('<new>', 'the new build, in any of the same forms')
      .option(
        '--ignore <file>',
        "ignore-changes patterns: Debian's defines ([abi]), a defines.toml, or one pattern per line (repeatable)",
        (v: string, acc: string[]) => [...acc, v],
        [] as string[],
      ),
  )
    .addHelpText(
      'after',
      "\nExamples:\n  kdk abi diff debian/abi/6.1.0-53/amd64_none_amd64 fl --ignore debian/config/defines\n  kdk abi diff old-build new-build --json   # both with DWARF: libabigail names the type behind each changed CRC\n\nEach changed CRC gets a reason: the changed types libabigail (abigail-tools) finds in the two vmlinux files' DWARF\n(build directories or kdk kernel-cache entries), or why that is unknown (docs/abi.md).\n\nExit: 0 compatible (additions and ignored changes only); 1 the ABI broke (a symbol removed or changed, or the new build has unversioned symbols); 2 bad input.",
    )
    .action(async (oldPath: string, newPath: string, o: DiffOptions) => {
      const { compareAbis } = await build();
      const d = await compareAbis(oldPath, newPath, o.ignore, {
        log: (l) => {
          if (!o.quiet) say({ json: true }, l);
        },
      });
      if (d.broken) setExitCode(ExitCode.failure);
      if (o.json) printJson(d);
      else renderDiff(o, d);
    });
}
