// Recursive-descent parser for the Kconfig grammar of scripts/kconfig/parser.y (Linux 6.1), plus the
// older spellings (`option modules|env=|defconfig_list|allnoconfig_y`, `---help---`) so older trees parse.
// It builds menu nodes and properties exactly where the C actions (menu_add_entry, menu_add_prop...) do.
import { KdkError } from '../util/errors.js';
import type { Lexer, Token, Tok } from './lexer.js';
import type { Preprocessor } from './preprocess.js';
import type { SymbolTable } from './symtab.js';
import {
  exprAnd,
  F,
  type CmpOp,
  type Expr,
  type MenuNode,
  type Prop,
  type PropType,
  type Sym,
  type SymType,
} from './model.js';

/** Thrown when a deferred $(shell) turned out empty where C would have dropped the token: parse again. */
export class DeferredTokenVanished extends Error {}

/** Deferred $(shell) results (cold runs): placeholders in tokens, resolved later or on demand. */
export interface Deferral {
  resolve(text: string): string;
  /** A stand-in symbol for an expression operand whose name is not known yet. */
  deferSym(raw: string, isConst: boolean): Sym;
}

export interface ParseResult {
  root: MenuNode;
  modulesSym: Sym | null;
  warnings: string[];
}

const CMP: Partial<Record<Tok, CmpOp>> = {
  EQUAL: '=',
  UNEQUAL: '!=',
  LESS: '<',
  LESS_EQUAL: '<=',
  GREATER: '>',
  GREATER_EQUAL: '>=',
};

/**
 * How deep blocks (if/menu/choice) and expressions may nest, and how many operands one `&&`/`||` chain may
 * have. Every later pass over the tree and its expressions recurses, so a tree past these would overflow
 * the stack somewhere far from its cause; real kernels stay under 20 levels and 100 operands. Past them the
 * file and line are named (an input error, exit 2).
 */
export const MAX_NESTING = 500;
export const MAX_CHAIN = 2000;

export class Parser {
  private blockDepth = 0;
  private exprDepth = 0;
  /** The lookahead, lexed only when looked at: C actions run before the next line is read (macros!). */
  private la: Token | null = null;
  private get tok(): Token {
    if (!this.la) this.la = this.lx.next();
    return this.la;
  }
  private entry: MenuNode;
  private menu: MenuNode;
  readonly root: MenuNode;
  modulesSym: Sym | null = null;
  readonly warnings: string[] = [];
  private named = new Map<string, Sym>();

  constructor(
    private lx: Lexer,
    private pp: Preprocessor,
    private syms: SymbolTable,
    private deferral?: Deferral,
  ) {
    this.root = {
      sym: null,
      kind: 'root',
      parent: null,
      children: [],
      prompt: null,
      dep: null,
      visibility: null,
      file: '',
      line: 0,
    };
    this.entry = this.menu = this.root;
  }

  private fail(msg: string, line = this.lx.stmtLine, file = this.lx.stmtFile || this.lx.file): never {
    throw new KdkError(msg, { file, line });
  }

  private warn(msg: string, file = this.lx.stmtFile, line = this.lx.stmtLine): void {
    this.warnings.push(`${file}:${line}:warning: ${msg}`);
  }

  /** Consume the lookahead as is (deferred placeholders kept). */
  private advanceRaw(): Token {
    const t = this.tok;
    this.la = null;
    return t;
  }

  /** Consume the lookahead with any deferred $(shell) results filled in. */
  private advance(): Token {
    const t = this.advanceRaw();
    if (this.deferral && t.v.includes('\x01')) {
      const v = this.deferral.resolve(t.v);
      if (v === '' && t.t === 'WORD') throw new DeferredTokenVanished();
      return { ...t, v };
    }
    return t;
  }

  private expect(t: Tok, what: string): Token {
    if (this.tok.t !== t) this.syntax(what);
    return this.advance();
  }

