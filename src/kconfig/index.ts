// The Kconfig engine's public API (other stages use only this file): load a kernel tree for an
// architecture, read .config files and fragments, evaluate them as `make olddefconfig` does, write the
// result, and explain/merge/diff with structured reasons.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../util/atomic.js';
import { KdkError, ExitCode } from '../util/errors.js';
import { KconfigTree, type LoadOptions } from './tree.js';
import type { MergeResult } from './merge.js';

export { KconfigTree, parseConfigText, type LoadOptions } from './tree.js';
export type { ConfigReport, Reason, ReasonKind, Operand } from './merge-report.js';
export { mergeTexts, mergeAndReport, type ConfigText, type MergeResult } from './merge.js';
export { explainSymbol, formatExplanation, type SymbolExplanation } from './explain.js';
export { diffConfigs, formatDiff, configValues, type ConfigDiffEntry } from './diff.js';
export type { ConfigAssignment } from './dotconfig.js';
export { readProbeFile } from './probes.js';
export { readConfigFile, type ConfigFile } from './files.js';
export {
  parseConfigMap,
  readConfigMap,
  formatConfigMap,
  formatEntry,
  diffConfigMaps,
  type ConfigMap,
  type ConfigEntryOrigin,
  type ConfigMapOptions,
  type ConfigMapDiff,
} from './config-map.js';
import { readConfigFile } from './files.js';

/** Load (parse + finalize) a kernel's Kconfig tree for one architecture. */
export function loadTree(opts: LoadOptions): KconfigTree {
  return KconfigTree.load(opts);
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
  const tree = KconfigTree.load(opts);
  const read = tree.readConfig(input);
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
  readConfigFile(opts.base);
  opts.fragments.forEach((f) => readConfigFile(f));
  const tree = KconfigTree.load(opts);
  const res = tree.merge(opts.base, opts.fragments);
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
