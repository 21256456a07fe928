// A parsed and finalized tree saved to the cache, so a warm load skips lexing, macro expansion and
// finalize. Expressions are shared graphs (every child shares its parent's dependency) and rev_dep chains
// are thousands deep, so they are stored as a table in post-order, walked without recursion.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { Sym, type CmpOp, type Expr, type MenuNode, type Prop, type PropType, type SymType } from './model.js';
import { SymbolTable } from './symtab.js';
import { isStringRecord } from './shapes.js';

const VERSION = 3;
const KINDS = ['sym', 'and', 'or', 'not', 'cmp'] as const;
const OPS: CmpOp[] = ['=', '!=', '<', '<=', '>', '>='];
const TYPES: SymType[] = ['unknown', 'bool', 'tristate', 'int', 'hex', 'string'];
const PTYPES: PropType[] = ['prompt', 'menu', 'comment', 'default', 'select', 'imply', 'range', 'symbol'];
const MKINDS: MenuNode['kind'][] = ['root', 'config', 'menuconfig', 'choice', 'menu', 'comment', 'if'];

interface SnapData {
  v: number;
  files: [string, number, number][];
  env: Record<string, string>;
  messages: string[];
  warnings: string[];
  modules: number;
  syms: unknown[];
  exprs: number[];
  props: unknown[];
  menus: unknown[];
  strings: string[];
}

/**
 * The parts of our own cache file looked at before trusting it (the rest is written by the same VERSION). Checked
 * by hand rather than with zod: loading zod costs ~60-100 ms, paid by every `kdk config` run on a warm cache.
 */
function validHeader(d: SnapData): boolean {
  const tuple = (t: unknown) =>
    Array.isArray(t) &&
    t.length === 3 &&
    typeof t[0] === 'string' &&
    typeof t[1] === 'number' &&
    typeof t[2] === 'number';
  return d.v === VERSION && Array.isArray(d.files) && d.files.every(tuple) && isStringRecord(d.env);
}

export interface Snapshot {
  syms: SymbolTable;
  root: MenuNode;
  modulesSym: Sym;
  files: string[];
  messages: string[];
  warnings: string[];
}

export interface SnapshotMeta {
  srctree: string;
  files: string[];
  /** Environment variables the macros read, with their values. */
  env: Map<string, string>;
  messages: string[];
  warnings: string[];
}

function statKey(srctree: string, f: string): [number, number] {
  const p = isAbsolute(f) ? f : join(srctree, f);
  const st = statSync(p);
  return [st.size, st.mtimeMs];
}

export function saveSnapshot(path: string, s: Snapshot, meta: SnapshotMeta): void {
  const symIdx = new Map<Sym, number>();
  const all = [s.syms.yes, s.syms.mod, s.syms.no, ...s.syms.all];
  all.forEach((x, i) => symIdx.set(x, i));
  const strings: string[] = [];
  const strIdx = new Map<string, number>();
  const str = (t: string): number => {
    let i = strIdx.get(t);
    if (i === undefined) {
      i = strings.length;
      strings.push(t);
      strIdx.set(t, i);
    }
    return i;
  };
  const exprs: number[] = [];
  const exprIdx = new Map<Expr, number>();
  const expr = (e: Expr | null): number => {
    if (!e) return -1;
    const known = exprIdx.get(e);
    if (known !== undefined) return known;
    // Iterative post-order: children get ids before their parent.
    const stack: [Expr, boolean][] = [[e, false]];
    while (stack.length) {
      const [x, done] = stack.pop()!;
      if (exprIdx.has(x)) continue;
      if (!done) {
        stack.push([x, true]);
        if (x.k === 'and' || x.k === 'or') stack.push([x.r, false], [x.l, false]);
        else if (x.k === 'not') stack.push([x.e, false]);
        continue;
      }
      const id = exprs.length / 4;
      if (x.k === 'sym') exprs.push(0, symIdx.get(x.s)!, 0, 0);
      else if (x.k === 'and' || x.k === 'or')
        exprs.push(x.k === 'and' ? 1 : 2, exprIdx.get(x.l)!, exprIdx.get(x.r)!, 0);
      else if (x.k === 'not') exprs.push(3, exprIdx.get(x.e)!, 0, 0);
      else if (x.k === 'cmp') exprs.push(4, symIdx.get(x.l)!, symIdx.get(x.r)!, OPS.indexOf(x.op));
      exprIdx.set(x, id);
    }
    return exprIdx.get(e)!;
  };
  const menus: MenuNode[] = [];
  const menuIdx = new Map<MenuNode, number>();
  const walk: MenuNode[] = [s.root];
  while (walk.length) {
    const m = walk.pop()!;
    menuIdx.set(m, menus.length);
    menus.push(m);
    for (let i = m.children.length - 1; i >= 0; i--) walk.push(m.children[i]);
  }
  const props: unknown[] = [];
  const propIdx = new Map<Prop, number>();
  const prop = (p: Prop): number => {
    let i = propIdx.get(p);
    if (i !== undefined) return i;
    i = props.length;
    propIdx.set(p, i);
    props.push([
      PTYPES.indexOf(p.type),
      expr(p.expr),
      expr(p.visible),
      p.range ? symIdx.get(p.range[0])! : -1,
      p.range ? symIdx.get(p.range[1])! : -1,
      p.text === undefined ? -1 : str(p.text),
      menuIdx.get(p.menu)!,
      str(p.file),
      p.line,
    ]);
    return i;
  };
  const syms = all.map((x) => [
    x.name === null ? -1 : str(x.name),
    TYPES.indexOf(x.type),
    x.flags & ~0x80,
    x.props.map(prop),
    x.menus.map((m) => menuIdx.get(m)!),
    expr(x.dirDep),
    expr(x.revDep),
    expr(x.implied),
    x.choice ? symIdx.get(x.choice)! : -1,
    x.choiceValues.map((v) => symIdx.get(v)!),
  ]);
  const menuData = menus.map((m) => [
    m.sym ? symIdx.get(m.sym)! : -1,
    MKINDS.indexOf(m.kind),
    m.parent ? menuIdx.get(m.parent)! : -1,
    m.children.map((c) => menuIdx.get(c)!),
    m.prompt ? prop(m.prompt) : -1,
    expr(m.dep),
    expr(m.visibility),
    m.help === undefined ? -1 : str(m.help),
    str(m.file),
    m.line,
  ]);
  const data: SnapData = {
    v: VERSION,
    files: meta.files.map((f) => [f, ...statKey(meta.srctree, f)] as [string, number, number]),
    env: Object.fromEntries(meta.env),
    messages: meta.messages,
    warnings: meta.warnings,
    modules: symIdx.get(s.modulesSym)!,
    syms,
    exprs,
    props,
    menus: menuData,
    strings,
  };
  writeFileAtomic(path, JSON.stringify(data));
}

