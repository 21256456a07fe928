// .config reading and writing as scripts/kconfig/confdata.c does it: the same line grammar, the same
// warnings, the same walk over the menu tree deciding which symbols and menu comments are written.
import { F, M, N, Y, type MenuNode, type Sym, type Tri } from './model.js';
import type { Evaluator } from './evaluate.js';
import { stringValid } from './evaluate.js';

export interface ConfigAssignment {
  name: string;
  /** 'y' | 'm' | 'n' or the raw text after '=' (strings still quoted). */
  value: string;
  line: number;
}

export interface ReadResult {
  warnings: string[];
  unknown: string[];
  /** Assignments in file order (later ones override earlier, as in conf_read_simple). */
  assignments: ConfigAssignment[];
  changed: boolean;
}

/** Where one line's assignment lies in the text (offsets, end exclusive); valueStart < 0 for `is not set` (n). */
export interface AssignmentSpan {
  nameStart: number;
  nameEnd: number;
  valueStart: number;
  valueEnd: number;
}

const HASH = 0x23;
const SPACE = 0x20;
const CR = 0x0d;
const EQ = 0x3d;

/**
 * The line grammar of conf_read_simple for the line text[start, end) (no '\n' inside): 'assign' with `at`
 * filled, 'skip' for a line conf passes over in silence, 'unexpected' for one it warns about. Offsets rather than
 * strings, so a reader of a huge file (config diff) can keep positions instead of a string per line; every scan
 * stays inside the line, so a hostile file is read in linear time.
 */
export function scanConfigLine(
  text: string,
  start: number,
  end: number,
  at: AssignmentSpan,
): 'assign' | 'skip' | 'unexpected' {
  if (start === end) return 'skip';
  const c0 = text.charCodeAt(start);
  if (c0 === HASH) {
    if (text.charCodeAt(start + 1) !== SPACE || !text.startsWith('CONFIG_', start + 2)) return 'skip';
    const ns = start + 9;
    let sp = ns;
    while (sp < end && text.charCodeAt(sp) !== SPACE) sp++;
    if (sp >= end || !text.startsWith('is not set', sp + 1)) return 'skip';
    at.nameStart = ns;
    at.nameEnd = sp;
    at.valueStart = -1;
    at.valueEnd = -1;
    return 'assign';
  }
  if (text.startsWith('CONFIG_', start)) {
    const ns = start + 7;
    let eq = ns;
    while (eq < end && text.charCodeAt(eq) !== EQ) eq++;
    if (eq >= end) return 'skip';
    let ve = end;
    if (ve > eq + 1 && text.charCodeAt(ve - 1) === CR) ve--;
    at.nameStart = ns;
    at.nameEnd = eq;
    at.valueStart = eq + 1;
    at.valueEnd = ve;
    return 'assign';
  }
  return c0 === CR ? 'skip' : 'unexpected';
}

/** Call `fn` for each line of `text` (split at '\n'; a final '\n' ends the last line, as getline reads it). */
export function eachLine(text: string, fn: (start: number, end: number, lineno: number) => void): void {
  let lineno = 0;
  for (let start = 0; start < text.length;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    fn(start, end, ++lineno);
    start = end + 1;
  }
}

/** Split .config text into assignments, like the line loop of conf_read_simple (no symbol table needed). */
export function parseConfigLines(text: string, file: string, warn: (m: string) => void): ConfigAssignment[] {
  const out: ConfigAssignment[] = [];
  const at: AssignmentSpan = { nameStart: 0, nameEnd: 0, valueStart: 0, valueEnd: 0 };
  eachLine(text, (start, end, lineno) => {
    const kind = scanConfigLine(text, start, end, at);
    if (kind === 'assign') {
      const name = text.slice(at.nameStart, at.nameEnd);
      out.push({ name, value: at.valueStart < 0 ? 'n' : text.slice(at.valueStart, at.valueEnd), line: lineno });
    } else if (kind === 'unexpected') {
      warn(`${file}:${lineno}:warning: unexpected data: ${text.slice(start, end).replace(/\r.*$/, '')}`);
    }
  });
  return out;
}

/** Unescape a .config string value ("..." with \\ and \"); undefined when the closing quote is missing. */
export function unescapeString(p: string): string | undefined | null {
  if (p[0] !== '"') return null;
  let out = '';
  for (let i = 1; i < p.length; i++) {
    const c = p[i];
    if (c === '"') return out;
    if (c === '\\') {
      i++;
      if (i >= p.length) return undefined;
      out += p[i];
      continue;
    }
    out += c;
  }
  return undefined;
}

export class ConfigIO {
  constructor(private ev: Evaluator) {}

  /** conf_read_simple(name, S_DEF_USER) over already-split assignments. */
  readSimple(assignments: ConfigAssignment[], file: string): ReadResult {
    const res: ReadResult = { warnings: [], unknown: [], assignments, changed: false };
    const warn = (line: number, m: string): void => {
      res.warnings.push(`${file}:${line}:warning: ${m}`);
    };
    for (const s of this.ev.syms.all) {
      s.flags &= ~(F.DEF_USER | F.VALID);
      if (s.isChoice) s.flags |= F.DEF_USER;
      s.userVal = null;
      s.userTri = N;
      s.userChoice = null;
    }
    for (const a of assignments) {
      const sym = this.ev.syms.find(a.name);
      if (!sym) {
        res.unknown.push(a.name);
        res.changed = true;
        continue;
      }
      if (sym.flags & F.DEF_USER) warn(a.line, `override: reassigning to symbol ${sym.name}`);
      if (this.setValue(sym, a.value, (m) => warn(a.line, m))) continue;
      if (sym.isChoiceValue) {
        const cs = sym.choice!;
        if (sym.userTri === M) {
          if (cs.userTri === Y) {
            warn(a.line, `${sym.name} creates inconsistent choice state`);
            cs.flags &= ~F.DEF_USER;
          }
        } else if (sym.userTri === Y) {
          if (cs.userTri !== N) warn(a.line, `override: ${sym.name} changes choice state`);
          cs.userChoice = sym;
        }
        if (sym.userTri > cs.userTri) cs.userTri = sym.userTri;
      }
    }
    return res;
  }

