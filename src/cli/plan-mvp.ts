// `kdk plan mvp`: each detector's catches (CVE records quoting a crash, syzkaller's corpus) and costs, and the
// set that catches the most bugs within a budget. The gap stage computes it (it needs the CVE index); this file
// parses, reads a store's records when --db is given, and renders.
import { DEFAULT_ARCH } from '../util/arch.js';
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { addCommonOptions, printJson, say } from './common.js';
import { withStore, type DbOptions } from './store.js';
import { MVP_COST_NAMES } from '../plan/model.js';
import { archFacts } from '../util/arch.js';
import { inputError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic.js';

interface MvpOptions extends DbOptions {
  budget?: string[];
  arch: string;
  svg?: string;
  corpus?: string;
  buildHours?: string;
}

export function registerPlanMvp(plan: Command): void {
  const cmd = plan
    .command('mvp')
    .description('what each debug detector catches (CVE records, syzkaller corpus) and costs; the best set in a budget')
    .option(
      '--budget <name=N,...>',
      `repeatable: ${MVP_COST_NAMES.join(', ')} of the whole debug kernel (default: build-hours of kdk plan's debug flavour)`,
      (v: string, p: string[] = []) => [...p, v],
    )
    .option(
      '--arch <arch>',
      'the architecture, Debian or kernel name (its Debian config decides what is on already)',
      DEFAULT_ARCH.debian,
    )
    .option('--svg <file>', 'write an SVG chart (small multiples: catches, each cost, the best catch by budget)')
    .option(
      '--db <file|url>',
      'use measured costs from the builds and runs of this store (SQLite file or postgres:// URL)',
    )
    .option('--corpus <dir>', 'a syzkaller report corpus directory (default: the shared one)')
    .option('--build-hours <h>', 'buildd hours of one plain flavour build (default 2, as kdk plan)')
    .addHelpText(
      'after',
      '\nExample:\n  kdk plan mvp --budget build-hours=8 --arch amd64 --svg mvp.svg\n' +
        '\nCosts are what a detector adds to the plain kernel (docs/plan.md: where each default was measured).',
    )
    .action(async (_own: MvpOptions, self: Command) => {
      // --json, --quiet and --db are the parent `plan`'s too: commander gives them to it, so read both.
      const opts = self.optsWithGlobals<MvpOptions>();
      const { parseBudget, measuredCosts, mvpTableLines, mvpChart } = await import('../plan/index.js');
      const { mvpPlan } = await import('../gap/index.js');
      const arch = archFacts(opts.arch).debian;
      if (opts.corpus && !(existsSync(opts.corpus) && statSync(opts.corpus).isDirectory()))
        throw inputError(`--corpus ${opts.corpus}: not a directory`);
      const budget = parseBudget(opts.budget ?? []);
      let baseBuildHours: number | undefined;
      if (opts.buildHours !== undefined) {
        baseBuildHours = Number(opts.buildHours);
        if (!Number.isFinite(baseBuildHours) || baseBuildHours <= 0)
          throw inputError(`--build-hours: expected a positive number, got '${opts.buildHours}'`);
      }
      let measured;
      if (opts.db) {
        measured = await withStore(opts, async (s) =>
          measuredCosts((await s.listBuilds()) as Parameters<typeof measuredCosts>[0], await s.listRuns(), opts.db!),
        );
      }
      const result = await mvpPlan({
        arch,
        budget,
        corpus: opts.corpus,
        baseBuildHours,
        measured,
        ...(opts.db
          ? { measuredFrom: `${opts.db}: ${Object.keys(measured!.figures).length} detector(s) measured` }
          : {}),
        log: (l) => process.stderr.write(l + '\n'),
      });
      if (opts.svg)
        writeFileAtomic(opts.svg, mvpChart(result, `Debug detectors for Debian ${arch}: catches and costs`));
      if (opts.json) return printJson(result);
      for (const l of mvpTableLines(result)) say(opts, l);
      if (opts.svg) say(opts, `chart: ${opts.svg}`);
    });
  addCommonOptions(cmd);
}
