// `kdk plan`: what a debug flavour would cost Debian under each rollout strategy.
import type { Command } from 'commander';
import { addCommonOptions, type CommonOptions, printJson, say } from './common.js';
// Only the small model module loads at start-up (for --help); the stage itself loads inside the action.
import { DEFAULT_PARAMS, STRATEGIES, type PlanParams } from '../plan/model.js';
import { writeFileAtomic } from '../util/atomic.js';
import { inputError } from '../util/errors.js';
import { registerPlanMvp } from './plan-mvp.js';

interface PlanOptions extends CommonOptions {
  strategy?: string[];
  chart?: string;
  uploads?: string;
  kept?: string;
  mirrors?: string;
  buildHours?: string;
  buildRatio?: string;
  sizeRatio?: string;
  refresh?: boolean;
  repo?: string;
  suite?: string;
}

const num = (v: string | undefined, flag: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw inputError(`${flag}: expected a non-negative number, got '${v}'`);
  return n;
};

export function registerPlan(program: Command): void {
  const cmd = program
    .command('plan')
    .description('build hours, archive GB and mirror traffic of a debug flavour under each rollout strategy')
    .option(
      '--strategy <name>',
      `repeatable: ${STRATEGIES.map((s) => s.name).join(', ')} (default: all)`,
      (v: string, p: string[] = []) => [...p, v],
    )
    .option('--chart <file.svg>', 'write an SVG bar chart comparing the strategies')
    .option(
      '--uploads <suite=N,...>',
      `uploads per year per suite (default ${JSON.stringify(DEFAULT_PARAMS.uploadsPerYear)})`,
    )
    .option('--kept <suite=N,...>', 'versions kept per suite (default 1 each)')
    .option('--mirrors <n>', `mirrors each upload is pushed to (default ${DEFAULT_PARAMS.mirrors})`)
    .option('--build-hours <h>', `buildd hours of one plain flavour build (default ${DEFAULT_PARAMS.baseBuildHours})`)
    .option(
      '--build-ratio <r>',
      `debug/plain build time (default: from kdk build records, else ${DEFAULT_PARAMS.buildRatio})`,
    )
    .option(
      '--size-ratio <r>',
      `debug/plain package size (default: from kdk build records, else ${DEFAULT_PARAMS.sizeRatio})`,
    )
    .option('--refresh', "fetch apt's Packages indexes again")
    .option('--repo <dir>', 'a debug archive made by kdk publish: separate-archive strategies use its measured sizes')
    .option('--suite <name>', 'the suite of --repo to measure')
    .addHelpText(
      'after',
      '\nExample:\n  kdk plan --strategy all-archs --strategy combined --mirrors 400 --chart plan.svg\n' +
        "\nSizes are measured from apt's Packages indexes of every bookworm release architecture (fetched once into the cache).",
    )
    .action(async (opts: PlanOptions) => {
      const { makePlan, parseSuiteTable, strategyChart } = await import('../plan/index.js');
      const params: Partial<PlanParams> = {};
      if (opts.uploads)
        params.uploadsPerYear = parseSuiteTable(opts.uploads, DEFAULT_PARAMS.uploadsPerYear, '--uploads');
      if (opts.kept) params.versionsKept = parseSuiteTable(opts.kept, DEFAULT_PARAMS.versionsKept, '--kept');
      const set = <K extends keyof PlanParams>(k: K, v: PlanParams[K] | undefined) => {
        if (v !== undefined) params[k] = v;
      };
      set('mirrors', num(opts.mirrors, '--mirrors'));
      set('baseBuildHours', num(opts.buildHours, '--build-hours'));
      set('buildRatio', num(opts.buildRatio, '--build-ratio'));
      set('sizeRatio', num(opts.sizeRatio, '--size-ratio'));
      if (Boolean(opts.repo) !== Boolean(opts.suite)) throw inputError('--repo and --suite go together');
      let archive;
      if (opts.repo) {
        const { publishedSizes } = await import('../publish/index.js');
        const pub = publishedSizes(opts.repo, opts.suite!);
        archive = { source: `${pub.repo} ${pub.suite} generation ${pub.generation}`, archs: pub.archs };
      }
      const plan = makePlan({
        archive,
        strategies: opts.strategy,
        params,
        refresh: opts.refresh,
        log: (l) => process.stderr.write(l + '\n'),
      });
      if (opts.chart) {
        writeFileAtomic(
          opts.chart,
          strategyChart(plan.strategies, `Debug flavour cost per year by strategy (${plan.inputs.sizes.release})`),
        );
      }
      if (opts.json) return printJson(plan);
      const c = plan.inputs.current;
      say(
        opts,
        `measured: ${c.archs} archs, ${c.flavours} flavours, ${c.GB.toFixed(1)} GB per upload today (${(c.dbgShare * 100).toFixed(0)}% -dbg)`,
      );
      const p = plan.inputs.params;
      say(
        opts,
        `parameters: mirrors ${p.mirrors}, build ${p.baseBuildHours} h × ratio ${p.buildRatio.toFixed(2)}, size ratio ${p.sizeRatio.toFixed(2)} (${p.ratioSource})`,
      );
      say(opts, `uploads/year ${JSON.stringify(p.uploadsPerYear)}, versions kept ${JSON.stringify(p.versionsKept)}`);
      say(
        opts,
        'strategy            archs suites | per upload: build h  archive GB  mirror GB | per year: build h  archive GB  mirror TB',
      );
      for (const s of plan.strategies) {
        say(
          opts,
          `${s.strategy.padEnd(19)} ${String(s.archs.length).padStart(5)} ${String(s.suites.length).padStart(6)} | ` +
            `${s.perUpload.buildHours.toFixed(1).padStart(19)} ${s.perUpload.archiveGB.toFixed(1).padStart(11)} ${s.perUpload.mirrorTrafficGB.toFixed(0).padStart(10)} | ` +
            `${s.perYear.buildHours.toFixed(0).padStart(17)} ${s.perYear.archiveGrowthGB.toFixed(0).padStart(11)} ${(s.perYear.mirrorTrafficGB / 1000).toFixed(1).padStart(10)}`,
        );
      }
      if (plan.inputs.archive) {
        const which = plan.strategies
          .filter((s) => s.measuredArchs)
          .map((s) => `${s.strategy} (${s.measuredArchs!.join(', ')})`);
        say(opts, `measured in ${plan.inputs.archive.source}: ${which.join('; ') || 'no strategy covers its archs'}`);
      }
      if (opts.chart) say(opts, `chart: ${opts.chart}`);
    });
  addCommonOptions(cmd);
  registerPlanMvp(cmd);
}
