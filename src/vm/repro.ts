// The reproduce loop for a bundle: get a kernel (the bundle's, or built from a source tree with the bundle's
// config), compile and pack the reproducer, boot it up to N times and compare the crash with the expected title.
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inputError } from '../util/errors.js';
import { buildInitramfs, compileStatic } from '../image/index.js';
import { buildKernel } from './kernel-build.js';
import { olddefconfig } from './olddefconfig.js';
import { runMany, summarize, type ManySummary } from './many.js';
import type { Bundle } from './bundle.js';
import type { Accel, RunResult, VmOptions } from './types.js';

export type ReproVerdict = 'reproduced' | 'different-crash' | 'no-crash';

export interface ReproResult {
  verdict: ReproVerdict;
  expectedTitle: string;
  /** The title seen (the expected one when reproduced, the other crash's otherwise). */
  title?: string;
  kernel: string;
  kernelSource: 'bundle' | 'built';
  runs: RunResult[];
  summary: ManySummary;
}

export async function bundleKernel(bundle: Bundle, srcTree: string | undefined, log: (l: string) => void) {
  if (bundle.bzImage) return { kernel: bundle.bzImage, source: 'bundle' as const };
  if (!srcTree) throw inputError('bundle has no bzImage: give a kernel source tree with --srctree DIR', bundle.dir);
  if (!existsSync(join(srcTree, 'Makefile'))) throw inputError('not a kernel source tree (no Makefile)', srcTree);
  const config = bundle.config!;
  const built = await buildKernel({
    srcTree,
    name: 'x86_64',
    log,
    configure: async (outDir) => {
      copyFileSync(config, join(outDir, '.config'));
      await olddefconfig(srcTree, outDir, log);
    },
  });
  return { kernel: built.bzImage, source: 'built' as const };
}

function matches(r: RunResult, expected: string): boolean {
  return r.crashes.some((c) => c.title === expected || c.altTitles.includes(expected));
}

export async function reproduceBundle(
  bundle: Bundle,
  opts: {
    srcTree?: string;
    accel: Accel;
    repeat?: number;
    timeoutS?: number;
    log: (l: string) => void;
    /** VM settings from the command line (extra kernel arguments, memory, watchdogs). */
    vm?: Partial<VmOptions>;
  },
): Promise<ReproResult> {
  const { kernel, source } = await bundleKernel(bundle, opts.srcTree, opts.log);
  const binary = await compileStatic(bundle.repro, opts.log);
  const initramfs = buildInitramfs([{ name: 'repro', path: binary }], opts.log);
  const repeat = opts.repeat ?? bundle.bug.repeat ?? 3;
  const expected = bundle.bug.title;
  const runs = await runMany(
    { ...opts.vm, kernel, initramfs, runTimeoutS: opts.timeoutS ?? bundle.bug.timeout ?? 120 },
    opts.accel,
    {
      repeat,
      parallel: 1,
      workRoot: mkdtempSync(join(tmpdir(), 'kdk-repro-')),
      stopOnCrash: true,
      onResult: (i, r) =>
        opts.log(`kdk: run ${i + 1}/${repeat}: ${r.verdict}${r.crashes[0] ? `: ${r.crashes[0].title}` : ''}`),
    },
  );
  const hit = runs.find((r) => matches(r, expected));
  const other = runs.find((r) => r.crashes.length > 0);
  const verdict: ReproVerdict = hit ? 'reproduced' : other ? 'different-crash' : 'no-crash';
  return {
    verdict,
    expectedTitle: expected,
    title: hit ? expected : other?.crashes[0].title,
    kernel,
    kernelSource: source,
    runs,
    summary: summarize(runs),
  };
}
