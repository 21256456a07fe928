// Kconfig tokenizer, a hand-written twin of scripts/kconfig/lexer.l: the same states (INITIAL, STRING,
// HELP, ASSIGN_VAL), the same macro expansion points, and the same statement/EOL bookkeeping, so the
// parser sees the token stream the C parser sees.
import type { Preprocessor } from './preprocess.js';
import { KdkError } from '../util/errors.js';

export type Tok =
  | 'EOL'
  | 'WORD'
  | 'WORD_QUOTE'
  | 'ASSIGN_VAL'
  | 'HELPTEXT'
  | 'EOF'
  | 'OR'
  | 'AND'
  | 'EQUAL'
  | 'UNEQUAL'
  | 'LESS'
  | 'LESS_EQUAL'
  | 'GREATER'
  | 'GREATER_EQUAL'
  | 'NOT'
  | 'OPEN_PAREN'
  | 'CLOSE_PAREN'
  | 'COLON_EQUAL'
  | 'PLUS_EQUAL'
  | Keyword;

const KEYWORDS = [
  'bool',
  'choice',
  'comment',
  'config',
  'def_bool',
  'def_tristate',
  'default',
  'depends',
  'endchoice',
  'endif',
  'endmenu',
  'help',
  'hex',
  'if',
  'imply',
  'int',
  'mainmenu',
  'menu',
  'menuconfig',
  'modules',
  'on',
  'optional',
  'prompt',
  'range',
  'select',
  'source',
  'string',
  'tristate',
  'visible',
] as const;
export type Keyword = (typeof KEYWORDS)[number];
const keywordSet = new Set<string>(KEYWORDS);

export interface Token {
  t: Tok;
  v: string;
  line: number;
}

interface FileState {
  name: string;
  text: string;
  pos: number;
  line: number;
}

/** [A-Za-z0-9_-] */
function isN(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}
const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

export interface LexerHost {
  readFile(name: string, from: { file: string; line: number } | null): string;
  warn(msg: string): void;
}

export class Lexer {
  private stack: FileState[] = [];
  private cur!: FileState;
  private state: 'INITIAL' | 'ASSIGN_VAL' = 'INITIAL';
  private prevPrev: Tok = 'EOL';
  private prev: Tok = 'EOL';
  private helpPending = false;
  /** File and line of the first token of the current statement (current_pos in lexer.l). */
  stmtFile = '';
  stmtLine = 0;
  /** Every file read, in order (for cache keys and explain). */
  readonly files: string[] = [];

  constructor(
    private host: LexerHost,
    private pp: Preprocessor,
  ) {}

  get file(): string {
    return this.cur?.name ?? '';
  }
  get line(): number {
    return this.cur?.line ?? 0;
  }

  start(name: string): void {
    const text = this.host.readFile(name, null);
    this.cur = { name, text, pos: 0, line: 1 };
    this.files.push(name);
  }

  /** zconf_nextfile: continue in `name`, then come back here at its end. */
  include(name: string): void {
    for (const f of [this.cur, ...this.stack]) {
      if (f.name === name) {
        const chain = [this.cur, ...this.stack].map((s) => `  included from: ${s.name}:${s.line - 1}`).join('\n');
        throw new KdkError(`Recursive inclusion detected: ${name}\n${chain}`, {
          file: this.cur.name,
          line: this.cur.line - 1,
        });
      }
    }
    const text = this.host.readFile(name, { file: this.stmtFile, line: this.stmtLine });
    this.stack.push(this.cur);
    this.cur = { name, text, pos: 0, line: 1 };
    this.files.push(name);
  }

  startHelp(): void {
    this.helpPending = true;
  }

  private err(msg: string): never {
    throw new KdkError(msg, { file: this.cur.name, line: this.cur.line });
  }

