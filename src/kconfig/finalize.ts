// menu_finalize() of scripts/kconfig/menu.c: propagates each menu's dependencies into its children and
// their properties, turns `select`/`imply` into the target's reverse dependencies, decides which symbols
// are choice values (after the automatic submenu nesting that decides it), and flattens `if` blocks.
import { exprAnd, exprOr, F, type Expr, type MenuNode, type Sym } from './model.js';
import type { SymbolTable } from './symtab.js';

export function finalizeTree(root: MenuNode, modulesSym: Sym, syms: SymbolTable): void {
  new Finalizer(modulesSym, syms).node(root, [root], 0);
}

/** 'm' in a dependency means 'm && MODULES', so it is n without module support (rewrite_m). */
function rewriteM(e: Expr | null, mod: Sym, modules: Sym): Expr | null {
  if (!e) return e;
  switch (e.k) {
    case 'not':
      return { k: 'not', e: rewriteM(e.e, mod, modules)! };
    case 'and':
    case 'or':
      return { k: e.k, l: rewriteM(e.l, mod, modules)!, r: rewriteM(e.r, mod, modules)! };
    case 'sym':
      return e.s === mod ? { k: 'and', l: e, r: { k: 'sym', s: modules } } : e;
    default:
      return e;
  }
}

export function exprContains(e: Expr | null, s: Sym): boolean {
  if (!e) return false;
  switch (e.k) {
    case 'and':
    case 'or':
      return exprContains(e.l, s) || exprContains(e.r, s);
    case 'not':
      return exprContains(e.e, s);
    case 'sym':
      return e.s === s;
    case 'cmp':
      return e.l === s || e.r === s;
  }
}

function exprDepends(e: Expr | null, s: Sym, syms: SymbolTable): boolean {
  if (!e) return false;
  switch (e.k) {
    case 'and':
      return exprDepends(e.l, s, syms) || exprDepends(e.r, s, syms);
    case 'sym':
      return e.s === s;
    case 'cmp':
      if (e.l !== s) return false;
      if (e.op === '=') return e.r === syms.yes || e.r === syms.mod;
      if (e.op === '!=') return e.r === syms.no;
      return false;
    default:
      return false;
  }
}

function exprEqual(a: Expr, b: Expr): boolean {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'sym':
      return a.s === (b as typeof a).s;
    case 'not':
      return exprEqual(a.e, (b as typeof a).e);
    case 'cmp': {
      const c = b as typeof a;
      return a.op === c.op && a.l === c.l && a.r === c.r;
    }
    default: {
      const c = b as typeof a;
      return (exprEqual(a.l, c.l) && exprEqual(a.r, c.r)) || (exprEqual(a.l, c.r) && exprEqual(a.r, c.l));
    }
  }
}

function conjuncts(e: Expr | null, out: Expr[] = []): Expr[] {
  if (!e) return out;
  if (e.k === 'and') {
    conjuncts(e.l, out);
    conjuncts(e.r, out);
  } else out.push(e);
  return out;
}

class Finalizer {
  constructor(
    private modules: Sym,
    private syms: SymbolTable,
  ) {}

  node(parent: MenuNode, siblings: MenuNode[], idx: number): void {
    const sym = parent.sym;
    if (parent.children.length) {
      let parentdep: Expr | null;
      if (sym && sym.isChoice) {
        if (sym.type === 'unknown') {
          const typed = parent.children.find((c) => c.sym && c.sym.type !== 'unknown');
          if (typed) sym.type = typed.sym!.type;
        }
        for (const c of parent.children) if (c.sym && c.sym.type === 'unknown') c.sym.type = sym.type;
        parentdep = { k: 'sym', s: sym };
      } else parentdep = parent.dep;
      for (const c of parent.children) this.propagate(c, parentdep);
      const kids = parent.children;
      for (let i = 0; i < kids.length; i++) this.node(kids[i], kids, i);
    } else if (sym) {
      this.autoSubmenu(parent, sym, siblings, idx);
      sym.dirDep = exprOr(sym.dirDep, parent.dep);
    }
    this.choiceValuesAndFlatten(parent);
    if (sym && !(sym.flags & F.OPTIONAL) && parent.prompt)
      sym.revDep = exprOr(sym.revDep, exprAnd(parent.prompt.visible, { k: 'sym', s: this.syms.mod }));
  }

  private propagate(menu: MenuNode, parentdep: Expr | null): void {
    const basedep = exprAnd(parentdep, rewriteM(menu.dep, this.syms.mod, this.modules));
    menu.dep = basedep;
    const props = menu.sym ? menu.sym.props : menu.prompt ? [menu.prompt] : [];
    for (const prop of props) {
      if (prop.menu !== menu) continue;
      const dep = exprAnd(basedep, rewriteM(prop.visible, this.syms.mod, this.modules));
      prop.visible = dep;
      if (prop.type === 'select' || prop.type === 'imply') {
        const es = (prop.expr as { s: Sym }).s;
        const term = exprAnd({ k: 'sym', s: menu.sym! }, dep);
        if (prop.type === 'select') es.revDep = exprOr(es.revDep, term);
        else es.implied = exprOr(es.implied, term);
      }
    }
  }

  /** Consecutive entries that depend on `sym` become its submenu (this decides choice membership). */
  private autoSubmenu(parent: MenuNode, sym: Sym, siblings: MenuNode[], idx: number): void {
    const basedep = conjuncts(parent.prompt ? parent.prompt.visible : null);
    let j = idx + 1;
    for (; j < siblings.length; j++) {
      const m = siblings[j];
      const dep = m.prompt ? m.prompt.visible : m.dep;
      if (!exprContains(dep, sym)) break;
      if (!exprDepends(dep, sym, this.syms)) {
        const have = conjuncts(dep);
        if (!basedep.every((b) => have.some((h) => exprEqual(b, h)))) break;
      }
      this.node(m, siblings, j);
    }
    if (j > idx + 1) {
      const moved = siblings.splice(idx + 1, j - idx - 1);
      for (const m of moved) m.parent = parent;
      parent.children.push(...moved);
    }
  }

  private choiceValuesAndFlatten(parent: MenuNode): void {
    const sym = parent.sym;
    const kids = parent.children;
    for (let i = 0; i < kids.length; i++) {
      const menu = kids[i];
      const vs = menu.sym;
      if (sym && sym.isChoice && vs && !vs.isChoiceValue) {
        vs.flags |= F.CHOICEVAL;
        if (sym.type === 'tristate' && vs.type !== 'tristate') {
          const basedep: Expr = { k: 'cmp', op: '=', l: sym, r: this.syms.yes };
          menu.dep = exprAnd(basedep, menu.dep);
          for (const p of vs.props) if (p.menu === menu) p.visible = exprAnd(basedep, p.visible);
        }
        vs.choice = sym;
        sym.choiceValues.push(vs);
      }
      if (menu.children.length && (!menu.prompt || !menu.prompt.text)) {
        const lifted = menu.children;
        for (const c of lifted) c.parent = parent;
        menu.children = [];
        kids.splice(i + 1, 0, ...lifted);
      }
    }
  }
}