  private syntax(what?: string): never {
    const got =
      this.tok.t === 'EOF' ? 'end of file' : this.tok.t === 'EOL' ? 'end of line' : `'${this.tok.v || this.tok.t}'`;
    this.fail(`syntax error: unexpected ${got}${what ? `, expected ${what}` : ''}`, this.tok.line);
  }

  parse(topFile: string): ParseResult {
    this.lx.start(topFile);
    this.root.file = topFile;
    if (this.tok.t === 'mainmenu') {
      this.advance();
      const text = this.expect('WORD_QUOTE', 'a quoted prompt').v;
      this.expect('EOL', 'end of line');
      this.addPrompt('menu', text, null);
    }
    this.stmtList(false);
    if (this.tok.t !== 'EOF') {
      if (this.tok.t === 'endmenu' || this.tok.t === 'endif' || this.tok.t === 'endchoice')
        this.fail(`unexpected '${this.tok.t}' without a matching block`, this.tok.line);
      this.syntax();
    }
    this.pp.clear();
    if (!this.root.prompt) {
      this.entry = this.root;
      this.addPrompt('menu', 'Main menu', null);
    }
    return { root: this.root, modulesSym: this.modulesSym, warnings: this.warnings };
  }

  private newNode(kind: MenuNode['kind'], sym: Sym | null): MenuNode {
    const node: MenuNode = {
      sym,
      kind,
      parent: this.menu,
      children: [],
      prompt: null,
      dep: null,
      visibility: null,
      file: this.lx.stmtFile,
      line: this.lx.stmtLine,
    };
    this.menu.children.push(node);
    this.entry = node;
    if (sym) {
      sym.menus.push(node);
      this.addProp('symbol', { k: 'sym', s: sym }, null);
    }
    return node;
  }

  private addProp(type: PropType, expr: Expr | null, dep: Expr | null): Prop {
    const p: Prop = {
      type,
      expr,
      visible: dep,
      visibleTri: 0,
      menu: this.entry,
      file: this.lx.stmtFile,
      line: this.lx.stmtLine,
    };
    if (this.entry.sym) this.entry.sym.props.push(p);
    return p;
  }

  private addPrompt(type: 'prompt' | 'menu' | 'comment', text: string, dep: Expr | null): void {
    const p = this.addProp(type, null, dep);
    if (/^\s/.test(text)) {
      this.warn('leading whitespace ignored');
      text = text.replace(/^\s+/, '');
    }
    if (this.entry.prompt) this.warn('prompt redefined');
    if (type === 'prompt') {
      for (let m = this.entry.parent; m; m = m.parent) if (m.visibility) p.visible = exprAnd(p.visible, m.visibility);
    }
    p.text = text;
    this.entry.prompt = p;
  }

  private setType(type: SymType): void {
    const sym = this.entry.sym!;
    if (sym.type === type) return;
    if (sym.type === 'unknown') {
      sym.type = type;
      return;
    }
    this.warn(`ignoring type redefinition of '${sym.displayName}' from '${sym.type}' to '${type}'`);
  }

  private stmtList(inChoice: boolean): void {
    for (;;) {
      switch (this.tok.t) {
        case 'EOF':
        case 'endmenu':
        case 'endif':
        case 'endchoice':
          return;
        case 'config':
          this.configStmt(false);
          break;
        case 'menuconfig':
          if (inChoice) this.fail('invalid statement: menuconfig inside a choice');
          this.configStmt(true);
          break;
        case 'comment':
          this.commentStmt();
          break;
        case 'if':
          this.ifStmt(inChoice);
          break;
        case 'choice':
          if (inChoice) this.fail('invalid statement: choice inside a choice');
          this.choiceStmt();
          break;
        case 'menu':
          if (inChoice) this.fail('invalid statement: menu inside a choice');
          this.menuStmt();
          break;
        case 'source':
          if (inChoice) this.fail('invalid statement: source inside a choice');
          this.sourceStmt();
          break;
        case 'WORD':
          if (!inChoice) {
            this.wordStmt();
            break;
          }
          this.fail(`invalid statement "${this.tok.v}"`);
          break;
        default:
          this.fail(`invalid statement${this.tok.v ? ` "${this.tok.v}"` : ''}`);
      }
    }
  }

