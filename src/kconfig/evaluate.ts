// Symbol evaluation, a port of sym_calc_value() and friends from scripts/kconfig/symbol.c and
// expr_calc_value() from expr.c. The flag handling (VALID, WRITE, DEF_USER) follows the C code
// statement by statement, because which symbols land in .config depends on exactly these side effects.
import { F, M, N, Y, type Expr, type Prop, type Sym, type Tri } from './model.js';
import type { SymbolTable } from './symtab.js';
import { parseCLong, strtoll, type NumKind } from './numbers.js';

export interface UnmetDep {
  sym: Sym;
  dirDepTri: Tri;
}

export class Evaluator {
  modulesVal: Tri = N;
  readonly unmet: UnmetDep[] = [];
  constructor(
    readonly syms: SymbolTable,
    readonly modulesSym: Sym,
  ) {}

  /** The type as the user sees it: tristate is bool without modules or for a y-visible choice value. */
  getType(s: Sym): Sym['type'] {
    if (s.type === 'tristate') {
      if (s.isChoiceValue && s.visible === Y) return 'bool';
      if (this.modulesVal === N) return 'bool';
    }
    return s.type;
  }

  calcExpr(e: Expr | null): Tri {
    if (!e) return Y;
    switch (e.k) {
      case 'sym':
        this.calc(e.s);
        return e.s.tri;
      case 'and': {
        const a = this.calcExpr(e.l);
        const b = this.calcExpr(e.r);
        return a < b ? a : b;
      }
      case 'or': {
        const a = this.calcExpr(e.l);
        const b = this.calcExpr(e.r);
        return a > b ? a : b;
      }
      case 'not':
        return (2 - this.calcExpr(e.e)) as Tri;
      case 'cmp':
        return this.calcCompare(e.op, e.l, e.r);
    }
  }

  private calcCompare(op: string, l: Sym, r: Sym): Tri {
    this.calc(l);
    this.calc(r);
    const s1 = this.stringValue(l);
    const s2 = this.stringValue(r);
    let res: number;
    let k1: NumKind = 'string';
    let k2: NumKind = 'string';
    let v1 = 0n;
    let v2 = 0n;
    if (l.type !== 'string' || r.type !== 'string') {
      [k1, v1] = parseCLong(s1, l.type);
      [k2, v2] = parseCLong(s2, r.type);
    }
    if (k1 === 'string' || k2 === 'string') res = s1 < s2 ? -1 : s1 > s2 ? 1 : 0;
    else if (k1 === 'unsigned' || k2 === 'unsigned') {
      const a = BigInt.asUintN(64, v1);
      const b = BigInt.asUintN(64, v2);
      res = a > b ? 1 : a < b ? -1 : 0;
    } else res = v1 > v2 ? 1 : v1 < v2 ? -1 : 0;
    switch (op) {
      case '=':
        return res ? N : Y;
      case '>=':
        return res >= 0 ? Y : N;
      case '>':
        return res > 0 ? Y : N;
      case '<=':
        return res <= 0 ? Y : N;
      case '<':
        return res < 0 ? Y : N;
      default:
        return res ? Y : N;
    }
  }

  stringValue(s: Sym): string {
    if (s.type === 'bool' || s.type === 'tristate') return s.tri === Y ? 'y' : s.tri === M ? 'm' : 'n';
    return s.val;
  }

  private defaultProp(s: Sym): Prop | null {
    for (const p of s.props) {
      if (p.type !== 'default') continue;
      p.visibleTri = this.calcExpr(p.visible);
      if (p.visibleTri !== N) return p;
    }
    return null;
  }

  rangeProp(s: Sym): Prop | null {
    for (const p of s.props) {
      if (p.type !== 'range') continue;
      p.visibleTri = this.calcExpr(p.visible);
      if (p.visibleTri !== N) return p;
    }
    return null;
  }

  private rangeVal(s: Sym, base: 10 | 16): bigint {
    this.calc(s);
    if (s.type === 'int') base = 10;
    else if (s.type === 'hex') base = 16;
    return strtoll(s.val, base);
  }

  private validateRange(s: Sym): void {
    let base: 10 | 16;
    if (s.type === 'int') base = 10;
    else if (s.type === 'hex') base = 16;
    else return;
    const p = this.rangeProp(s);
    if (!p) return;
    const val = strtoll(s.val, base);
    let rs = p.range![0];
    if (val >= this.rangeVal(rs, base)) {
      rs = p.range![1];
      if (val <= this.rangeVal(rs, base)) return;
    }
    s.val = rs.val;
  }

  calcVisibility(s: Sym): void {
    let tri: Tri = N;
    const choice = s.isChoiceValue ? s.choice : null;
    for (const p of s.props) {
      if (p.text === undefined) continue;
      p.visibleTri = this.calcExpr(p.visible);
      if (choice && s.type === 'tristate' && p.visibleTri === M && choice.tri === Y) p.visibleTri = N;
      if (p.visibleTri > tri) tri = p.visibleTri;
    }
    if (tri === M && (s.type !== 'tristate' || this.modulesVal === N)) tri = Y;
    s.visible = tri;
    if (s.isChoiceValue) return;
    tri = s.dirDep ? this.calcExpr(s.dirDep) : Y;
    if (tri === M && this.getType(s) === 'bool') tri = Y;
    s.dirDepTri = tri;
    tri = s.revDep ? this.calcExpr(s.revDep) : N;
    if (tri === M && this.getType(s) === 'bool') tri = Y;
    s.revDepTri = tri;
    tri = s.implied ? this.calcExpr(s.implied) : N;
    if (tri === M && this.getType(s) === 'bool') tri = Y;
    s.impliedTri = tri;
  }

