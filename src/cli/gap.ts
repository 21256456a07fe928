// `kdk gap ...`: the patch gap of a distribution kernel (CVEs open in a version, upstream fixes a git branch
// lacks, known upstream bugs for a crash). Exit 1 when something open/missing was found, as for a failed check.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { addCommonOptions, oldSpelling, printJson, say, setExitCode, type CommonOptions } from './common.js';
import { DB_HELP, recordResult } from './store.js';
import { inputError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { ReportFormat } from '../gap/index.js';
import { VULNS_GIT_URL } from '../gap/source-url.js';

/** The stage is loaded when a gap command runs, so other commands do not pay for it at start-up. */
const gapStage = () => import('../gap/index.js');
/** Likewise the progress bar library. */
const progressBar = async (quiet?: boolean) => (await import('../util/progress.js')).makeProgress({ quiet });

interface SourceFlags extends CommonOptions {
  vulns?: string;
  tarball?: string;
  rebuild?: boolean;
  report?: string;
  format?: string;
}

function withSource(cmd: Command): Command {
  return cmd
    .option('--vulns <dir>', 'a checkout of the kernel CVE team vulns repository (cve/published/YEAR/ layout)')
    .option('--tarball <file>', 'a published.tar.xz snapshot of cve/published')
    .option('--rebuild', 'rebuild the cached index even when it is current');
}

function withReport(cmd: Command): Command {
  return cmd
    .option('--report <file>', 'also write a report file (markdown, or HTML when it ends in .html)')
    .option('--format <fmt>', 'stdout format: text, markdown or html', 'text');
}

function emit(opts: SourceFlags, json: unknown, render: (f: ReportFormat) => string): void {
  const fmt = opts.format ?? 'text';
  if (!['text', 'markdown', 'html'].includes(fmt)) throw inputError(`--format ${fmt}: expected text, markdown or html`);
  if (opts.report) writeFileAtomic(opts.report, render(/\.html?$/.test(opts.report) ? 'html' : 'markdown'));
  if (opts.json) printJson(json);
  else process.stdout.write(render(fmt as ReportFormat));
}

function registerCves(gap: Command): void {
  const cmd = gap
    .command('cves')
    .description('every published CVE affecting one exact kernel version, and what a distro closes itself')
    .requiredOption(
      '--kernel-version <v>',
      "kernel version: upstream (6.1.192, 6.8, 6.9-rc3) or Debian (6.1.192-3: Debian's fixes count)",
    )
    .option('--distro <name>', "count a distro's own fixes for an upstream version (debian)")
    .option('--distro-source <dir>', "a distro's packaging (the dir holding Debian's debian/) to credit its patches")
    .option('--db <file|url>', `also record the findings in the ${DB_HELP}`)
    .addHelpText(
      'after',
      '\nExit status: 0 no open CVE, 1 open CVEs found, 2 bad input, 3 no CVE data (run kdk gap update).' +
        "\nDebian's fixes come from the packaging kdk has cached, else the changelog linux-source-* ships." +
        '\nExample:\n  kdk gap cves --kernel-version 6.1.192-3 --report gap.html\n  kdk gap cves --kernel-version 6.1.192 --json\n',
    );
  oldSpelling(cmd, '--kernel <version>', 'kernelVersion', '--kernel-version');
  addCommonOptions(withReport(withSource(cmd))).action(
    async (opts: SourceFlags & { kernelVersion: string; distro?: string; distroSource?: string; db?: string }) => {
      const { parseKernelSpec, chooseDistroSource, openCveTable, queryCves, renderCves } = await gapStage();
      const spec = parseKernelSpec(opts.kernelVersion);
      const choice = await chooseDistroSource(spec, opts);
      const { table } = await openCveTable({ ...opts, progress: await progressBar(opts.quiet) });
      const r = queryCves(table, spec.version, choice.source, { debianVersion: spec.debian, distroNote: choice.note });
      for (const p of r.problems.slice(0, 20))
        process.stderr.write(`kdk: warning: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}\n`);
      emit(opts, r, (f) => renderCves(r, f));
      await recordResult(opts, r, `kdk gap cves ${opts.kernelVersion}`);
      if (r.findings.some((f) => f.status === 'open')) setExitCode(1);
    },
  );
}

function registerGit(gap: Command): void {
  const cmd = gap
    .command('git')
    .description('upstream fixes a distro branch lacks (their Fixes: target is in it), and fixes it reverted')
    .requiredOption('--repo <dir>', 'kernel git repository')
    .requiredOption('--branch <ref>', 'the distro branch')
    .requiredOption('--upstream <ref>', 'the upstream branch whose fixes count (mainline or a stable branch)')
    .option('--since <rev>', 'only upstream fixes after this revision')
    .addHelpText(
      'after',
      '\nExample (in a kernel git clone holding both branches):\n  kdk gap git --repo linux --branch debian/6.1 --upstream master --since v6.1\n',
    );
  addCommonOptions(withReport(cmd)).action(
    async (opts: SourceFlags & { repo: string; branch: string; upstream: string; since?: string }) => {
      const { gitGap, renderGit } = await gapStage();
      if (!existsSync(opts.repo)) throw inputError(`--repo ${opts.repo}: no such directory`);
      const r = await gitGap({ ...opts, progress: await progressBar(opts.quiet) });
      emit(opts, r, (f) => renderGit(r, f));
      if (r.missing.length || r.reverted.length) setExitCode(1);
    },
  );
}

function registerMatch(gap: Command): void {
  const cmd = gap
    .command('match <file>')
    .description('known upstream bugs (CVEs quoting the same crash title) for the crashes of a report or console log')
    .requiredOption('--kernel-version <v>', 'the kernel version that crashed, to say whether it has the fixes')
    .addHelpText(
      'after',
      '\nExamples:\n  kdk gap match examples/console.log --kernel-version 6.1.150\n' +
        '  kdk report parse examples/console.log --json > report.json && kdk gap match report.json --kernel-version 6.1.150 --json\n',
    );
  oldSpelling(cmd, '--kernel <version>', 'kernelVersion', '--kernel-version');
  addCommonOptions(withReport(withSource(cmd))).action(
    async (file: string, opts: SourceFlags & { kernelVersion: string }) => {
      const { parseKernelArg, crashesFromFile, openIndex, matchCrashes, renderMatches } = await gapStage();
      const v = parseKernelArg(opts.kernelVersion);
      const crashes = await crashesFromFile(file);
      const { index } = await openIndex({ ...opts, progress: await progressBar(opts.quiet) });
      const ms = matchCrashes(index, crashes, v);
      emit(opts, { kernel: v.text, crashes: ms }, (f) => renderMatches(ms, v.text, f));
      if (ms.some((m) => m.bugs.some((b) => b.affected))) setExitCode(1);
    },
  );
}

function registerUpdate(gap: Command): void {
  const cmd = gap
    .command('update')
    .description('fetch and index the CVE records, and make them the default for later queries')
    .option('--from <dir|url|tarball>', 'a vulns checkout, a git URL, or a published.tar.xz', VULNS_GIT_URL)
    .addHelpText(
      'after',
      `\nExamples:\n  kdk gap update --from ${VULNS_GIT_URL}\n  kdk gap update --from published.tar.xz   # a snapshot of the vulns repository's cve/published\n`,
    );
  addCommonOptions(cmd).action(async (opts: CommonOptions & { from: string }) => {
    const { updateIndex } = await gapStage();
    const r = await updateIndex(opts.from, await progressBar(opts.quiet));
    const summary = {
      source: r.source,
      index: r.path,
      rebuilt: r.built,
      cves: r.index.cves.length,
      problems: r.index.problems,
    };
    if (opts.json) printJson(summary);
    else
      say(
        opts,
        `kdk: ${r.index.cves.length} CVEs indexed from ${r.source} (${r.index.problems.length} problems) -> ${r.path}`,
      );
  });
}

export function registerGap(program: Command): void {
  const gap = program
    .command('gap')
    .description('patch gap: open CVEs, missing upstream fixes, known bugs for a crash');
  registerCves(gap);
  registerGit(gap);
  registerMatch(gap);
  registerUpdate(gap);
}
