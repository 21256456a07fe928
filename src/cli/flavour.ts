// `kdk flavour`: a distro's base config plus debug profiles → the debug flavour's .config, a report and the
// Debian packaging files that would add it.
import type { Command } from 'commander';
import { addCommonOptions, type CommonOptions, printJson, say, setExitCode } from './common.js';
// Only the profile names load at start-up (for --help); the stage itself loads inside the action.
import { availableProfiles } from '../flavour/profile-names.js';
import { inputError, ExitCode } from '../util/errors.js';
import { shellCommand } from '../util/shell.js';
import { archFacts, DEFAULT_ARCH, findArch } from '../util/arch.js';
import type { BaseChange, FlavourResult } from '../flavour/index.js';
import { DB_HELP, recordResult } from './store.js';

/** `items` joined with commas, wrapped to `width` columns. */
function wrapList(items: string[], width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line && line.length + 2 + item.length > width) {
      lines.push(line + ',');
      line = '';
    }
    line = line ? `${line}, ${item}` : item;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Knock-on changes (not asked for by a profile): first the base values that changed, which a maintainer must
 * judge (`RANDOMIZE_MEMORY y→n`), then the options that only appeared because their dependencies were enabled.
 */
function knockOnLines(changes: BaseChange[]): string[] {
  const changed = changes.filter((c) => c.base !== 'n');
  const appeared = changes.filter((c) => c.base === 'n');
  const out: string[] = [];
  if (changed.length) {
    out.push(`base values changed as a consequence (${changed.length}):`);
    out.push(...wrapList(changed.map((c) => `${c.symbol} ${c.base}→${c.final}`)).map((l) => `  ${l}`));
  }
  if (appeared.length) {
    out.push(`newly set through dependencies (${appeared.length}):`);
    out.push(...wrapList(appeared.map((c) => `${c.symbol}=${c.final}`)).map((l) => `  ${l}`));
  }
  return out;
}

interface FlavourOptions extends CommonOptions {
  db?: string;
  distro: string;
  release: string;
  arch: string;
  featureset: string;
  flavour?: string;
  profile: string[];
  out?: string;
  srctree?: string;
  config?: string;
  debianDir?: string;
  arkConfigs?: string;
  arkFlavor?: string;
}

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

export function registerFlavour(program: Command): void {
  const cmd = program
    .command('flavour')
    .description("compose a distro's kernel config with debug profiles into a debug flavour, and report what stuck")
    .option('--distro <name>', 'debian | fedora (kernel-ark) | flat', 'debian')
    .option(
      '--release <name>',
      "Debian release: bookworm (6.1, the system's apt) or trixie (6.12, a private apt under the cache)",
      'bookworm',
    )
    .option(
      '--arch <arch>',
      'architecture, Debian or kernel name (amd64 or x86_64...; kernel-ark: its arch variant)',
      DEFAULT_ARCH.debian,
    )
    .option('--featureset <fs>', 'Debian featureset of the base', 'none')
    .option('--flavour <name>', 'base flavour (default: the arch name)')
    .option('--profile <name>', `debug profile, repeatable; '+name' adds (${availableProfiles().join(', ')})`, collect)
    .option('--out <dir>', 'output directory (default: kdk-flavour-<arch>-<profiles>)')
    .option('--srctree <dir>', "kernel tree to evaluate against (default: the release's Debian linux-source)")
    .option('--config <file>', 'flat base config (.config, .xz or .gz) instead of the distro hierarchy')
    .option('--debian-dir <dir>', 'Debian source package root holding debian/ (default: apt-get source linux)')
    .option('--ark-configs <dir>', 'kernel-ark redhat/configs directory (with --distro fedora)')
    .option('--ark-flavor <name>', 'kernel-ark priority flavor (fedora | rhel)', 'fedora')
    .option('--db <file|url>', `record the flavour and the kernel it defines in the ${DB_HELP}`)
    .addHelpText(
      'after',
      '\nExamples:\n  kdk flavour --distro debian --release bookworm --arch amd64 --profile syzbot --profile +kmemleak --out out/\n' +
        '  kdk flavour --distro debian --release trixie --arch amd64 --profile syzbot --out out-trixie/\n' +
        '\nExit: 0 written; 1 a required profile option did not stick (outputs still written); 2 bad input; 3 missing packages or no space left for the outputs.',
    )
    .action(async (opts: FlavourOptions) => {
      if (!['debian', 'fedora', 'flat'].includes(opts.distro)) {
        throw inputError(`unknown distro '${opts.distro}' (debian, fedora, flat)`);
      }
      const profiles = opts.profile?.length ? opts.profile : ['syzbot'];
      // Debian's hierarchy is keyed by Debian names; kernel-ark's variants (x86_64-debug) pass through.
      const arch = opts.distro === 'fedora' || !findArch(opts.arch) ? opts.arch : archFacts(opts.arch).debian;
      const { makeDebugFlavour, reportJson, rustSummary, writeFlavour } = await import('../flavour/index.js');
      const { makeProgress } = await import('../util/progress.js');
      const progress = makeProgress({ quiet: opts.quiet });
      const r = await makeDebugFlavour({
        distro: opts.distro as 'debian' | 'fedora' | 'flat',
        release: opts.release,
        arch,
        featureset: opts.featureset,
        flavour: opts.flavour,
        profiles,
        srctree: opts.srctree,
        config: opts.config,
        debianDir: opts.debianDir,
        arkConfigs: opts.arkConfigs,
        arkFlavor: opts.arkFlavor,
        log: (l) => progress.step(l.replace(/^kdk: /, '')),
      });
      const out = opts.out ?? `kdk-flavour-${arch}-${profiles.map((p) => p.replace(/^\+/, '')).join('+')}`;
      const written = writeFlavour(r, out);
      if (r.requiredMissing.length) setExitCode(ExitCode.failure);
      const doc = { out, written, ...reportJson(r) };
      if (opts.json) printJson(doc);
      else printSummary(opts, r, out, rustSummary);
      await recordResult(opts, doc, `kdk flavour ${out}`);
    });
  addCommonOptions(cmd);
}