  /** An assignment (NAME = value) or an unknown statement. */
  private wordStmt(): void {
    const name = this.advance().v;
    const op = this.tok.t;
    if (op !== 'EQUAL' && op !== 'COLON_EQUAL' && op !== 'PLUS_EQUAL') this.fail(`unknown statement "${name}"`);
    this.advance();
    let value = '';
    if (this.tok.t === 'ASSIGN_VAL') value = this.advance().v;
    this.expect('EOL', 'end of line');
    this.pp.add(name, value, op === 'EQUAL' ? 'recursive' : op === 'COLON_EQUAL' ? 'simple' : 'append');
  }

  private nonconstSymbol(): Sym {
    if (this.tok.t !== 'WORD') this.syntax('a symbol name');
    return this.syms.lookup(this.advance().v);
  }

  /** An expression operand; with `defer`, a name still waiting for a $(shell) result gets a stand-in. */
  private symbol(defer = false): Sym {
    if (
      defer &&
      this.deferral &&
      this.tok.v.includes('\x01') &&
      (this.tok.t === 'WORD' || this.tok.t === 'WORD_QUOTE')
    ) {
      const t = this.advanceRaw();
      return this.deferral.deferSym(t.v, t.t === 'WORD_QUOTE');
    }
    if (this.tok.t === 'WORD_QUOTE') return this.syms.lookupConst(this.advance().v);
    return this.nonconstSymbol();
  }

  private ifExpr(): Expr | null {
    if (this.tok.t !== 'if') return null;
    this.advance();
    return this.expr();
  }

  expr(): Expr {
    if (++this.exprDepth > MAX_NESTING) this.fail(`expression nested more than ${MAX_NESTING} deep`, this.tok.line);
    let l = this.andExpr();
    for (let n = 1; this.tok.t === 'OR'; n++) {
      if (n >= MAX_CHAIN) this.fail(`more than ${MAX_CHAIN} operands of '||' in one expression`, this.tok.line);
      this.advance();
      l = { k: 'or', l, r: this.andExpr() };
    }
    this.exprDepth--;
    return l;
  }

  private andExpr(): Expr {
    let l = this.unary();
    for (let n = 1; this.tok.t === 'AND'; n++) {
      if (n >= MAX_CHAIN) this.fail(`more than ${MAX_CHAIN} operands of '&&' in one expression`, this.tok.line);
      this.advance();
      l = { k: 'and', l, r: this.unary() };
    }
    return l;
  }

  private unary(): Expr {
    if (this.tok.t === 'NOT') {
      // `!!!...!A`: iterative, so only the nesting it builds counts (each `!` is a level of the tree).
      let nots = 0;
      while (this.tok.t === 'NOT') {
        if (++nots > MAX_NESTING) this.fail(`expression nested more than ${MAX_NESTING} deep`, this.tok.line);
        this.advance();
      }
      let e = this.unary();
      while (nots-- > 0) e = { k: 'not', e };
      return e;
    }
    if (this.tok.t === 'OPEN_PAREN') {
      this.advance();
      const e = this.expr();
      this.expect('CLOSE_PAREN', "')'");
      return e;
    }
    const l = this.symbol(true);
    const op = CMP[this.tok.t];
    if (op) {
      this.advance();
      return { k: 'cmp', op, l, r: this.symbol(true) };
    }
    return { k: 'sym', s: l };
  }

  private eol(): void {
    this.expect('EOL', 'end of line');
  }

  private configStmt(isMenuconfig: boolean): void {
    this.advance();
    const sym = this.nonconstSymbol();
    this.eol();
    sym.flags |= F.OPTIONAL;
    const node = this.newNode(isMenuconfig ? 'menuconfig' : 'config', sym);
    this.configOptions(node);
    if (isMenuconfig) {
      if (node.prompt) node.prompt.type = 'menu';
      else this.warn('menuconfig statement without prompt');
    }
  }

