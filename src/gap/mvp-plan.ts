// `kdk plan mvp`'s whole computation, for the CLI and the dashboard: what each detector catches (mvpCatches, over
// the CVE index and syzkaller's corpus) joined with what it costs and the best set within the budget (the plan
// stage). It lives here, not in plan, because the counts need the CVE index and the report parser, both above
// plan. Measured costs from a store come in ready-made (the store stage is above this one).
import { existsSync } from 'node:fs';
import { DEFAULT_ARCH, debianArch } from '../util/arch.js';
import { mvpCatches, sharedSyzkallerCorpus } from './mvp-catches.js';
import {
  DEFAULT_PARAMS,
  debianBaseConfig,
  defaultMvpBudget,
  planMvp,
  type MeasuredCosts,
  type MvpBudget,
  type MvpPlan,
} from '../plan/index.js';

export interface MvpPlanOptions {
  /** Debian's or the kernel's name; default amd64. */
  arch?: string;
  budget?: MvpBudget;
  /** A syzkaller report corpus directory (default: the shared one, when it is there). */
  corpus?: string;
  /** A CVE tarball instead of the index's usual source. */
  tarball?: string;
  measured?: MeasuredCosts;
  measuredFrom?: string;
  baseBuildHours?: number;
  log?: (l: string) => void;
}

export async function mvpPlan(opts: MvpPlanOptions = {}): Promise<MvpPlan> {
  const arch = debianArch(opts.arch ?? DEFAULT_ARCH.debian);
  const corpus = opts.corpus ?? (existsSync(sharedSyzkallerCorpus()) ? sharedSyzkallerCorpus() : undefined);
  const catches = await mvpCatches({
    ...(corpus ? { corpus } : {}),
    ...(opts.tarball ? { tarball: opts.tarball } : {}),
  });
  return planMvp({
    catches,
    arch,
    budget: opts.budget,
    baseConfig: debianBaseConfig(arch, opts.log),
    measured: opts.measured,
    measuredFrom: opts.measuredFrom,
    baseBuildHours: opts.baseBuildHours ?? DEFAULT_PARAMS.baseBuildHours,
    defaultBudget: defaultMvpBudget(),
  });
}
