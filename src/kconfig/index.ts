// The Kconfig engine's public API (other stages use only this file): load a kernel tree for an
// architecture, read .config files and fragments, evaluate them as `make olddefconfig` does, write the
// result, and explain/merge/diff with structured reasons.
import { writeFileAtomic } from '../util/atomic.js';
import { Kconfig, type LoadOptions } from './tree.js';
import type { MergeResult } from './merge.js';

export { Kconfig, parseConfigText, type LoadOptions } from './tree.js';
// The language's own concepts for users of the engine; the internals keep C's names (symbol.c's `struct symbol`
// is Sym, `struct property` Prop, `struct menu` MenuNode).
export type { Sym as Symbol, Prop as Property, MenuNode, Expr, SymType as SymbolType } from './model.js';
import type { Sym } from './model.js';
/** A choice: in Kconfig, as in C, a symbol of its own (`isChoice`), whose `choiceValues` are its entries. */
export type Choice = Sym;
export type { ConfigReport, Reason, ReasonKind, Operand } from './merge-report.js';
export { mergeTexts, mergeAndReport, type ConfigText, type MergeResult } from './merge.js';
export { explainSymbol, formatExplanation, type SymbolExplanation } from './explain.js';
export {
  diffConfigs,
  diffConfigEntries,
  formatDiff,
  formatDiffEntry,
  configValues,
  type ConfigDiffEntry,
} from './diff.js';
export type { ConfigAssignment } from './dotconfig.js';
export { readProbeFile } from './probes.js';
export { makeEnv, type MakeEnv } from './env.js';
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
export function loadTree(opts: LoadOptions): Kconfig {
  return Kconfig.load(opts);
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
  const tree = Kconfig.load(opts);
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
  const tree = Kconfig.load(opts);
  const res = tree.merge(opts.base, opts.fragments);
  if (opts.out) writeFileAtomic(opts.out, Buffer.from(res.config, 'latin1'));
  return res;
}
