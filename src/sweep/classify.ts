// A bundle's N runs as one verdict, and that verdict joined with whether the kernel has the fix. Pure functions:
// the data-driven test feeds them run outcomes and fix states from a file.
import type { FixAnswer } from './fix.js';

export type SweepVerdict = 'reproduces' | 'different-crash' | 'no-crash' | 'flaky' | 'not-applicable' | 'infra-error';

/** One run as the sweep sees it: the crash titles (first report first, each with its alternatives) or none. */
export interface RunOutcome {
  verdict: 'no-crash' | 'crash' | 'boot-failure' | 'timeout' | 'infra-error';
  titles: string[][];
}

export interface Classified {
  verdict: SweepVerdict;
  /** Runs that crashed with the bundle's title, of `runs` that gave an answer. */
  hits: number;
  runs: number;
  /** With different-crash: the first other title seen. */
  otherTitle?: string;
}

const hitsTitle = (r: RunOutcome, title: string) => r.titles.some((t) => t.includes(title));

/**
 * reproduces: every run crashed with the title; flaky: some did (k of N); different-crash: none did but another
 * crash came; infra-error: none gave an answer (QEMU or the host failed, after the retry); else no-crash. A run
 * that timed out without a crash counts as no crash (the watchdogs ended a reproducer that never returned).
 */
export function classifyRuns(runs: RunOutcome[], title: string): Classified {
  const answered = runs.filter((r) => r.verdict !== 'infra-error' && r.verdict !== 'boot-failure');
  const hits = answered.filter((r) => hitsTitle(r, title)).length;
  const other = answered.find((r) => r.verdict === 'crash' && !hitsTitle(r, title));
  const base = { hits, runs: answered.length };
  if (answered.length === 0) return { verdict: 'infra-error', ...base };
  if (hits === answered.length) return { verdict: 'reproduces', ...base };
  if (hits > 0) return { verdict: 'flaky', ...base };
  if (other) return { verdict: 'different-crash', ...base, otherTitle: other.titles[0]?.[0] };
  return { verdict: 'no-crash', ...base };
}

export type Assessment = 'missing backport' | 'regression' | 'fix missing but not reproduced' | 'fixed';

/** The verdict with the fix's presence: what a distribution kernel team acts on. */
export function assess(verdict: SweepVerdict, fix: FixAnswer['state']): Assessment | undefined {
  const crashed = verdict === 'reproduces' || verdict === 'flaky';
  if (crashed && fix === 'missing') return 'missing backport';
  if (crashed && fix === 'present') return 'regression';
  if (verdict === 'no-crash' && fix === 'missing') return 'fix missing but not reproduced';
  if (verdict === 'no-crash' && fix === 'present') return 'fixed';
  return undefined;
}
