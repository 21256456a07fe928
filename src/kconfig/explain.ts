// `config explain`: a symbol's value, type, definition sites, and why it has that value — what the
// dependencies, selects, implies and defaults evaluate to — plus what would have to change for another value.
import { N, Y, type Sym } from './model.js';
import type { KconfigTree } from './tree.js';
import { activeSelectors, operands, type Operand } from './merge-report.js';
import { andTerms, exprToString } from './printexpr.js';

export interface SymbolExplanation {
  symbol: string;
  defined: boolean;
  type?: string;
  value?: string;
  written?: boolean;
  definedAt?: string[];
  prompt?: string;
  visible?: string;
  dependsOn?: { expression: string; value: string; operands: Operand[] };
  selectedBy?: { by: string; expression: string }[];
  impliedBy?: { by: string; expression: string }[];
  defaults?: { value: string; condition: string; active: boolean }[];
  range?: string;
  choice?: { selected: string | null; values: string[] };
  /** Human sentences: why this value, and what would change it. */
  why: string[];
  toChange: string[];
}

const vname = (v: number): string => (v === 2 ? 'y' : v === 1 ? 'm' : 'n');

export function explainSymbol(tree: KconfigTree, name: string): SymbolExplanation {
  const bare = name.replace(/^CONFIG_/, '');
  const s = tree.symbol(bare);
  if (!s || s.type === 'unknown')
    return {
      symbol: bare,
      defined: false,
      why: [`CONFIG_${bare} is not defined by any Kconfig file of this tree (${tree.srctree}, ARCH=${tree.arch})`],
      toChange: ['nothing: the symbol does not exist in this kernel (renamed or removed?)'],
    };
  const ev = tree.ev;
  ev.calc(s);
  const value = ev.stringValue(s);
  const out: SymbolExplanation = {
    symbol: bare,
    defined: true,
    type: s.type,
    value,
    definedAt: s.menus.map((m) => `${m.file}:${m.line}`),
    prompt: s.props.find((p) => p.text !== undefined)?.text,
    visible: vname(s.visible),
    why: [],
    toChange: [],
  };
  // Choice values skip dir_dep in the C evaluation (their choice decides), so compute it for display.
  if (s.dirDep)
    out.dependsOn = {
      expression: exprToString(s.dirDep),
      value: vname(ev.calcExpr(s.dirDep)),
      operands: operands(ev, s.dirDep),
    };
  const sel = activeSelectors(ev, s.revDep);
  if (sel.length) out.selectedBy = sel.map((x) => ({ by: x.by, expression: exprToString(x.expr) }));
  const imp = activeSelectors(ev, s.implied);
  if (imp.length) out.impliedBy = imp.map((x) => ({ by: x.by, expression: exprToString(x.expr) }));
  out.defaults = s.props
    .filter((p) => p.type === 'default')
    .map((p) => ({
      value: exprToString(p.expr),
      condition: exprToString(p.visible),
      active: ev.calcExpr(p.visible) !== N,
    }));
  const r = ev.rangeProp(s);
  if (r) out.range = `${r.range![0].displayName}..${r.range![1].displayName}`;
  if (s.isChoiceValue && s.choice) {
    ev.calc(s.choice);
    out.choice = {
      selected: s.choice.choiceSel?.displayName ?? null,
      values: s.choice.choiceValues.map((v) => v.displayName),
    };
  }
  reasons(tree, s, out);
  return out;
}

function reasons(tree: KconfigTree, s: Sym, out: SymbolExplanation): void {
  const ev = tree.ev;
  const value = out.value!;
  if (s.type === 'bool' || s.type === 'tristate') {
    if (s.revDepTri !== N)
      out.why.push(`selected (at least ${vname(s.revDepTri)}) by ${out.selectedBy!.map((x) => x.by).join(', ')}`);
    const depTri = s.dirDep ? ev.calcExpr(s.dirDep) : Y;
    if (depTri === N && s.dirDep) {
      const bad = andTerms(s.dirDep).filter((t) => ev.calcExpr(t) === N);
      out.why.push(`its dependencies are not met: ${bad.map((t) => exprToString(t)).join(' && ')}`);
      out.toChange.push(
        `to enable it, make these true: ${bad
          .map(
            (t) =>
              `${exprToString(t)} (${operands(ev, t)
                .map((o) => `${o.symbol}=${o.value}`)
                .join(', ')})`,
          )
          .join('; ')}`,
      );
    }
    if (s.visible === N && !out.prompt) out.why.push('it has no prompt: only defaults, selects and implies set it');
    else if (s.visible !== N && s.hasUserValue)
      out.why.push(`the .config sets it (${vname(s.userTri)}), and the prompt allows up to ${vname(s.visible)}`);
    else if (s.visible !== N) out.why.push('not set in the .config: its default applies');
    if (s.isChoiceValue && out.choice)
      out.why.push(`it is a choice value; the choice picked ${out.choice.selected ?? 'nothing'}`);
    if (value !== 'n' && s.revDepTri !== N)
      out.toChange.push(`to disable it, first disable its selectors: ${out.selectedBy!.map((x) => x.by).join(', ')}`);
    else if (value !== 'n' && s.visible !== N) out.toChange.push(`set "# CONFIG_${s.name} is not set" in the .config`);
    if (value === 'n' && s.isChoiceValue && s.visible !== N)
      out.toChange.push(`set CONFIG_${s.name}=y in the .config to pick it in its choice`);
    else if (value === 'n' && depTri !== N && s.visible !== N)
      out.toChange.push(`set CONFIG_${s.name}=y in the .config`);
    if (value === 'm' && s.visible === Y) out.toChange.push(`set CONFIG_${s.name}=y for built-in`);
  } else {
    if (s.visible !== N && s.hasUserValue) out.why.push('the .config sets it');
    else
      out.why.push(
        s.visible === N
          ? 'it is not user-settable here: its default applies'
          : 'not set in the .config: its default applies',
      );
    if (out.range) out.why.push(`allowed range ${out.range}`);
    if (s.visible !== N) out.toChange.push(`set CONFIG_${s.name}=<value> in the .config`);
  }
}

export function formatExplanation(e: SymbolExplanation): string {
  if (!e.defined) return `CONFIG_${e.symbol}: not defined\n  ${e.why.join('\n  ')}\n`;
  const lines = [`CONFIG_${e.symbol}=${e.value}  (${e.type}${e.prompt ? `, prompt "${e.prompt}"` : ', no prompt'})`];
  lines.push(`  defined at: ${e.definedAt!.join(', ')}`);
  if (e.dependsOn) {
    lines.push(`  depends on [${e.dependsOn.value}]: ${e.dependsOn.expression}`);
    const ops = e.dependsOn.operands.map((o) => `${o.symbol}=${o.value}`).join(' ');
    if (ops) lines.push(`    where ${ops}`);
  }
  for (const x of e.selectedBy ?? []) lines.push(`  selected by: ${x.expression}`);
  for (const x of e.impliedBy ?? []) lines.push(`  implied by: ${x.expression}`);
  for (const d of e.defaults ?? []) lines.push(`  default ${d.value} if ${d.condition}${d.active ? '  (active)' : ''}`);
  if (e.range) lines.push(`  range: ${e.range}`);
  if (e.choice) lines.push(`  choice: ${e.choice.values.join(' | ')}; selected: ${e.choice.selected ?? '-'}`);
  for (const w of e.why) lines.push(`  why: ${w}`);
  for (const c of e.toChange) lines.push(`  to change: ${c}`);
  return lines.join('\n') + '\n';
}
