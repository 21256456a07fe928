// What a debug flavour did to its base: requested options that did not stick (and why), and every base option
// whose final value changed. Shapes follow docs/conventions.md (ConfigValue/ConfigReport).
import type { ConfigMap } from '../kconfig/index.js';
import type { RequestedOption } from './profiles.js';
import { treeSymbols } from './tree-symbols.js';
import type { ConfigReport, Reason } from '../kconfig/index.js';

/** The Kconfig engine's structured reason (kind, expression, operand values, responsible symbols, text). */
export type ConfigReason = Reason & { where?: string };

export interface ConfigValue {
  symbol: string;
  requested: string;
  final: string;
  profile: string;
  level: string;
  cost: string;
  /** The profile's one-line reason for asking. */
  why: string;
  /** Why the value did not stick (only for those that did not). */
  reason?: ConfigReason;
}

export interface BaseChange {
  symbol: string;
  base: string;
  final: string;
  /** True when a profile asked for this change; false for knock-on changes (selects, defaults, dependencies). */
  requested: boolean;
  /** The engine's reason, for base values it reports as changed. */
  reason?: ConfigReason;
}

const norm = (v: string | undefined) => v ?? 'n';

/**
 * Why a requested value did not stick when the engine gave no reason: what the tree's Kconfig files say about
 * the symbol (its own `depends on` lines and the final values of the symbols in them).
 */
export function explainFallback(tree: string, o: RequestedOption, final: ConfigMap): ConfigReason {
  const sites = treeSymbols(tree).get(o.symbol);
  if (!sites) {
    return { kind: 'no-such-symbol', text: `CONFIG_${o.symbol} does not exist in this kernel's Kconfig files` };
  }
  const deps = sites.flatMap((s) => s.depends);
  const where = sites.map((s) => `${s.file}:${s.line}`).join(', ');
  if (deps.length === 0) {
    return {
      kind: 'default',
      where,
      text: `set to ${norm(final.get(o.symbol))} by Kconfig (no prompt, a choice, or a select/range forced it)`,
    };
  }
  const expression = deps.map((d) => `(${d})`).join(' && ');
  const symbols = [...new Set(expression.match(/[A-Z][A-Z0-9_]+/g) ?? [])];
  const values = symbols.map((s) => `${s}=${norm(final.get(s))}`).join(', ');
  const operands = symbols.map((sym) => ({ symbol: sym, value: norm(final.get(sym)) }));
  return { kind: 'unmet-dependency', expression, operands, where, text: `depends on ${expression} [${values}]` };
}

export function requestedReport(
  tree: string,
  options: RequestedOption[],
  final: ConfigMap,
  engine: ConfigReport[] = [],
): { stuck: ConfigValue[]; notStuck: ConfigValue[] } {
  const stuck: ConfigValue[] = [];
  const notStuck: ConfigValue[] = [];
  for (const o of options) {
    const got = norm(final.get(o.symbol));
    const v: ConfigValue = {
      symbol: o.symbol,
      requested: o.value,
      final: got,
      profile: o.profile,
      level: o.level,
      cost: o.cost,
      why: o.reason,
    };
    if (got === o.value) stuck.push(v);
    else {
      const r = engine.find((e) => e.origin === 'fragment' && e.symbol.replace(/^CONFIG_/, '') === o.symbol);
      notStuck.push({ ...v, reason: r?.reason ?? explainFallback(tree, o, final) });
    }
  }
  return { stuck, notStuck };
}

export function baseChanges(
  base: ConfigMap,
  final: ConfigMap,
  requested: Set<string>,
  engine: ConfigReport[] = [],
): BaseChange[] {
  const out: BaseChange[] = [];
  const why = new Map(
    engine.filter((e) => e.origin === 'base').map((e) => [e.symbol.replace(/^CONFIG_/, ''), e.reason]),
  );
  for (const k of new Set([...base.keys(), ...final.keys()])) {
    const b = norm(base.get(k));
    const f = norm(final.get(k));
    if (b !== f) out.push({ symbol: k, base: b, final: f, requested: requested.has(k), reason: why.get(k) });
  }
  return out.sort((a, b) => Number(b.requested) - Number(a.requested) || a.symbol.localeCompare(b.symbol));
}
