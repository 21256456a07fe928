// `kdk report ...`: crash reports from kernel console logs (syzkaller's titles), and their symbolization.
import { createReadStream, existsSync, openSync, readSync, closeSync, statSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { addCommonOptions, printJson, say, type CommonOptions } from './common.js';
import { inputError } from '../util/errors.js';
import type { CrashReport } from '../report/index.js';

// Loaded inside the actions, so that other commands never pay for the report stage at start-up.
const reportStage = () => import('../report/index.js');

interface ParseOptions extends CommonOptions {
  follow?: boolean;
}

export function registerReport(program: Command): void {
  const report = program.command('report').description('crash reports from kernel console output');

  addCommonOptions(
    report
      .command('parse')
      .argument('[file]', "console log ('-' or none: stdin)", '-')
      .option('-f, --follow', 'keep reading as the file grows (like tail -f); Ctrl-C ends')
      .description('find the crash reports in a console log')
      .addHelpText(
        'after',
        '\nExit 0 whether or not a crash was found. With --follow --json, one JSON document per line\n' +
          'is printed per report as it completes.\n\nExamples (sample consoles in examples/):\n  kdk report parse examples/console.log --json\n' +
          '  kdk report parse --follow examples/console.log',
      ),
  ).action(async (file: string, opts: ParseOptions) => {
    const { reportToJson } = await reportStage();
    if (opts.follow && file !== '-') return followFile(file, opts);
    const reports = await parseStream(file);
    if (opts.json) printJson({ reports: reports.map(reportToJson) });
    else printSummary(opts, reports);
  });

  report
    .command('titles')
    .argument('<files...>', 'console logs')
    .description("print the first crash's title of each log (an empty line when there is none)")
    .addHelpText('after', '\nExample:\n  kdk report titles examples/logs/*.txt')
    .action(async (files: string[]) => {
      // Streamed like `parse`, so a multi-gigabyte log is read in bounded memory.
      for (const f of files) {
        const reps = await parseStream(f, 1);
        process.stdout.write((reps[0]?.title ?? '') + '\n');
      }
    });

  addCommonOptions(
    report
      .command('symbolize')
      .argument('[reports]', "JSON from 'kdk report parse --json' ('-' or none: stdin)", '-')
      .requiredOption('--vmlinux <file>', 'the kernel image with debug info')
      .option('--modules <dir>', 'directory searched for <module>.ko files')
      .description('add file:line and inlined frames to the stack frames of reports (addr2line)')
      .addHelpText(
        'after',
        '\nExample (fl/build: the build tree of kdk build --flavour-dir fl, which made the kernel that crashed):\n' +
          '  kdk report parse examples/console.log --json | kdk report symbolize --vmlinux fl/build/vmlinux --modules fl/build',
      ),
  ).action(async (file: string, opts: CommonOptions & { vmlinux: string; modules?: string }) => {
    const { reportFromJson, reportToJson, symbolize } = await reportStage();
    const input = readInput(file).toString('utf8');
    let reports: CrashReport[];
    try {
      const doc = JSON.parse(input) as { reports?: Record<string, unknown>[] };
      if (!Array.isArray(doc.reports)) throw new Error('no "reports" array');
      reports = doc.reports.map(reportFromJson);
    } catch (e) {
      throw inputError(`not a report document: ${(e as Error).message}`, file === '-' ? '<stdin>' : file);
    }
    if (!existsSync(opts.vmlinux)) throw inputError('no such file', opts.vmlinux);
    const out = await symbolize(reports, { vmlinux: opts.vmlinux, modulesDir: opts.modules });
    if (opts.json) printJson({ reports: out.map(reportToJson) });
    else printSummary(opts, out);
  });
}

function readInput(file: string): Buffer {
  if (file === '-') return readFileSync(0);
  if (!existsSync(file)) throw inputError('no such file', file);
  return readFileSync(file);
}

/** The reports of a log, streamed; with `enough`, reading stops once that many are known. */
async function parseStream(file: string, enough = Infinity): Promise<CrashReport[]> {
  if (file !== '-' && !existsSync(file)) throw inputError('no such file', file);
  const { ReportStream } = await reportStage();
  const s = new ReportStream();
  const out: CrashReport[] = [];
  const input = file === '-' ? process.stdin : createReadStream(file);
  for await (const chunk of input) {
    out.push(...s.push(chunk as Buffer));
    // Titles only: no need to wait for a later panic line that would set `panicked`.
    if (enough !== Infinity) out.push(...s.flush());
    if (out.length >= enough) {
      if ('destroy' in input) input.destroy();
      return out.slice(0, enough);
    }
  }
  out.push(...s.end());
  return out;
}

/** tail -f: read what is there, then poll for growth; Ctrl-C flushes the report in progress. */
async function followFile(file: string, opts: ParseOptions): Promise<void> {
  if (!existsSync(file)) throw inputError('no such file', file);
  const { ReportStream, reportToJson } = await reportStage();
  let s = new ReportStream();
  const emit = (reps: CrashReport[]): void => {
    for (const r of reps) {
      if (opts.json) process.stdout.write(JSON.stringify(reportToJson(r)) + '\n');
      else printSummary(opts, [r]);
    }
  };
  let pos = 0;
  const buf = Buffer.alloc(1 << 20);
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const size = statSync(file).size;
      if (size < pos) {
        // Truncated or rotated: a new log.
        emit(s.end());
        s = new ReportStream();
        pos = 0;
      }
      if (size > pos) {
        const fd = openSync(file, 'r');
        try {
          let n: number;
          while ((n = readSync(fd, buf, 0, buf.length, pos)) > 0) {
            pos += n;
            emit(s.push(buf.subarray(0, n)));
          }
        } finally {
          closeSync(fd);
        }
      }
    };
    const timer = setInterval(tick, 250);
    tick();
    process.once('SIGINT', () => {
      clearInterval(timer);
      emit(s.end());
      resolve();
    });
    if (!opts.quiet) process.stderr.write(`following ${file} (Ctrl-C to stop)\n`);
  });
}

function printSummary(opts: CommonOptions, reports: CrashReport[]): void {
  if (reports.length === 0) {
    say(opts, 'no crash found');
    return;
  }
  reports.forEach((r, i) => {
    say(opts, `#${i + 1} ${r.title}`);
    const flags = [
      `type ${r.type || 'unknown'}`,
      r.corrupted ? `corrupted (${r.corruptedReason})` : '',
      r.panicked ? 'panicked' : '',
      `bytes ${r.start}-${r.end}`,
    ].filter(Boolean);
    say(opts, `   ${flags.join(', ')}`);
    if (r.guiltyFrame || r.guiltyFile) {
      say(opts, `   guilty: ${[r.guiltyFrame, r.guiltyFile].filter(Boolean).join(' in ')}`);
    }
    for (const alt of r.altTitles) say(opts, `   also: ${alt}`);
  });
}
