// A parsed and finalized tree saved to the cache, so a warm load skips lexing, macro expansion and
// finalize. Expressions are shared graphs (every child shares its parent's dependency) and rev_dep chains
// are thousands deep, so they are stored as a table in post-order, walked without recursion.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { Sym, type CmpOp, type Expr, type MenuNode, type Prop, type PropType, type SymType } from './model.js';
import { SymbolTable } from './symtab.js';
import { isStringRecord } from './shapes.js';

const VERSION = 4;
const KINDS = ['sym', 'and', 'or', 'not', 'cmp'] as const;
const OPS: CmpOp[] = ['=', '!=', '<', '<=', '>', '>='];
const TYPES: SymType[] = ['unknown', 'bool', 'tristate', 'int', 'hex', 'string'];
const PTYPES: PropType[] = ['prompt', 'menu', 'comment', 'default', 'select', 'imply', 'range', 'symbol'];
const MKINDS: MenuNode['kind'][] = ['root', 'config', 'menuconfig', 'choice', 'menu', 'comment', 'if'];

// One table per row kind drives both the writer and the reader: a column is a field and how it is stored
// (an index into strings/syms/exprs/menus/props, -1 for none; an enum's position; a list of indexes).
type Codec =
  | 'int'
  | 'str'
  | 'nullStr'
  | 'optStr'
  | 'sym'
  | 'expr'
  | 'menu'
  | 'prop'
  | 'range'
  | { list: 'sym' | 'menu' | 'prop' }
  | { enum: readonly string[] };
interface Column {
  field: string;
  codec: Codec;
}
const col = (field: string, codec: Codec): Column => ({ field, codec });

const SYM_COLUMNS: Column[] = [
  col('name', 'nullStr'),
  col('type', { enum: TYPES }),
  col('flags', 'int'),
  col('props', { list: 'prop' }),
  col('menus', { list: 'menu' }),
  col('dirDep', 'expr'),
  col('revDep', 'expr'),
  col('implied', 'expr'),
  col('choice', 'sym'),
  col('choiceValues', { list: 'sym' }),
];
const PROP_COLUMNS: Column[] = [
  col('type', { enum: PTYPES }),
  col('expr', 'expr'),
  col('visible', 'expr'),
  col('range', 'range'),
  col('text', 'optStr'),
  col('menu', 'menu'),
  col('file', 'str'),
  col('line', 'int'),
];
const MENU_COLUMNS: Column[] = [
  col('sym', 'sym'),
  col('kind', { enum: MKINDS }),
  col('parent', 'menu'),
  col('children', { list: 'menu' }),
  col('prompt', 'prop'),
  col('dep', 'expr'),
  col('visibility', 'expr'),
  col('help', 'optStr'),
  col('file', 'str'),
  col('line', 'int'),
];

interface Encoder {
  str(t: string): number;
  sym(s: Sym): number;
  expr(e: Expr | null): number;
  menu(m: MenuNode): number;
  prop(p: Prop): number;
}

interface Decoder {
  S: string[];
  syms: Sym[];
  ex: Expr[];
  menus: MenuNode[];
  props: Prop[];
}

function encode(c: Codec, v: unknown, enc: Encoder): unknown {
  if (typeof c === 'object') {
    if ('enum' in c) return c.enum.indexOf(v as string);
    return (v as unknown[]).map((x) => enc[c.list](x as never));
  }
  if (c === 'int') return v;
  if (c === 'str') return enc.str(v as string);
  if (c === 'nullStr' || c === 'optStr') return v === null || v === undefined ? -1 : enc.str(v as string);
  if (c === 'range') return v ? (v as [Sym, Sym]).map(enc.sym) : -1;
  if (c === 'expr') return enc.expr(v as Expr | null);
  return v === null || v === undefined ? -1 : enc[c](v as never);
}

function decode(c: Codec, v: unknown, d: Decoder): unknown {
  if (typeof c === 'object') {
    if ('enum' in c) return c.enum[v as number];
    const pool = c.list === 'sym' ? d.syms : c.list === 'menu' ? d.menus : d.props;
    return (v as number[]).map((i) => pool[i]);
  }
  if (c === 'int') return v;
  if (c === 'range') return v === -1 ? undefined : (v as number[]).map((i) => d.syms[i]);
  const i = v as number;
  if (c === 'str') return d.S[i];
  if (c === 'optStr') return i < 0 ? undefined : d.S[i];
  if (i < 0) return null;
  if (c === 'nullStr') return d.S[i];
  return (c === 'sym' ? d.syms : c === 'expr' ? d.ex : c === 'menu' ? d.menus : d.props)[i];
}

function encodeRow(cols: Column[], obj: object, enc: Encoder): unknown[] {
  return cols.map((c) => encode(c.codec, (obj as Record<string, unknown>)[c.field], enc));
}

function decodeRow(cols: Column[], row: unknown[], obj: object, dec: Decoder, skip: string[] = []): void {
  cols.forEach((c, i) => {
    if (!skip.includes(c.field)) (obj as Record<string, unknown>)[c.field] = decode(c.codec, row[i], dec);
  });
}

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
    props.push(null); // reserve the slot: encoding the row may reach further props
    props[i] = encodeRow(PROP_COLUMNS, p, enc);
    return i;
  };
  const enc: Encoder = {
    str,
    sym: (x) => symIdx.get(x)!,
    expr,
    menu: (m) => menuIdx.get(m)!,
    prop,
  };
  const syms = all.map((x) => encodeRow(SYM_COLUMNS, { ...x, flags: x.flags & ~0x80 } as Sym, enc));
  const menuData = menus.map((m) => encodeRow(MENU_COLUMNS, m, enc));
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

function rebuild(d: SnapData): Snapshot {
  const S = d.strings;
  const table = new SymbolTable();
  const rows = d.syms as unknown[][];
  const nameCol = SYM_COLUMNS.findIndex((c) => c.field === 'name');
  const flagsCol = SYM_COLUMNS.findIndex((c) => c.field === 'flags');
  const syms: Sym[] = rows.map((r, i) => {
    if (i === 0) return table.yes;
    if (i === 1) return table.mod;
    if (i === 2) return table.no;
    const n = r[nameCol] as number;
    return new Sym(n < 0 ? null : S[n], r[flagsCol] as number);
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
  // Every object exists before any column is read back, so a row may point anywhere.
  const menus = (d.menus as unknown[]).map(() => ({ parent: null, children: [], prompt: null }) as unknown as MenuNode);
  const props = (d.props as unknown[]).map(() => ({ visibleTri: 0 }) as Prop);
  const dec: Decoder = { S, syms, ex, menus, props };
  (d.menus as unknown[][]).forEach((r, i) => decodeRow(MENU_COLUMNS, r, menus[i], dec));
  (d.props as unknown[][]).forEach((r, i) => decodeRow(PROP_COLUMNS, r, props[i], dec));
  rows.forEach((r, i) => {
    if (i >= 3) decodeRow(SYM_COLUMNS, r, syms[i], dec, ['name']);
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
