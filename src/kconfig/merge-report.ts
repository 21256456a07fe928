// Why a symbol did not get the value someone asked for: the structured reasons behind `config merge`
// and `config explain` (unmet `depends on` with operand values, the `select` that forced it, the choice
// that overrode it, no such symbol...). Computed from the evaluator's state after an evaluation.
import { M, N, Y, triName, type Expr, type Sym, type Tri } from './model.js';
import type { Evaluator } from './evaluate.js';
import { andTerms, exprSymbols, exprToString, orTerms } from './printexpr.js';

export type ReasonKind =
  | 'no-such-symbol'
  | 'unmet-dependency'
  | 'selected'
  | 'implied'
  | 'choice'
  | 'not-user-settable'
  | 'prompt-condition'
  | 'bool-only'
  | 'modules-disabled'
  | 'out-of-range'
  | 'invalid-value'
  | 'default';

export interface Operand {
  symbol: string;
  value: string;
}

export interface Reason {
  kind: ReasonKind;
  /** The expression that decided (dependency, select condition, default), as Kconfig prints it. */
  expression?: string;
  operands?: Operand[];
  /** Symbols responsible: the selectors, the chosen choice value... */
  by?: string[];
  text: string;
}

export interface ConfigReport {
  symbol: string;
  /** What a fragment asked for, or the base config's value for a changed base value. */
  requested: string;
  final: string;
  origin: 'fragment' | 'base';
  /** The file that asked for it. */
  source?: string;
  reason: Reason;
}

export function operands(ev: Evaluator, e: Expr | null): Operand[] {
  return exprSymbols(e).map((s) => {
    ev.calc(s);
    return { symbol: s.displayName, value: s.type === 'unknown' ? 'n (undefined)' : ev.stringValue(s) };
  });
}

/** The failing part of a dependency: conjuncts whose value is below `want`. */
function failing(ev: Evaluator, e: Expr | null, want: Tri): Expr | null {
  const bad = andTerms(e).filter((t) => ev.calcExpr(t) < want);
  if (!bad.length) return e;
  return bad.reduce<Expr | null>((a, b) => (a ? { k: 'and', l: a, r: b } : b), null);
}

function describe(kind: ReasonKind, ev: Evaluator, e: Expr | null, text: string, by?: string[]): Reason {
  const ops = e ? operands(ev, e) : undefined;
  const expression = e ? exprToString(e) : undefined;
  const opText = ops?.length ? ` (${ops.map((o) => `${o.symbol}=${o.value}`).join(', ')})` : '';
  return { kind, expression, operands: ops, by, text: text + (expression ? `: ${expression}${opText}` : '') };
}

/** The active `select`s (or `imply`s) on s: each term `SELECTOR && cond` that is not n. */
export function activeSelectors(ev: Evaluator, e: Expr | null): { by: string; expr: Expr }[] {
  const out: { by: string; expr: Expr }[] = [];
  for (const t of orTerms(e)) {
    if (ev.calcExpr(t) === N) continue;
    const head = t.k === 'and' ? leftmost(t) : t;
    out.push({ by: head.k === 'sym' ? head.s.displayName : exprToString(head), expr: t });
  }
  return out;
}

function leftmost(e: Expr): Expr {
  while (e.k === 'and') e = e.l;
  return e;
}

function valueOf(ev: Evaluator, s: Sym): string {
  ev.calc(s);
  return ev.stringValue(s);
}

const triOf = (v: string): Tri => (v === 'y' ? Y : v === 'm' ? M : N);

/** Why `s` ended up `final` instead of `requested`. */
export function explainMismatch(ev: Evaluator, s: Sym | undefined, name: string, requested: string): Reason {
  if (!s || s.type === 'unknown')
    return {
      kind: 'no-such-symbol',
      text: `no such symbol in this kernel: CONFIG_${name} is not defined by any Kconfig file`,
    };
  const final = valueOf(ev, s);
  if (s.type === 'bool' || s.type === 'tristate') {
    const want = triOf(requested);
    const got = triOf(final);
    if (got < want) return whyLower(ev, s, want);
    return whyHigher(ev, s, want, got);
  }
  if (s.visible === N) return whyInvisible(ev, s, Y);
  if (!ev.stringWithinRange(s, requested)) {
    const p = ev.rangeProp(s);
    return {
      kind: 'out-of-range',
      expression: p ? `[${p.range![0].displayName} ${p.range![1].displayName}]` : undefined,
      text: p
        ? `value ${requested} is outside the range ${valueOf(ev, p.range![0])}..${valueOf(ev, p.range![1])}`
        : `value ${requested} is not a valid ${s.type}`,
    };
  }
  return { kind: 'default', text: `the value came from the defaults` };
}