  choiceDefault(c: Sym): Sym | null {
    for (const p of c.props) {
      if (p.type !== 'default') continue;
      p.visibleTri = this.calcExpr(p.visible);
      if (p.visibleTri === N) continue;
      const d = (p.expr as { s: Sym }).s;
      if (d.visible !== N) return d;
    }
    for (const v of c.choiceValues) if (v.visible !== N) return v;
    return null;
  }

  private calcChoice(c: Sym): Sym | null {
    let flags = c.flags;
    for (const v of c.choiceValues) {
      this.calcVisibility(v);
      if (v.visible !== N) flags &= v.flags;
    }
    c.flags &= flags | ~F.DEF_USER;
    const u = c.userChoice;
    if (u && u.visible !== N) return u;
    const d = this.choiceDefault(c);
    if (d === null) c.tri = N;
    return d;
  }

  calc(s: Sym): void {
    if (s.flags & F.VALID) return;
    s.flags |= F.VALID;
    const oldTri = s.tri;
    let newVal = '';
    let newTri: Tri = N;
    switch (s.type) {
      case 'int':
      case 'hex':
      case 'string':
        break;
      case 'bool':
      case 'tristate':
        newVal = 'n';
        break;
      default:
        s.val = s.name ?? '';
        s.tri = N;
        return;
    }
    s.flags &= ~F.WRITE;
    this.calcVisibility(s);
    if (s.visible !== N) s.flags |= F.WRITE;
    s.val = newVal;
    s.tri = N;
    s.choiceSel = null;
    switch (this.getType(s)) {
      case 'bool':
      case 'tristate':
        if (s.isChoiceValue && s.visible === Y) {
          newTri = s.choice!.choiceSel === s ? Y : N;
        } else {
          let done = false;
          if (s.visible !== N && s.hasUserValue) {
            newTri = s.userTri < s.visible ? s.userTri : s.visible;
            done = true;
          }
          if (!done) {
            if (s.revDepTri !== N) s.flags |= F.WRITE;
            if (!s.isChoice) {
              const p = this.defaultProp(s);
              if (p) {
                const v = this.calcExpr(p.expr);
                newTri = v < p.visibleTri ? v : p.visibleTri;
                if (newTri !== N) s.flags |= F.WRITE;
              }
              if (s.impliedTri !== N) {
                s.flags |= F.WRITE;
                if (s.impliedTri > newTri) newTri = s.impliedTri;
                if (s.dirDepTri < newTri) newTri = s.dirDepTri;
              }
            }
          }
          if (s.dirDepTri < s.revDepTri) this.unmet.push({ sym: s, dirDepTri: s.dirDepTri });
          if (s.revDepTri > newTri) newTri = s.revDepTri;
        }
        if (newTri === M && this.getType(s) === 'bool') newTri = Y;
        break;
      case 'string':
      case 'hex':
      case 'int':
        if (s.visible !== N && s.hasUserValue) {
          newVal = s.userVal!;
          break;
        }
        {
          const p = this.defaultProp(s);
          if (p && p.expr && p.expr.k === 'sym') {
            const ds = p.expr.s;
            s.flags |= F.WRITE;
            this.calc(ds);
            newVal = ds.val;
          }
        }
        break;
    }
    s.val = newVal;
    s.tri = newTri;
    if (s.isChoice && newTri === Y) s.choiceSel = this.calcChoice(s);
    this.validateRange(s);
    if (s === this.modulesSym && s.tri !== oldTri) this.modulesVal = s.tri;
    if (s.isChoice) {
      for (const v of s.choiceValues) if (s.flags & F.WRITE && v.visible !== N) v.flags |= F.WRITE;
    }
    if (s.flags & F.NO_WRITE) s.flags &= ~F.WRITE;
  }

  clearAllValid(): void {
    for (const s of this.syms.all) s.flags &= ~F.VALID;
    this.calc(this.modulesSym);
  }

  stringWithinRange(s: Sym, str: string): boolean {
    switch (s.type) {
      case 'string':
        return true;
      case 'int':
      case 'hex': {
        if (!stringValid(s.type, str)) return false;
        const p = this.rangeProp(s);
        if (!p) return true;
        const base = s.type === 'int' ? 10 : 16;
        const v = strtoll(str, base);
        return v >= this.rangeVal(p.range![0], base) && v <= this.rangeVal(p.range![1], base);
      }
      default:
        return false;
    }
  }

  isChangeable(s: Sym): boolean {
    return s.visible > s.revDepTri;
  }
}

/** sym_string_valid() */
export function stringValid(type: Sym['type'], str: string): boolean {
  switch (type) {
    case 'string':
      return true;
    case 'int':
      return /^-?(0|[1-9][0-9]*)$/.test(str);
    case 'hex':
      return /^(0[xX])?[0-9a-fA-F]+$/.test(str);
    case 'bool':
    case 'tristate':
      return /^[yYmMnN]/.test(str);
    default:
      return false;
  }
}

export { Y, M, N };
