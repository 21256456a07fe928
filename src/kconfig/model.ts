// The in-memory model of a Kconfig tree, shaped like scripts/kconfig/expr.h so the evaluator can follow
// symbol.c line by line: symbols with flags, properties, menu nodes and tristate expressions.

/** Tristate values as numbers so min/max are the C tool's EXPR_AND/EXPR_OR. */
export type Tri = 0 | 1 | 2;
export const N: Tri = 0;
export const M: Tri = 1;
export const Y: Tri = 2;
export const triName = (t: Tri): 'n' | 'm' | 'y' => (t === 2 ? 'y' : t === 1 ? 'm' : 'n');

export type SymType = 'unknown' | 'bool' | 'tristate' | 'int' | 'hex' | 'string';
export type CmpOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { k: 'sym'; s: Sym }
  | { k: 'and' | 'or'; l: Expr; r: Expr }
  | { k: 'not'; e: Expr }
  | { k: 'cmp'; op: CmpOp; l: Sym; r: Sym };

/** Flag bits, same meaning as SYMBOL_* in expr.h. */
export const F = {
  CONST: 0x1,
  CHOICE: 0x10,
  CHOICEVAL: 0x20,
  VALID: 0x80,
  OPTIONAL: 0x100,
  WRITE: 0x200,
  WRITTEN: 0x800,
  NO_WRITE: 0x1000,
  DEF_USER: 0x10000,
} as const;

export type PropType = 'prompt' | 'menu' | 'comment' | 'default' | 'select' | 'imply' | 'range' | 'symbol';

export interface Prop {
  type: PropType;
  /** default/select/imply: the value; range: two symbols in `range`. */
  expr: Expr | null;
  range?: [Sym, Sym];
  /** The condition (`if ...`), with the menu's dependencies and visibility propagated into it by finalize. */
  visible: Expr | null;
  visibleTri: Tri;
  text?: string;
  menu: MenuNode;
  file: string;
  line: number;
}

export interface MenuNode {
  sym: Sym | null;
  kind: 'root' | 'config' | 'menuconfig' | 'choice' | 'menu' | 'comment' | 'if';
  parent: MenuNode | null;
  children: MenuNode[];
  prompt: Prop | null;
  dep: Expr | null;
  visibility: Expr | null;
  help?: string;
  file: string;
  line: number;
}

export class Sym {
  type: SymType = 'unknown';
  flags = 0;
  props: Prop[] = [];
  menus: MenuNode[] = [];
  dirDep: Expr | null = null;
  revDep: Expr | null = null;
  implied: Expr | null = null;
  dirDepTri: Tri = N;
  revDepTri: Tri = N;
  impliedTri: Tri = N;
  visible: Tri = N;
  /** Current value: val is the string value, tri the tristate one. */
  val = '';
  tri: Tri = N;
  /** For a choice: the selected value (curr.val in C). */
  choiceSel: Sym | null = null;
  /** The user's value from the .config (def[S_DEF_USER]). */
  userVal: string | null = null;
  userTri: Tri = N;
  userChoice: Sym | null = null;
  /** For a choice value: its choice; for a choice: its values in order. */
  choice: Sym | null = null;
  choiceValues: Sym[] = [];
  constructor(
    readonly name: string | null,
    flags = 0,
  ) {
    this.flags = flags;
    if (name !== null) this.val = name;
  }
  get isChoice(): boolean {
    return (this.flags & F.CHOICE) !== 0;
  }
  get isChoiceValue(): boolean {
    return (this.flags & F.CHOICEVAL) !== 0;
  }
  get hasUserValue(): boolean {
    return (this.flags & F.DEF_USER) !== 0;
  }
  get displayName(): string {
    return this.name ?? '<choice>';
  }
}

export const exprAnd = (a: Expr | null, b: Expr | null): Expr | null => (!a ? b : !b ? a : { k: 'and', l: a, r: b });
export const exprOr = (a: Expr | null, b: Expr | null): Expr | null => (!a ? b : !b ? a : { k: 'or', l: a, r: b });
