// sym_check_deps() of symbol.c: a dependency cycle (A depends on B, B selects A...) is an error in the C
// tool, so it is one here too, reported at the symbol where the cycle closes.
import { KdkError } from '../util/errors.js';
import type { Expr, Sym } from './model.js';

export function checkDependencyCycles(all: Sym[]): void {
  const checking = new Set<Sym>();
  const checked = new Set<Sym>();
  const stack: Sym[] = [];

  const expr = (e: Expr | null): Sym | null => {
    if (!e) return null;
    switch (e.k) {
      case 'and':
      case 'or':
        return expr(e.l) ?? expr(e.r);
      case 'not':
        return expr(e.e);
      case 'cmp':
        return sym(e.l) ?? sym(e.r);
      case 'sym':
        return sym(e.s);
    }
  };

  const symDeps = (s: Sym): Sym | null => {
    stack.push(s);
    try {
      let r = expr(s.dirDep) ?? expr(s.revDep) ?? expr(s.implied);
      if (r) return r;
      for (const p of s.props) {
        if (p.type === 'select' || p.type === 'imply') continue;
        r = expr(p.visible);
        if (r) return r;
        if (p.type !== 'default' || s.isChoice) continue;
        r = expr(p.expr);
        if (r) return r;
      }
      return null;
    } finally {
      stack.pop();
    }
  };

  const choiceDeps = (c: Sym): Sym | null => {
    stack.push(c);
    try {
      for (const v of c.choiceValues) {
        checking.add(v);
        checked.add(v);
      }
      checking.add(c);
      checked.add(c);
      let r = symDeps(c);
      checking.delete(c);
      if (!r)
        for (const v of c.choiceValues) {
          r = symDeps(v);
          if (r) break;
        }
      for (const v of c.choiceValues) checking.delete(v);
      if (r && r.isChoiceValue && r.choice === c) r = c;
      return r;
    } finally {
      stack.pop();
    }
  };

  const sym = (s: Sym): Sym | null => {
    if (checking.has(s)) fail(s);
    if (checked.has(s)) return null;
    if (s.isChoiceValue && s.choice) {
      stack.push(s);
      try {
        return sym(s.choice);
      } finally {
        stack.pop();
      }
    }
    if (s.isChoice) return choiceDeps(s);
    checking.add(s);
    checked.add(s);
    const r = symDeps(s);
    checking.delete(s);
    return r;
  };

  const fail = (s: Sym): never => {
    const from = stack.indexOf(s);
    const cycle = [...stack.slice(from < 0 ? 0 : from), s].map((x) => x.displayName);
    const where = s.menus[0];
    throw new KdkError(`recursive dependency detected: ${cycle.join(' -> ')}`, {
      file: where?.file,
      line: where?.line,
    });
  };

  for (const s of hashOrder(all)) sym(s);
}

/** strhash() of symbol.c (32-bit FNV-1a). */
function strhash(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

/** for_all_symbols order: hash buckets in order, newest symbol first within a bucket. */
function hashOrder(all: Sym[]): Sym[] {
  const keyed = all.map((s, i) => ({ s, i, b: s.name === null ? 0 : strhash(s.name) % 9973 }));
  keyed.sort((x, y) => x.b - y.b || y.i - x.i);
  return keyed.map((k) => k.s);
}