/** The snapshot at `path` if it is still valid for these files and environment, else undefined. */
export function loadSnapshot(
  path: string,
  srctree: string,
  env: (name: string) => string | undefined,
): Snapshot | undefined {
  if (!existsSync(path)) return undefined;
  let d: SnapData;
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8'));
    if (raw?.v !== VERSION) return undefined;
    d = raw as SnapData;
    if (!validHeader(d)) return undefined;
  } catch {
    return undefined;
  }
  for (const [name, value] of Object.entries(d.env)) if (env(name) !== value) return undefined;
  for (const [f, size, mtime] of d.files) {
    try {
      const [s2, m2] = statKey(srctree, f);
      if (s2 !== size || m2 !== mtime) return undefined;
    } catch {
      return undefined;
    }
  }
  return rebuild(d);
}

type SymRow = [number, number, number, number[], number[], number, number, number, number, number[]];
type PropRow = [number, number, number, number, number, number, number, number, number];
type MenuRow = [number, number, number, number[], number, number, number, number, number, number];

function rebuild(d: SnapData): Snapshot {
  const S = d.strings;
  const table = new SymbolTable();
  const rows = d.syms as SymRow[];
  const syms: Sym[] = rows.map((r, i) => {
    if (i === 0) return table.yes;
    if (i === 1) return table.mod;
    if (i === 2) return table.no;
    const s = new Sym(r[0] < 0 ? null : S[r[0]], r[2]);
    s.type = TYPES[r[1]];
    return s;
  });
  for (let i = 3; i < syms.length; i++) table.adopt(syms[i]);
  const ex: Expr[] = [];
  const E = d.exprs;
  for (let i = 0; i < E.length; i += 4) {
    const k = KINDS[E[i]];
    if (k === 'sym') ex.push({ k, s: syms[E[i + 1]] });
    else if (k === 'and' || k === 'or') ex.push({ k, l: ex[E[i + 1]], r: ex[E[i + 2]] });
    else if (k === 'not') ex.push({ k, e: ex[E[i + 1]] });
    else ex.push({ k, op: OPS[E[i + 3]], l: syms[E[i + 1]], r: syms[E[i + 2]] });
  }
  const e = (i: number): Expr | null => (i < 0 ? null : ex[i]);
  const mrows = d.menus as MenuRow[];
  const menus: MenuNode[] = mrows.map((r) => ({
    sym: r[0] < 0 ? null : syms[r[0]],
    kind: MKINDS[r[1]],
    parent: null,
    children: [],
    prompt: null,
    dep: e(r[5]),
    visibility: e(r[6]),
    help: r[7] < 0 ? undefined : S[r[7]],
    file: S[r[8]],
    line: r[9],
  }));
  const props: Prop[] = (d.props as PropRow[]).map((r) => ({
    type: PTYPES[r[0]],
    expr: e(r[1]),
    visible: e(r[2]),
    visibleTri: 0,
    range: r[3] < 0 ? undefined : [syms[r[3]], syms[r[4]]],
    text: r[5] < 0 ? undefined : S[r[5]],
    menu: menus[r[6]],
    file: S[r[7]],
    line: r[8],
  }));
  mrows.forEach((r, i) => {
    const m = menus[i];
    m.parent = r[2] < 0 ? null : menus[r[2]];
    m.children = r[3].map((c) => menus[c]);
    m.prompt = r[4] < 0 ? null : props[r[4]];
  });
  rows.forEach((r, i) => {
    if (i < 3) return;
    const s = syms[i];
    s.props = r[3].map((p) => props[p]);
    s.menus = r[4].map((m) => menus[m]);
    s.dirDep = e(r[5]);
    s.revDep = e(r[6]);
    s.implied = e(r[7]);
    s.choice = r[8] < 0 ? null : syms[r[8]];
    s.choiceValues = r[9].map((v) => syms[v]);
  });
  return {
    syms: table,
    root: menus[0],
    modulesSym: syms[d.modules],
    files: d.files.map((f) => f[0]),
    messages: d.messages,
    warnings: d.warnings,
  };
}
