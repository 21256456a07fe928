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

/** Split .config text into assignments, like the line loop of conf_read_simple (no symbol table needed). */
export function parseConfigLines(text: string, file: string, warn: (m: string) => void): ConfigAssignment[] {
  const out: ConfigAssignment[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const lineno = i + 1;
    if (line[0] === '#') {
      if (line[1] !== ' ' || !line.startsWith('CONFIG_', 2)) continue;
      const rest = line.slice(9);
      const sp = rest.indexOf(' ');
      if (sp < 0) continue;
      if (!rest.startsWith('is not set', sp + 1)) continue;
      out.push({ name: rest.slice(0, sp), value: 'n', line: lineno });
    } else if (line.startsWith('CONFIG_')) {
      const rest = line.slice(7);
      const eq = rest.indexOf('=');
      if (eq < 0) continue;
      let val = rest.slice(eq + 1);
      if (val.endsWith('\r')) val = val.slice(0, -1);
      out.push({ name: rest.slice(0, eq), value: val, line: lineno });
    } else if (line !== '' && line[0] !== '\r') {
      warn(`${file}:${lineno}:warning: unexpected data: ${line.replace(/\r.*$/, '')}`);
    }
  }
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
