// The Kconfig engine's public API (other stages use only this file): load a kernel tree for an
// architecture, read .config files and fragments, evaluate them as `make olddefconfig` does, write the
// result, and explain/merge/diff with structured reasons.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../util/atomic.js';
import { KdkError, ExitCode } from '../util/errors.js';
import { KconfigTree, type LoadOptions } from './tree.js';
import { parseConfigText } from './tree.js';
import { mergeAndReport, type ConfigText, type MergeResult } from './merge.js';

export { KconfigTree, parseConfigText, type LoadOptions } from './tree.js';
export type { ConfigReport, Reason, ReasonKind, Operand } from './report.js';
export { mergeTexts, mergeAndReport, type ConfigText, type MergeResult } from './merge.js';
export { explainSymbol, formatExplanation, type SymbolExplanation } from './explain.js';
export { diffConfigs, formatDiff, configValues, type ConfigDiffEntry } from './diff.js';
export type { ConfigAssignment } from './dotconfig.js';
export { readProbeFile } from './probes.js';

/** Load (parse + finalize) a kernel's Kconfig tree for one architecture. */
export function loadTree(opts: LoadOptions): KconfigTree {
  return KconfigTree.load(opts);
}

/** Read a .config or fragment file as latin1 (bytes preserved), with a KdkError naming it when unreadable. */
export function readConfigFile(path: string): ConfigText {
  try {
    return { name: path, text: readFileSync(path, 'latin1') };
  } catch (e) {
    throw new KdkError(`cannot read config file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      file: path,
      exitCode: ExitCode.usage,
    });
  }
}

/** Reject lines that are neither a config line, a comment nor blank (conf only warns; we refuse). */
export function checkConfigSyntax(c: ConfigText): void {
  const lines = c.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].replace(/\r$/, '');
    if (l === '' || l.startsWith('#')) continue;
    if (!/^CONFIG_[A-Za-z0-9_]+=/.test(l))
      throw new KdkError(`not a config line: ${JSON.stringify(l.slice(0, 80))} (expected CONFIG_NAME=value)`, {
        file: c.name,
        line: i + 1,
      });
  }
}

export interface OlddefconfigOptions extends LoadOptions {
  in: string;
  out: string;
}

export interface OlddefconfigResult {
  warnings: string[];
  /** Symbols selected beyond their direct dependencies (conf's "unmet direct dependencies"). */
  unmet: string[];
  config: string;
}

/** `make olddefconfig` in one call: read `in`, evaluate, write `out` atomically. */
export function olddefconfig(opts: OlddefconfigOptions): OlddefconfigResult {
  const input = readConfigFile(opts.in);
  checkConfigSyntax(input);
  const tree = KconfigTree.load(opts);
  const read = tree.evaluate(parseConfigText(input.text, input.name));
  const config = tree.writeConfig();
  writeFileAtomic(opts.out, Buffer.from(config, 'latin1'));
  return { warnings: [...read.warnings, ...tree.unmetWarnings()], unmet: tree.unmetSymbols(), config };
}

export interface MergeOptions extends LoadOptions {
  base: string;
  fragments: string[];
  out?: string;
}

/** merge_config.sh -m + olddefconfig, with the report; writes `out` atomically when given. */
export function mergeConfigs(opts: MergeOptions): MergeResult {
  const base = readConfigFile(opts.base);
  checkConfigSyntax(base);
  const frags = opts.fragments.map(readConfigFile);
  frags.forEach(checkConfigSyntax);
  const tree = KconfigTree.load(opts);
  const res = mergeAndReport(tree, base, frags);
  res.warnings.push(...tree.unmetWarnings());
  if (opts.out) writeFileAtomic(opts.out, Buffer.from(res.config, 'latin1'));
  return res;
}

/** profiles/debug.config: kdk's debug fragment (KASAN, KCOV, lockdep...). */
export function debugProfilePath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/kconfig or dist/src/kconfig: walk up to the directory holding profiles/.
  for (let d = here; d !== dirname(d); d = dirname(d)) {
    const p = join(d, 'profiles', 'debug.config');
    try {
      readFileSync(p);
      return p;
    } catch {
      /* keep looking */
    }
  }
  throw new KdkError('profiles/debug.config not found next to kdk', { exitCode: ExitCode.environment });
}