  /** The second-stage lexer (yylex): drops redundant EOLs and tracks statement starts. */
  next(): Token {
    for (;;) {
      const tok = this.helpPending ? this.lexHelp() : this.lex1();
      if (this.prev === 'EOL' || this.prev === 'HELPTEXT') {
        if (tok.t === 'EOL') continue;
        this.stmtFile = this.cur.name;
        this.stmtLine = this.cur.line;
      }
      if (
        this.prevPrev === 'EOL' &&
        this.prev === 'WORD' &&
        (tok.t === 'EQUAL' || tok.t === 'COLON_EQUAL' || tok.t === 'PLUS_EQUAL')
      )
        this.state = 'ASSIGN_VAL';
      this.prevPrev = this.prev;
      this.prev = tok.t;
      return tok;
    }
  }

  private tok(t: Tok, v = ''): Token {
    return { t, v, line: this.cur.line };
  }

  private endOfFile(): Token {
    this.state = 'INITIAL';
    if (this.prev !== 'EOL' && this.prev !== 'HELPTEXT')
      this.host.warn(`${this.cur.name}:${this.cur.line}:warning: no new line at end of file`);
    const parent = this.stack.pop();
    if (!parent) {
      const eof = this.tok('EOF');
      return eof;
    }
    this.cur = parent;
    return this.tok('EOL');
  }

  private lineEnd(s: string, p: number): number {
    const e = s.indexOf('\n', p);
    return e < 0 ? s.length : e;
  }

  private lex1(): Token {
    const f = this.cur;
    const s = f.text;
    if (this.state === 'ASSIGN_VAL') {
      for (;;) {
        const c = s[f.pos];
        if (c === undefined) return this.endOfFile();
        if (c === '\n') {
          const eol = this.tok('EOL');
          f.pos++;
          f.line++;
          this.state = 'INITIAL';
          return eol;
        }
        if (c === ' ' || c === '\t') {
          f.pos++;
          continue;
        }
        const e = this.lineEnd(s, f.pos);
        const v = s.slice(f.pos, e);
        f.pos = e;
        return this.tok('ASSIGN_VAL', v);
      }
    }
    for (;;) {
      const c = s[f.pos];
      if (c === undefined) {
        if (this.stack.length === 0 && this.prev === 'EOF') return this.tok('EOF');
        return this.endOfFile();
      }
      switch (c) {
        case '#':
          f.pos = this.lineEnd(s, f.pos);
          continue;
        case ' ':
        case '\t':
        case '\r':
          if (c === '\r') this.host.warn(`${f.name}:${f.line}:warning: ignoring unsupported character '\r'`);
          f.pos++;
          continue;
        case '\\':
          if (s[f.pos + 1] === '\n') {
            f.pos += 2;
            f.line++;
            continue;
          }
          break;
        case '\n': {
          const eol = this.tok('EOL');
          f.pos++;
          f.line++;
          return eol;
        }
        case '|':
          if (s[f.pos + 1] === '|') return this.op(2, 'OR');
          break;
        case '&':
          if (s[f.pos + 1] === '&') return this.op(2, 'AND');
          break;
        case '=':
          return this.op(1, 'EQUAL');
        case '!':
          return s[f.pos + 1] === '=' ? this.op(2, 'UNEQUAL') : this.op(1, 'NOT');
        case '<':
          return s[f.pos + 1] === '=' ? this.op(2, 'LESS_EQUAL') : this.op(1, 'LESS');
        case '>':
          return s[f.pos + 1] === '=' ? this.op(2, 'GREATER_EQUAL') : this.op(1, 'GREATER');
        case '(':
          return this.op(1, 'OPEN_PAREN');
        case ')':
          return this.op(1, 'CLOSE_PAREN');
        case ':':
          if (s[f.pos + 1] === '=') return this.op(2, 'COLON_EQUAL');
          break;
        case '+':
          if (s[f.pos + 1] === '=') return this.op(2, 'PLUS_EQUAL');
          break;
        case '"':
        case "'":
          f.pos++;
          return this.lexString(c);
        default: {
          let q = f.pos;
          let dollar = false;
          for (; q < s.length; q++) {
            const cc = s.charCodeAt(q);
            if (cc === 36) dollar = true;
            else if (!isN(cc)) break;
          }
          if (q === f.pos) break;
          if (!dollar) {
            const w = s.slice(f.pos, q);
            f.pos = q;
            return keywordSet.has(w) ? this.tok(w as Keyword, w) : this.tok('WORD', w);
          }
          const end = this.lineEnd(s, f.pos);
          const line = s.slice(f.pos, end);
          const r = this.pp.expand(line, 0, (ch) => !isN(ch.charCodeAt(0)));
          f.pos += r.end;
          if (r.out.length) return this.tok('WORD', r.out);
          continue;
        }
      }
      this.host.warn(`${f.name}:${f.line}:warning: ignoring unsupported character '${c}'`);
      f.pos++;
    }
  }

