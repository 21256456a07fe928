// Several VMs at once: `repeat` boots of the same kernel and initramfs, at most `parallel` running together,
// each with its own work dir, log and ports; a summary counts verdicts and crash titles.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runVm } from './runner.js';
import type { Accel, RunResult, VmEvent, VmOptions } from './types.js';

export interface ManyOptions {
  repeat: number;
  parallel: number;
  /** Where each run's work dir goes (run-1, run-2...); absent: each console log goes to $KDK_CACHE/logs/. */
  workRoot?: string;
  /** Stop starting new runs once one crashed (the reproduce loop). */
  stopOnCrash?: boolean;
  onResult?: (index: number, r: RunResult) => void;
  /** Runner events of each run (progress). */
  onEvent?: (index: number, e: VmEvent) => void;
}

export interface ManySummary {
  runs: number;
  verdicts: Record<string, number>;
  /** Crash titles (first report of each run) and how many runs gave each. */
  titles: Record<string, number>;
  /** 'crash' when any run crashed, else the most severe other verdict ('no-crash' when all were clean). */
  verdict: RunResult['verdict'];
}

export async function runMany(base: VmOptions, accel: Accel, opts: ManyOptions): Promise<RunResult[]> {
  const results: RunResult[] = [];
  let next = 0;
  let stop = false;
  const worker = async () => {
    // An aborted batch (base.signal: a cancelled job) starts no more VMs; the running ones end by the same signal.
    while (!stop && !base.signal?.aborted && next < opts.repeat) {
      const i = next++;
      const workDir = opts.workRoot && join(opts.workRoot, `run-${i + 1}`);
      if (workDir) mkdirSync(workDir, { recursive: true });
      const r = await runVm({ ...base, workDir, onEvent: (e) => opts.onEvent?.(i, e) }, accel);
      results[i] = r;
      opts.onResult?.(i, r);
      if (opts.stopOnCrash && r.verdict === 'crash') stop = true;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.parallel, opts.repeat)) }, worker));
  return results.filter(Boolean);
}

const SEVERITY: RunResult['verdict'][] = ['no-crash', 'timeout', 'boot-failure', 'infra-error', 'crash'];

export function summarize(results: RunResult[]): ManySummary {
  const verdicts: Record<string, number> = {};
  const titles: Record<string, number> = {};
  let worst: RunResult['verdict'] = 'no-crash';
  for (const r of results) {
    verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1;
    const t = r.crashes[0]?.title;
    if (t) titles[t] = (titles[t] ?? 0) + 1;
    if (SEVERITY.indexOf(r.verdict) > SEVERITY.indexOf(worst)) worst = r.verdict;
  }
  return { runs: results.length, verdicts, titles, verdict: worst };
}