// rustSummary comes from the lazily loaded flavour stage.
function printSummary(
  opts: FlavourOptions,
  r: FlavourResult,
  out: string,
  rustSummary: (x: FlavourResult['rust']) => string,
): void {
  say(opts, `debug flavour ${r.base.id.arch}/${r.base.id.flavour} + ${r.profile.profiles.join('+')} → ${out}/.config`);
  say(opts, `  base: ${r.base.source} (${r.base.files.length} files), evaluated by ${r.evaluator}`);
  if (r.packaging) {
    const tree = r.packaging.treeVersion ?? `kernel ${r.packaging.kernel ?? 'unknown'}`;
    say(opts, `  packaging ${r.packaging.version} evaluated on tree ${tree}: ${r.tree}`);
  }
  for (const w of r.warnings) say(opts, `  WARNING: ${w}`);
  say(
    opts,
    `  requested ${r.requested.total} options: ${r.requested.stuck} stuck, ${r.requested.notStuck.length} did not:`,
  );
  for (const v of r.requested.notStuck) {
    say(opts, `    CONFIG_${v.symbol}: wanted ${v.requested}, got ${v.final} (${v.level}) — ${v.reason?.text}`);
  }
  if (r.removed.length) say(opts, `  left out, not in kernel ${r.kernel} (${r.removed.length}):`);
  for (const g of r.removed)
    say(opts, `    CONFIG_${g.symbol} (profile ${g.profile}; gone by ${g.removedIn}) — ${g.why}`);
  say(
    opts,
    `  base options changed: ${r.baseChanges.requested.length} requested, ${r.baseChanges.knockOn.length} knock-on` +
      (r.baseChanges.knockOn.length ? ':' : ''),
  );
  for (const line of knockOnLines(r.baseChanges.knockOn)) say(opts, `    ${line}`);
  if (r.rust.checked) {
    say(opts, `  rust: ${rustSummary(r.rust)}`);
    for (const w of r.rust.warnings) say(opts, `    note: ${w}`);
  }
  if (r.requiredMissing.length) say(opts, `  REQUIRED options missing: ${r.requiredMissing.join(', ')}`);
  say(opts, `  Debian packaging: ${out}/debian/ (featureset 'debug'); report: ${out}/report.json`);
  say(opts, `next: ${shellCommand(['kdk', 'build', '--flavour-dir', out])}`);
}