  private op(len: number, t: Tok): Token {
    this.cur.pos += len;
    return this.tok(t);
  }

  private lexString(quote: string): Token {
    const f = this.cur;
    const s = f.text;
    let out = '';
    for (;;) {
      const c = s[f.pos];
      if (c === undefined) return this.tok('WORD_QUOTE', out);
      if (c === '$') {
        const end = this.lineEnd(s, f.pos);
        const line = s.slice(f.pos, end);
        const r = this.pp.expandDollar(line, 1);
        out += r.out;
        f.pos += r.end;
        continue;
      }
      if (c === '\\') {
        const n = s[f.pos + 1];
        if (n !== undefined && n !== '\n') {
          out += n;
          f.pos += 2;
        } else f.pos++;
        continue;
      }
      if (c === '"' || c === "'") {
        f.pos++;
        if (c === quote) return this.tok('WORD_QUOTE', out);
        out += c;
        continue;
      }
      if (c === '\n') {
        this.host.warn(`${f.name}:${f.line}:warning: multi-line strings not supported`);
        return this.tok('WORD_QUOTE', out);
      }
      let q = f.pos + 1;
      while (q < s.length) {
        const d = s[q];
        if (d === '$' || d === '"' || d === "'" || d === '\\' || d === '\n') break;
        q++;
      }
      out += s.slice(f.pos, q);
      f.pos = q;
    }
  }

  /** The HELP state: collects the indented block after `help`, as lexer.l does. */
  private lexHelp(): Token {
    this.helpPending = false;
    const f = this.cur;
    const s = f.text;
    let text = '';
    let firstTs = 0;
    let lastTs = 0;
    const done = (): Token => ({ t: 'HELPTEXT', v: text, line: f.line });
    for (;;) {
      if (f.pos >= s.length) return done();
      let q = f.pos;
      while (isBlank(s[q])) q++;
      if (s[q] === '\n') {
        const after = s[q + 1];
        f.pos = q + 1;
        f.line++;
        if (after !== undefined && after !== ' ' && after !== '\t' && after !== '\n') return done();
        text += '\n';
        continue;
      }
      if (q > f.pos) {
        let ts = 0;
        for (let i = f.pos; i < q; i++) ts = s[i] === '\t' ? (ts & ~7) + 8 : ts + 1;
        f.pos = q;
        lastTs = ts;
        if (firstTs) {
          if (ts < firstTs) return done();
          ts -= firstTs;
          while (ts > 8) {
            text += '        ';
            ts -= 8;
          }
          text += ' '.repeat(ts);
        }
        continue;
      }
      if (q >= s.length) return done();
      let e = this.lineEnd(s, f.pos);
      const lineEndPos = e;
      while (e > f.pos && isBlank(s[e - 1])) e--;
      text += s.slice(f.pos, e);
      f.pos = lineEndPos;
      if (!firstTs) firstTs = lastTs;
    }
  }
}