  private typeOf(t: Tok): SymType | undefined {
    switch (t) {
      case 'bool':
        return 'bool';
      case 'tristate':
        return 'tristate';
      case 'int':
        return 'int';
      case 'hex':
        return 'hex';
      case 'string':
        return 'string';
      default:
        return undefined;
    }
  }

  private promptOpt(): void {
    if (this.tok.t === 'WORD_QUOTE') {
      const text = this.advance().v;
      this.addPrompt('prompt', text, this.ifExpr());
    }
  }

  private configOptions(node: MenuNode): void {
    for (;;) {
      const t = this.tok.t;
      const type = this.typeOf(t);
      if (type) {
        this.advance();
        this.promptOpt();
        this.eol();
        this.setType(type);
        continue;
      }
      switch (t) {
        case 'prompt': {
          this.advance();
          const text = this.expect('WORD_QUOTE', 'a quoted prompt').v;
          this.addPrompt('prompt', text, this.ifExpr());
          this.eol();
          continue;
        }
        case 'default':
        case 'def_bool':
        case 'def_tristate': {
          this.advance();
          const e = this.expr();
          this.addProp('default', e, this.ifExpr());
          this.eol();
          if (t !== 'default') this.setType(t === 'def_bool' ? 'bool' : 'tristate');
          continue;
        }
        case 'select':
        case 'imply': {
          this.advance();
          const s = this.nonconstSymbol();
          this.addProp(t, { k: 'sym', s }, this.ifExpr());
          this.eol();
          continue;
        }
        case 'range': {
          this.advance();
          const a = this.symbol();
          const b = this.symbol();
          const p = this.addProp('range', null, this.ifExpr());
          p.range = [a, b];
          this.eol();
          continue;
        }
        case 'modules':
          this.advance();
          this.eol();
          this.setModules(node);
          continue;
        case 'depends':
          this.depends();
          continue;
        case 'help':
          this.help(node);
          continue;
        case 'WORD':
          if (this.tok.v === 'option') {
            this.oldOption(node);
            continue;
          }
          if (this.tok.v === '---help---') {
            this.help(node);
            continue;
          }
          return;
        default:
          return;
      }
    }
  }

  private setModules(node: MenuNode): void {
    if (this.modulesSym && this.modulesSym !== node.sym)
      this.fail(
        `symbol '${node.sym?.displayName}' redefines option 'modules' already defined by symbol '${this.modulesSym.displayName}'`,
      );
    this.modulesSym = node.sym;
  }

  /** Pre-5.x spellings: option modules | env="VAR" | defconfig_list | allnoconfig_y. */
  private oldOption(node: MenuNode): void {
    this.advance();
    const what = this.tok.t === 'modules' ? 'modules' : this.tok.t === 'WORD' ? this.tok.v : '';
    this.advance();
    let arg: string | undefined;
    if (this.tok.t === 'EQUAL') {
      this.advance();
      arg = this.advance().v;
    }
    this.eol();
    if (what === 'modules') this.setModules(node);
    else if (what === 'env' && arg !== undefined && node.sym) {
      // The old env option gave the symbol its environment value as a default and kept it out of .config.
      const value = this.pp.expandString(`$(${arg})`);
      node.sym.flags |= F.NO_WRITE;
      this.addProp('default', { k: 'sym', s: this.syms.lookupConst(value) }, null);
    } else if (what !== 'defconfig_list' && what !== 'allnoconfig_y') this.warn(`unknown option "${what}"`);
  }

  private depends(): void {
    this.advance();
    this.expect('on', "'on'");
    const e = this.expr();
    this.eol();
    this.entry.dep = exprAnd(this.entry.dep, e);
  }

  private help(node: MenuNode): void {
    this.advance();
    if (this.tok.t !== 'EOL') this.syntax('end of line after help');
    this.advance();
    this.lx.startHelp();
    const next: Token = this.tok;
    if (next.t !== 'HELPTEXT') this.syntax('help text');
    const text = this.advance().v;
    if (node.help !== undefined)
      this.warn(
        `'${node.sym?.displayName ?? '<choice>'}' defined with more than one help text -- only the last one will be used`,
      );
    node.help = text;
  }