  /** conf_set_sym_val(); returns true when the value was rejected. */
  private setValue(sym: Sym, p: string, warn: (m: string) => void): boolean {
    switch (sym.type) {
      case 'tristate':
      case 'bool': {
        let t: Tri | undefined;
        if (sym.type === 'tristate' && p[0] === 'm') t = M;
        else if (p[0] === 'y') t = Y;
        else if (p[0] === 'n') t = N;
        if (t === undefined) {
          warn(`symbol value '${p}' invalid for ${sym.name}`);
          return true;
        }
        sym.userTri = t;
        sym.flags |= F.DEF_USER;
        return false;
      }
      case 'string': {
        const u = unescapeString(p);
        if (u === null) return false;
        if (u === undefined) {
          warn('invalid string found');
          return true;
        }
        sym.userVal = u;
        sym.flags |= F.DEF_USER;
        return false;
      }
      case 'int':
      case 'hex':
        if (stringValid(sym.type, p)) {
          sym.userVal = p;
          sym.flags |= F.DEF_USER;
          return false;
        }
        warn(`symbol value '${p}' invalid for ${sym.name}`);
        return true;
      default:
        return false;
    }
  }

  /** conf_read(): evaluate everything once and reset values the tree no longer accepts. */
  read(assignments: ConfigAssignment[], file: string): ReadResult {
    const res = this.readSimple(assignments, file);
    const ev = this.ev;
    ev.calc(ev.modulesSym);
    let unsaved = 0;
    const all = ev.syms.all;
    for (const s of all) {
      ev.calc(s);
      if (s.isChoice || s.flags & F.NO_WRITE) continue;
      if (s.hasUserValue && s.flags & F.WRITE) {
        if (s.type === 'bool' || s.type === 'tristate') {
          if (s.userTri === s.tri) continue;
        } else if (s.val === s.userVal) continue;
      } else if (!s.hasUserValue && !(s.flags & F.WRITE)) continue;
      unsaved++;
    }
    for (const s of all) {
      if (s.hasUserValue && !s.isChoiceValue) {
        if (s.visible === N && !unsaved) s.flags &= ~F.DEF_USER;
        if (s.type === 'string' || s.type === 'int' || s.type === 'hex') {
          if (!ev.stringWithinRange(s, s.userVal ?? '')) {
            s.flags &= ~(F.VALID | F.DEF_USER);
            unsaved++;
          }
        }
      }
    }
    if (res.warnings.length || unsaved) res.changed = true;
    return res;
  }

  /** conf_write(): the .config text. `changed` is conf_get_changed() at write time. */
  write(root: MenuNode, changed: boolean): string {
    const ev = this.ev;
    const out: string[] = [];
    out.push('#\n# Automatically generated file; DO NOT EDIT.\n# ' + root.prompt!.text + '\n#\n');
    if (!changed) ev.clearAllValid();
    const written = new Set<Sym>();
    let needNewline = false;
    const visit = (menu: MenuNode): void => {
      const sym = menu.sym;
      if (!sym) {
        if (this.menuVisible(menu)) {
          out.push(`\n#\n# ${menu.prompt!.text}\n#\n`);
          needNewline = false;
        }
      } else if (!sym.isChoice && !written.has(sym)) {
        ev.calc(sym);
        if (sym.flags & F.WRITE) {
          if (needNewline) {
            out.push('\n');
            needNewline = false;
          }
          written.add(sym);
          out.push(this.symbolLine(sym));
        }
      }
      for (const c of menu.children) visit(c);
      if (!sym && menu.kind !== 'root' && menu.prompt?.type === 'menu' && this.menuVisible(menu)) {
        out.push(`# end of ${menu.prompt.text}\n`);
        needNewline = true;
      }
    };
    for (const c of root.children) visit(c);
    return out.join('');
  }

  /** menu_is_visible() for menu nodes without a symbol (menus, comments, ifs). */
  menuVisible(menu: MenuNode): boolean {
    if (!menu.prompt) return false;
    if (menu.visibility && this.ev.calcExpr(menu.visibility) === N) return false;
    menu.prompt.visibleTri = this.ev.calcExpr(menu.prompt.visible);
    return menu.prompt.visibleTri !== N;
  }

  symbolLine(sym: Sym): string {
    if (sym.type === 'unknown') return '';
    if (sym.type === 'bool' || sym.type === 'tristate') {
      const v = sym.tri === Y ? 'y' : sym.tri === M ? 'm' : 'n';
      return v === 'n' ? `# CONFIG_${sym.name} is not set\n` : `CONFIG_${sym.name}=${v}\n`;
    }
    if (sym.type === 'string') return `CONFIG_${sym.name}=${escapeString(sym.val)}\n`;
    return `CONFIG_${sym.name}=${sym.val}\n`;
  }
}

export function escapeString(v: string): string {
  return '"' + v.replace(/["\\]/g, (c) => '\\' + c) + '"';
}
