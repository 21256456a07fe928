// Symbol table with the C tool's lookup rules (sym_lookup/sym_find): y/m/n are the constant symbols,
// quoted words are separate constant symbols, choices are nameless.
import { F, Sym, Y, M, N } from './model.js';

export class SymbolTable {
  readonly yes = constSym('y', Y);
  readonly mod = constSym('m', M);
  readonly no = constSym('n', N);
  /** Non-constant named symbols, in order of first appearance. */
  readonly byName = new Map<string, Sym>();
  private consts = new Map<string, Sym>();
  /** Every symbol: named, constant and choices, in creation order (for_all_symbols). */
  readonly all: Sym[] = [];

  private special(name: string): Sym | undefined {
    if (name.length === 1) {
      if (name === 'y') return this.yes;
      if (name === 'm') return this.mod;
      if (name === 'n') return this.no;
    }
    return undefined;
  }

  lookup(name: string): Sym {
    const sp = this.special(name);
    if (sp) return sp;
    let s = this.byName.get(name);
    if (!s) {
      s = new Sym(name);
      this.byName.set(name, s);
      this.all.push(s);
    }
    return s;
  }

  lookupConst(name: string): Sym {
    const sp = this.special(name);
    if (sp) return sp;
    let s = this.consts.get(name);
    if (!s) {
      s = new Sym(name, F.CONST);
      this.consts.set(name, s);
      this.all.push(s);
    }
    return s;
  }

  newChoice(): Sym {
    const s = new Sym(null, F.CHOICE);
    this.all.push(s);
    return s;
  }

  /** Register a symbol rebuilt from a snapshot (same lookup rules as when it was parsed). */
  adopt(s: Sym): void {
    this.all.push(s);
    if (s.name === null) return;
    if (s.flags & F.CONST) this.consts.set(s.name, s);
    else this.byName.set(s.name, s);
  }

  find(name: string): Sym | undefined {
    return this.special(name) ?? this.byName.get(name);
  }
}

function constSym(name: string, tri: 0 | 1 | 2): Sym {
  const s = new Sym(name, F.CONST | F.VALID);
  s.type = 'tristate';
  s.tri = tri;
  s.val = name;
  return s;
}