  private commentStmt(): void {
    this.advance();
    const text = this.expect('WORD_QUOTE', 'a quoted comment').v;
    this.eol();
    this.newNode('comment', null);
    this.addPrompt('comment', text, null);
    while (this.tok.t === 'depends') this.depends();
  }

  private enterBlock(node: MenuNode): void {
    if (++this.blockDepth > MAX_NESTING)
      this.fail(`blocks nested more than ${MAX_NESTING} deep (if/menu/choice)`, node.line, node.file);
    this.menu = node;
  }

  private endBlock(node: MenuNode, kind: 'menu' | 'if' | 'choice'): void {
    const endTok = this.tok.t;
    const got = endTok === 'endmenu' ? 'menu' : endTok === 'endif' ? 'if' : endTok === 'endchoice' ? 'choice' : null;
    if (got === null)
      this.fail(`missing end statement for this entry (${kind} has no matching end${kind})`, node.line, node.file);
    if (got !== kind) this.fail(`unexpected 'end${got}' within ${kind} block`, this.tok.line);
    if (this.lx.file !== node.file)
      this.fail(`'end${kind}' in different file than '${kind}' (${node.file}:${node.line})`, this.tok.line);
    this.advance();
    this.eol();
    this.blockDepth--;
    this.menu = node.parent!;
    this.entry = node;
  }

  private ifStmt(inChoice: boolean): void {
    this.advance();
    const e = this.expr();
    this.eol();
    const node = this.newNode('if', null);
    node.dep = exprAnd(node.dep, e);
    this.enterBlock(node);
    this.stmtList(inChoice);
    this.endBlock(node, 'if');
  }

  private menuStmt(): void {
    this.advance();
    const text = this.expect('WORD_QUOTE', 'a quoted menu title').v;
    this.eol();
    const node = this.newNode('menu', null);
    this.addPrompt('menu', text, null);
    for (;;) {
      if (this.tok.t === 'depends') this.depends();
      else if (this.tok.t === 'visible') {
        this.advance();
        const e = this.ifExpr();
        this.eol();
        node.visibility = exprAnd(node.visibility, e);
      } else break;
    }
    this.enterBlock(node);
    this.stmtList(false);
    this.endBlock(node, 'menu');
  }

  private choiceStmt(): void {
    this.advance();
    let sym: Sym;
    if (this.tok.t === 'WORD') {
      const name = this.advance().v;
      sym = this.named.get(name) ?? this.syms.newChoice();
      this.named.set(name, sym);
    } else sym = this.syms.newChoice();
    this.eol();
    sym.flags |= F.NO_WRITE;
    const node = this.newNode('choice', sym);
    for (;;) {
      const t = this.tok.t;
      if (t === 'prompt') {
        this.advance();
        const text = this.expect('WORD_QUOTE', 'a quoted prompt').v;
        this.addPrompt('prompt', text, this.ifExpr());
        this.eol();
      } else if (t === 'bool' || t === 'tristate') {
        this.advance();
        this.promptOpt();
        this.eol();
        this.setType(t);
      } else if (t === 'optional') {
        this.advance();
        this.eol();
        sym.flags |= F.OPTIONAL;
      } else if (t === 'default') {
        this.advance();
        const s = this.nonconstSymbol();
        this.addProp('default', { k: 'sym', s }, this.ifExpr());
        this.eol();
      } else if (t === 'depends') this.depends();
      else if (t === 'help' || (t === 'WORD' && this.tok.v === '---help---')) this.help(node);
      else break;
    }
    this.enterBlock(node);
    this.stmtList(true);
    this.endBlock(node, 'choice');
  }

  private sourceStmt(): void {
    this.advance();
    const name = this.expect('WORD_QUOTE', 'a quoted file name').v;
    if (this.tok.t !== 'EOL') this.syntax('end of line');
    this.lx.include(name);
    this.advance();
  }
}