function whyInvisible(ev: Evaluator, s: Sym, want: Tri): Reason {
  if (s.dirDepTri < want) {
    const e = failing(ev, s.dirDep, want);
    return describe('unmet-dependency', ev, e, `unmet dependency (depends on = ${triName(s.dirDepTri)})`);
  }
  const prompts = s.props.filter((p) => p.text !== undefined);
  if (!prompts.length) {
    const def = s.props.find((p) => p.type === 'default' && ev.calcExpr(p.visible) !== N);
    return describe(
      'not-user-settable',
      ev,
      def?.expr ?? null,
      'the symbol has no prompt, so a .config value is ignored; its value comes from defaults/selects',
    );
  }
  const e = failing(ev, prompts[0].visible, want);
  return describe('prompt-condition', ev, e, 'the prompt is not visible');
}

function whyLower(ev: Evaluator, s: Sym, want: Tri): Reason {
  if (s.isChoiceValue && s.choice) {
    const c = s.choice;
    ev.calc(c);
    if (c.choiceSel && c.choiceSel !== s && s.visible !== N)
      return {
        kind: 'choice',
        by: [c.choiceSel.displayName],
        text: `choice overrode it: ${c.choiceSel.displayName} is the selected value of the choice`,
      };
  }
  if (want === M && ev.modulesVal === N) return { kind: 'modules-disabled', text: 'm needs MODULES=y' };
  if (s.visible < want) return whyInvisible(ev, s, want);
  return describe('default', ev, null, 'the value came from the defaults');
}

function whyHigher(ev: Evaluator, s: Sym, want: Tri, got: Tri): Reason {
  if (s.revDepTri > want) {
    const sel = activeSelectors(ev, s.revDep);
    return {
      ...describe(
        'selected',
        ev,
        sel.length === 1 ? sel[0].expr : null,
        `selected by ${sel.map((x) => x.by).join(', ')}`,
      ),
      by: sel.map((x) => x.by),
    };
  }
  if (want === M && got === Y) {
    if (s.type === 'bool') return { kind: 'bool-only', text: `${s.displayName} is bool: m becomes y` };
    if (ev.modulesVal === N) return { kind: 'modules-disabled', text: 'MODULES is n, so m becomes y' };
    if (s.isChoiceValue) return { kind: 'choice', text: 'a value of a y choice is y or n' };
  }
  if (s.impliedTri > want && s.visible === N) {
    const imp = activeSelectors(ev, s.implied);
    return {
      ...describe('implied', ev, null, `implied by ${imp.map((x) => x.by).join(', ')}`),
      by: imp.map((x) => x.by),
    };
  }
  if (s.isChoiceValue && s.choice && s.choice.choiceSel === s)
    return { kind: 'choice', by: [s.displayName], text: 'the choice needs one value and picked this one by default' };
  if (s.visible === N) return whyInvisible(ev, s, got);
  return describe('default', ev, null, 'the value came from the defaults');
}

/** conf's "unmet direct dependencies" warning for a symbol a select forced above its dependencies. */
export function formatUnmet(ev: Evaluator, s: Sym): string {
  const val = (x: Sym): string | undefined =>
    x.type === 'unknown' || x.flags & 1 || x.name === null ? undefined : valueOf(ev, x);
  const lines = [
    `WARNING: unmet direct dependencies detected for ${s.displayName}`,
    `  Depends on [${triName(s.dirDepTri)}]: ${exprToString(s.dirDep, 0, val)}`,
  ];
  for (const want of [Y, M] as Tri[]) {
    const terms = orTerms(s.revDep).filter((t) => ev.calcExpr(t) === want);
    if (!terms.length) continue;
    lines.push(`  Selected by [${triName(want)}]:`);
    for (const t of terms) lines.push(`  - ${exprToString(t, 0, val)}`);
  }
  return lines.join('\n');
}
