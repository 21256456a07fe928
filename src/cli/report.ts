// `kdk report ...`: crash reports from kernel console logs (syzkaller's titles), and their symbolization.
// Reports are printed as they complete, so a log of any size is read in bounded memory.
import type { Command } from 'commander';
import { addCommonOptions, say, setExitCode, type CommonOptions } from './common.js';
import { ExitCode, KdkError, systemError } from '../util/errors.js';
import { DB_HELP, withStore } from './store.js';
import type { CrashReport } from '../report/index.js';

// Loaded inside the actions, so that other commands never pay for the report stage at start-up.
const reportStage = () => import('../report/index.js');

interface OutputOptions extends CommonOptions {
  jsonl?: boolean;
}

interface ParseOptions extends OutputOptions {
  db?: string;
  follow?: boolean;
}

/**
 * Prints reports one at a time: `--jsonl` one JSON report per line; `--json` one document `{"reports":[...]}`
 * written as a streamed array (one report per line, so `symbolize` and `gap match` read it line by line too);
 * else a numbered summary.
 */
class ReportPrinter {
  private n = 0;
  constructor(
    private readonly opts: OutputOptions,
    private readonly toJson: (r: CrashReport) => unknown,
  ) {
    if (opts.json && !opts.jsonl) process.stdout.write('{"reports":[\n');
  }

  print(reports: CrashReport[]): void {
    for (const r of reports) {
      const i = this.n++;
      if (this.opts.jsonl) process.stdout.write(JSON.stringify(this.toJson(r)) + '\n');
      else if (this.opts.json) process.stdout.write((i ? ',\n' : '') + JSON.stringify(this.toJson(r)));
      else printSummary(this.opts, r, i);
    }
  }

  end(): void {
    if (this.opts.jsonl) return;
    if (this.opts.json) process.stdout.write((this.n ? '\n' : '') + ']}\n');
    else if (this.n === 0) say(this.opts, 'no crash found');
  }
}

function withOutput(cmd: Command): Command {
  return addCommonOptions(cmd).option('--jsonl', 'print one JSON report per line as each completes');
}

export function registerReport(program: Command): void {
  const report = program.command('report').description('crash reports from kernel console output');

  withOutput(
    report
      .command('parse')
      .argument('[file]', "console log ('-' or none: stdin)", '-')
      .option('-f, --follow', 'keep reading as the file grows (like tail -f); Ctrl-C ends')
      .option('--db <file|url>', `also record the console and its reports in a ${DB_HELP}`)
      .description('find the crash reports in a console log')
      .addHelpText(
        'after',
        '\nExit 0 whether or not a crash was found. Reports are printed as they complete, in bounded memory\n' +
          'at any log size; with --follow a report is printed once the console has been quiet for 2 s after\n' +
          'it started (10 s at most), as the VM runner does.\n\nExamples (sample consoles in examples/):\n' +
          '  kdk report parse examples/console.log --json\n  kdk report parse --follow examples/console.log',
      ),
  ).action(async (file: string, opts: ParseOptions) => {
    const { readLogReports, followLog, reportToJson } = await reportStage();
    // A followed log never ends, so its JSON is one report per line (as documented), not one document.
    const out = new ReportPrinter(opts.follow ? { ...opts, jsonl: opts.jsonl ?? opts.json } : opts, reportToJson);
    if (opts.follow && file !== '-') {
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      const following = followLog(file, { onReports: (r) => out.print(r), signal: stop.signal });
      if (!opts.quiet) process.stderr.write(`following ${file} (Ctrl-C to stop)\n`);
      await following;
    } else {
      for await (const reps of readLogReports(file)) out.print(reps);
    }
    out.end();
    // The store keys each report by the console's sha256 and offset, so it records the file itself.
    if (opts.db && file !== '-' && !opts.follow) {
      const r = await withStore({ ...opts, db: opts.db }, (s) => s.ingest(file));
      say(opts, r.already ? `${file}: already in ${opts.db}` : `${file}: ${r.crashes} crashes recorded in ${opts.db}`);
    }
  });

  addCommonOptions(
    report
      .command('titles')
      .argument('<files...>', 'console logs')
      .description("print each log's name and its first crash's title ('(no crash)' when there is none)")
      .addHelpText(
        'after',
        '\nA file that cannot be read is reported and the rest are still read; the exit status is then 2.\n' +
          '\nExample:\n  kdk report titles examples/logs/*.txt\n  kdk report titles examples/logs/*.txt --json',
      ),
  ).action(async (files: string[], opts: CommonOptions) => {
    const { readLogReports } = await reportStage();
    const rows: { file: string; title: string | null; error?: string }[] = [];
    for (const f of files) {
      let title: string | null = null;
      try {
        // Stops at the first report: no need to read on for a later panic line that would set `panicked`.
        for await (const reps of readLogReports(f, { eager: true })) {
          title = reps[0].title;
          break;
        }
      } catch (e) {
        const known = e instanceof KdkError ? e : systemError(e);
        if (!known) throw e;
        rows.push({ file: f, title: null, error: known.message });
        if (!opts.quiet) process.stderr.write(`kdk: error: ${known.format()}\n`);
        setExitCode(ExitCode.usage);
        continue;
      }
      rows.push({ file: f, title });
      if (!opts.json) process.stdout.write(`${f}: ${title ?? '(no crash)'}\n`);
    }
    if (opts.json) process.stdout.write(JSON.stringify({ files: rows }, null, 2) + '\n');
  });

  withOutput(
    report
      .command('symbolize')
      .argument('[reports]', "reports from 'kdk report parse --json' or --jsonl ('-' or none: stdin)", '-')
      .requiredOption('--vmlinux <file>', 'the kernel image with debug info (the unstripped vmlinux of the build)')
      .option('--modules <dir>', 'directory searched for <module>.ko files')
      .description('add file:line and inlined frames to the stack frames of reports (addr2line)')
      .addHelpText(
        'after',
        '\nExit 2 when the reports are malformed or the vmlinux has no symbols or debug info.\n' +
          '\nExample (fl/build: the build tree of kdk build --flavour-dir fl, which made the kernel that crashed):\n' +
          '  kdk report parse examples/console.log --json | kdk report symbolize --vmlinux fl/build/vmlinux --modules fl/build',
      ),
  ).action(async (file: string, opts: OutputOptions & { vmlinux: string; modules?: string }) => {
    const { readReportFile, reportToJson, symbolize, checkInputFile, checkDebugBinary } = await reportStage();
    const reports: CrashReport[] = [];
    for await (const r of readReportFile(file)) reports.push(r);
    checkInputFile(opts.vmlinux);
    checkDebugBinary(opts.vmlinux);
    const out = new ReportPrinter(opts, reportToJson);
    out.print(await symbolize(reports, { vmlinux: opts.vmlinux, modulesDir: opts.modules }));
    out.end();
  });
}

function printSummary(opts: CommonOptions, r: CrashReport, i: number): void {
  say(opts, `#${i + 1} ${r.title}`);
  const flags = [
    `type ${r.type || 'unknown'}`,
    r.corrupted ? `corrupted (${r.corruptedReason})` : '',
    r.suppressed ? 'suppressed (the test harness caused it)' : '',
    r.panicked ? 'panicked' : '',
    `bytes ${r.start}-${r.end}`,
  ].filter(Boolean);
  say(opts, `   ${flags.join(', ')}`);
  if (r.guiltyFrame || r.guiltyFile) {
    say(opts, `   guilty: ${[r.guiltyFrame, r.guiltyFile].filter(Boolean).join(' in ')}`);
  }
  for (const alt of r.altTitles) say(opts, `   also: ${alt}`);
}
