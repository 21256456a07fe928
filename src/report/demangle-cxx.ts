// C++ (Itanium ABI) symbol demangling, as syzkaller applies to every frame name before its skip rules: the name
// without its parameters (`_ZN5boost6detail7thread4joinEv` -> `boost::detail::thread::join`), the form
// `c++filt -p` prints. Covers the grammar real symbols use (nested and local names, templates and template
// parameters, substitutions, operators, constructors and destructors, ABI tags, lambdas, special names); a
// symbol that uses anything else, or does not parse, comes back unchanged: never a wrong name.
// No npm demangler is well kept, and running c++filt per frame would cost a process per report; this is small.

const BUILTIN: Record<string, string> = {
  v: 'void',
  w: 'wchar_t',
  b: 'bool',
  c: 'char',
  a: 'signed char',
  h: 'unsigned char',
  s: 'short',
  t: 'unsigned short',
  i: 'int',
  j: 'unsigned int',
  l: 'long',
  m: 'unsigned long',
  x: 'long long',
  y: 'unsigned long long',
  n: '__int128',
  o: 'unsigned __int128',
  f: 'float',
  d: 'double',
  e: 'long double',
  g: '__float128',
  z: '...',
};
const BUILTIN_D: Record<string, string> = {
  a: 'auto',
  c: 'decltype(auto)',
  d: 'decimal64',
  e: 'decimal128',
  f: 'decimal32',
  h: 'half',
  i: 'char32_t',
  s: 'char16_t',
  u: 'char8_t',
  n: 'decltype(nullptr)',
};
const OPERATORS: Record<string, string> = {
  nw: 'new',
  na: 'new[]',
  dl: 'delete',
  da: 'delete[]',
  ps: '+',
  ng: '-',
  ad: '&',
  de: '*',
  co: '~',
  pl: '+',
  mi: '-',
  ml: '*',
  dv: '/',
  rm: '%',
  an: '&',
  or: '|',
  eo: '^',
  aS: '=',
  pL: '+=',
  mI: '-=',
  mL: '*=',
  dV: '/=',
  rM: '%=',
  aN: '&=',
  oR: '|=',
  eO: '^=',
  ls: '<<',
  rs: '>>',
  lS: '<<=',
  rS: '>>=',
  eq: '==',
  ne: '!=',
  lt: '<',
  gt: '>',
  le: '<=',
  ge: '>=',
  ss: '<=>',
  nt: '!',
  aa: '&&',
  oo: '||',
  pp: '++',
  mm: '--',
  cm: ',',
  pm: '->*',
  pt: '->',
  cl: '()',
  ix: '[]',
  qu: '?',
};
const STD_SUBS: Record<string, string> = {
  t: 'std',
  a: 'std::allocator',
  b: 'std::basic_string',
  // c++filt prints these in full, never as `std::string`.
  s: 'std::basic_string<char, std::char_traits<char>, std::allocator<char> >',
  i: 'std::basic_istream<char, std::char_traits<char> >',
  o: 'std::basic_ostream<char, std::char_traits<char> >',
  d: 'std::basic_iostream<char, std::char_traits<char> >',
};
/** As the prefix of a nested name, the abbreviations stand for the full class (c++filt prints it so). */
const STD_PREFIX: Record<string, [string, string]> = {
  a: ['std::allocator', 'allocator'],
  b: ['std::basic_string', 'basic_string'],
  s: ['std::basic_string<char, std::char_traits<char>, std::allocator<char> >', 'basic_string'],
  i: ['std::basic_istream<char, std::char_traits<char> >', 'basic_istream'],
  o: ['std::basic_ostream<char, std::char_traits<char> >', 'basic_ostream'],
  d: ['std::basic_iostream<char, std::char_traits<char> >', 'basic_iostream'],
};
const LITERAL_SUFFIX: Record<string, string> = { i: '', j: 'u', l: 'l', m: 'ul', x: 'll', y: 'ull' };

class Unsupported extends Error {}

/** A parsed type: its text around a hole where a declarator goes (`void (*)(int)` has `(*` in the hole). */
interface Ty {
  left: string;
  right: string;
}
const plain = (s: string): Ty => ({ left: s, right: '' });
const show = (t: Ty): string => t.left + t.right;

class Parser {
  private pos = 0;
  private readonly subs: string[] = [];
  private readonly subsTy: Ty[] = [];
  private templateArgs: string[] = [];
  private depth = 0;
  constructor(private readonly s: string) {}

  private fail(): never {
    throw new Unsupported();
  }
  private peek(n = 0): string {
    return this.s[this.pos + n] ?? '';
  }
  private eat(t: string): boolean {
    if (!this.s.startsWith(t, this.pos)) return false;
    this.pos += t.length;
    return true;
  }
  private expect(t: string): void {
    if (!this.eat(t)) this.fail();
  }
  private addSub(t: Ty): void {
    this.subs.push(show(t));
    this.subsTy.push(t);
  }
  private number(): number {
    const m = /^n?\d+/.exec(this.s.slice(this.pos));
    if (!m) this.fail();
    this.pos += m[0].length;
    return m[0].startsWith('n') ? -Number(m[0].slice(1)) : Number(m[0]);
  }
  /** `_` is 0; otherwise base-36 digits (0-9A-Z) then `_`, plus one. */
  private seqId(): number {
    if (this.eat('_')) return 0;
    const m = /^[0-9A-Z]+_/.exec(this.s.slice(this.pos));
    if (!m) this.fail();
    this.pos += m[0].length;
    return parseInt(m[0].slice(0, -1), 36) + 1;
  }

  /** The whole symbol: the name only (as `c++filt -p`), clone suffixes dropped. */
  top(): string {
    this.expect('_Z');
    const name = this.encoding(false);
    while (this.peek() === '.') {
      const m = /^\.[A-Za-z_]+(?:\.\d+)*/.exec(this.s.slice(this.pos));
      if (!m) this.fail();
      this.pos += m[0].length;
    }
    if (this.pos !== this.s.length) this.fail();
    return name;
  }

  private guard(): void {
    if (++this.depth > 200) this.fail();
  }

  /** `<encoding>`; with `full`, the parameters, cv-qualifiers and (for templates) return type too. */
  private encoding(full: boolean): string {
    this.guard();
    const special = this.specialName();
    if (special !== undefined) return special;
    const n = this.name();
    if (!full) {
      // The parameters are not printed, but they must parse for the symbol to be one.
      if (this.pos < this.s.length && this.peek() !== 'E' && this.peek() !== '.') this.bareFunction(n.template);
      this.depth--;
      return n.text;
    }
    if (this.pos >= this.s.length || this.peek() === 'E' || this.peek() === '.') {
      this.depth--;
      return n.text;
    }
    const { ret, params } = this.bareFunction(n.template);
    this.depth--;
    return `${ret ? `${ret} ` : ''}${n.text}(${params})${n.cv}`;
  }

  private bareFunction(hasReturn: boolean): { ret?: string; params: string } {
    const ret = hasReturn ? show(this.type()) : undefined;
    const params: string[] = [];
    while (this.pos < this.s.length && this.peek() !== 'E' && this.peek() !== '.') params.push(show(this.type()));
    if (params.length === 0) this.fail();
    return { ret, params: params.length === 1 && params[0] === 'void' ? '' : params.join(', ') };
  }

  private specialName(): string | undefined {
    const two = this.s.slice(this.pos, this.pos + 2);
    const table: Record<string, string> = {
      TV: 'vtable for ',
      TT: 'VTT for ',
      TI: 'typeinfo for ',
      TS: 'typeinfo name for ',
    };
    if (table[two]) {
      this.pos += 2;
      return table[two] + show(this.type());
    }
    if (two === 'GV') {
      this.pos += 2;
      return 'guard variable for ' + this.name().text;
    }
    if (two === 'Th' || two === 'Tv') {
      this.pos += 2;
      if (two === 'Th') this.number();
      else {
        this.number();
        this.expect('_');
        this.number();
      }
      this.expect('_');
      return `${two === 'Th' ? 'non-virtual' : 'virtual'} thunk to ${this.encoding(true)}`;
    }
    return undefined;
  }

  /** `<name>`: its text, whether it ends in template args (then a function has a return type), its cv. */
  private name(): { text: string; template: boolean; cv: string } {
    this.guard();
    let r: { text: string; template: boolean; cv: string };
    if (this.peek() === 'N') r = this.nestedName();
    else if (this.peek() === 'Z') r = { text: this.localName(), template: false, cv: '' };
    else {
      let text: string;
      if (this.peek() === 'S' && this.peek(1) !== 't') {
        text = this.substitution();
        if (this.peek() !== 'I') this.fail(); // a substitution alone is a type, not a name
      } else {
        const std = this.eat('St');
        text = (std ? 'std::' : '') + this.unqualifiedName('').text;
      }
      let template = false;
      if (this.peek() === 'I') {
        this.addSub(plain(text));
        text = this.withArgs(text, true);
        template = true;
      }
      r = { text, template, cv: '' };
    }
    this.depth--;
    return r;
  }

  private cvQualifiers(): string {
    let cv = '';
    if (this.eat('r')) cv += ' restrict';
    if (this.eat('V')) cv += ' volatile';
    if (this.eat('K')) cv += ' const';
    return cv;
  }

  private nestedName(): { text: string; template: boolean; cv: string } {
    this.expect('N');
    let cv = this.cvQualifiers();
    if (this.eat('R')) cv += ' &';
    else if (this.eat('O')) cv += ' &&';
    let text = '';
    let last = '';
    let template = false;
    let first = true;
    // A prefix that is a substitution as it stands is not a new candidate.
    let fromSub = false;
    while (!this.eat('E')) {
      if (this.pos >= this.s.length) this.fail();
      if (!first && !fromSub) this.addSub(plain(text));
      fromSub = false;
      template = false;
      if (this.peek() === 'S' && first) {
        if (this.eat('St')) {
          const u = this.unqualifiedName('');
          text = 'std::' + u.text;
          last = u.base;
        } else if (STD_PREFIX[this.peek(1)]) {
          [text, last] = STD_PREFIX[this.peek(1)];
          this.pos += 2;
          fromSub = true;
        } else {
          text = this.substitution();
          fromSub = true;
          last = /(?:^|::)([^:<]+)(?:<.*)?$/.exec(text)?.[1] ?? '';
        }
      } else if (this.peek() === 'T' && first) {
        text = this.templateParam();
      } else if (this.peek() === 'I') {
        if (first) this.fail();
        text = this.withArgs(text, true);
        template = true;
      } else if (this.s.startsWith('Dt', this.pos) || this.s.startsWith('DT', this.pos)) {
        this.fail();
      } else {
        const u = this.unqualifiedName(last);
        text = first ? u.text : `${text}::${u.text}`;
        last = u.base;
      }
      first = false;
      if (this.peek() === 'M') this.pos++; // a data-member prefix (lambda in an initializer)
    }
    if (first) this.fail();
    return { text, template, cv };
  }

  private localName(): string {
    this.expect('Z');
    const outer = this.encoding(true);
    this.expect('E');
    if (this.eat('s')) {
      this.discriminator();
      return `${outer}::string literal`;
    }
    if (this.eat('d')) {
      if (this.peek() !== '_') this.number();
      this.expect('_');
    }
    const inner = this.name().text;
    this.discriminator();
    return `${outer}::${inner}`;
  }

  private discriminator(): void {
    if (!this.eat('_')) return;
    if (this.eat('_')) {
      this.number();
      this.expect('_');
    } else this.number();
  }

  /** `<unqualified-name>`; `base` is the enclosing class's own name (for constructors). */
  private unqualifiedName(enclosing: string): { text: string; base: string } {
    const c = this.peek();
    let text: string;
    let base: string;
    if (/\d/.test(c)) {
      text = this.sourceName();
      base = text;
    } else if (c === 'C' && /[1-5I]/.test(this.peek(1))) {
      this.pos += 2;
      if (this.s[this.pos - 1] === 'I') this.fail();
      if (!enclosing) this.fail();
      text = enclosing;
      base = enclosing;
    } else if (c === 'D' && /[0-5]/.test(this.peek(1))) {
      this.pos += 2;
      if (!enclosing) this.fail();
      text = `~${enclosing}`;
      base = enclosing;
    } else if (c === 'U') {
      text = this.unnamedType();
      base = text;
    } else if (/[a-z]/.test(c)) {
      text = this.operatorName();
      base = text;
    } else this.fail();
    while (this.peek() === 'B') {
      this.pos++;
      text += `[abi:${this.sourceName()}]`;
    }
    return { text, base };
  }

  private sourceName(): string {
    const n = this.number();
    if (n <= 0 || this.pos + n > this.s.length) this.fail();
    const id = this.s.slice(this.pos, this.pos + n);
    this.pos += n;
    if (!/^[A-Za-z_$][\w$.]*$/.test(id)) this.fail();
    return id.startsWith('_GLOBAL__N') ? '(anonymous namespace)' : id;
  }

  private unnamedType(): string {
    if (this.eat('Ut')) {
      const n = this.peek() === '_' ? 1 : this.number() + 2;
      this.expect('_');
      return `{unnamed type#${n}}`;
    }
    if (this.eat('Ul')) {
      const params: string[] = [];
      while (!this.eat('E')) params.push(show(this.type()));
      const n = this.peek() === '_' ? 1 : this.number() + 2;
      this.expect('_');
      const list = params.length === 1 && params[0] === 'void' ? '' : params.join(', ');
      return `{lambda(${list})#${n}}`;
    }
    this.fail();
  }

  private operatorName(): string {
    const two = this.s.slice(this.pos, this.pos + 2);
    this.pos += 2;
    if (two === 'cv') return `operator ${show(this.type())}`;
    if (two === 'li') return `operator"" ${this.sourceName()}`;
    const op = OPERATORS[two];
    if (!op) this.fail();
    return /^[a-z]/.test(op) ? `operator ${op}` : `operator${op}`;
  }

  private substitution(): string {
    return show(this.substitutionTy());
  }

  private substitutionTy(): Ty {
    this.expect('S');
    const std = STD_SUBS[this.peek()];
    if (std && this.peek() !== 't') {
      this.pos++;
      return plain(std);
    }
    const i = this.seqId();
    const t = this.subsTy[i];
    if (!t) this.fail();
    return t;
  }

  private templateParam(): string {
    this.expect('T');
    const i = this.seqId();
    const a = this.templateArgs[i];
    if (a === undefined) this.fail();
    return a;
  }

  /** `I <template-arg>+ E` as `<a, b>`; `record`: these are the args T_ refers to from here on. */
  private templateArgs_(record: boolean): string {
    this.expect('I');
    const args: string[] = [];
    while (!this.eat('E')) {
      if (this.pos >= this.s.length) this.fail();
      args.push(this.templateArg());
    }
    if (record) this.templateArgs = args;
    const body = args.join(', ');
    return `<${body}${body.endsWith('>') ? ' ' : ''}>`;
  }

  /** `name` followed by its template args, a space between when the name ends in `<` (`operator<< <char>`). */
  private withArgs(name: string, record: boolean): string {
    const args = this.templateArgs_(record);
    return name.endsWith('<') ? `${name} ${args}` : name + args;
  }

  private templateArg(): string {
    if (this.eat('J')) {
      const pack: string[] = [];
      while (!this.eat('E')) pack.push(this.templateArg());
      return pack.join(', ');
    }
    if (this.peek() === 'L') return this.literal();
    if (this.peek() === 'X') this.fail();
    return show(this.type());
  }

  private literal(): string {
    this.expect('L');
    if (this.eat('_Z')) {
      const e = this.encoding(false);
      this.expect('E');
      return e;
    }
    const t = this.peek();
    if (t === 'b') {
      this.pos++;
      const v = this.number();
      this.expect('E');
      return v ? 'true' : 'false';
    }
    if (t in LITERAL_SUFFIX) {
      this.pos++;
      const v = this.number();
      this.expect('E');
      return `${v}${LITERAL_SUFFIX[t]}`;
    }
    if (BUILTIN[t] && /[cahst]/.test(t)) {
      this.pos++;
      const v = this.number();
      this.expect('E');
      return `(${BUILTIN[t]})${v}`;
    }
    this.fail();
  }

  private type(): Ty {
    this.guard();
    const t = this.typeInner();
    this.depth--;
    return t;
  }

  private typeInner(): Ty {
    const c = this.peek();
    if (BUILTIN[c]) {
      this.pos++;
      return plain(BUILTIN[c]);
    }
    if (c === 'u') {
      this.pos++;
      const t = plain(this.sourceName());
      this.addSub(t);
      return t;
    }
    if (c === 'D') {
      const d = BUILTIN_D[this.peek(1)];
      if (d) {
        this.pos += 2;
        return plain(d);
      }
      if (this.eat('Dp')) {
        const t = this.type();
        this.addSub(t);
        return t;
      }
      this.fail();
    }
    if (c === 'r' || c === 'V' || c === 'K') {
      const cv = this.cvQualifiers();
      const inner = this.type();
      const t = inner.right.startsWith('(')
        ? { left: inner.left, right: inner.right + cv }
        : { left: inner.left + cv, right: inner.right };
      this.addSub(t);
      return t;
    }
    if (c === 'P' || c === 'R' || c === 'O') {
      this.pos++;
      const inner = this.type();
      const sym = c === 'P' ? '*' : c === 'R' ? '&' : '&&';
      // Pointers to functions and arrays go inside the parentheses: `void (*)(int)`, `int (&) [3]`.
      const t =
        inner.right.startsWith('(') || inner.right.startsWith(' [')
          ? {
              left: `${inner.left}${inner.right.startsWith(' [') ? ' ' : ''}(${sym}`,
              right: `)${inner.right.trimStart()}`,
            }
          : { left: inner.left + sym, right: inner.right };
      this.addSub(t);
      return t;
    }
    if (c === 'F') {
      this.pos++;
      this.eat('Y');
      const ret = show(this.type());
      const params: string[] = [];
      while (!this.eat('E')) {
        if (this.pos >= this.s.length) this.fail();
        if (this.eat('R') || this.eat('O')) continue;
        params.push(show(this.type()));
      }
      const list = params.length === 1 && params[0] === 'void' ? '' : params.join(', ');
      const t = { left: `${ret} `, right: `(${list})` };
      this.addSub(t);
      return t;
    }
    if (c === 'A') {
      this.pos++;
      const dim = /\d/.test(this.peek()) ? String(this.number()) : '';
      this.expect('_');
      const el = this.type();
      const t = { left: el.left, right: ` [${dim}]${el.right}` };
      this.addSub(t);
      return t;
    }
    if (c === 'T') {
      const t = plain(this.templateParam());
      this.addSub(t);
      if (this.peek() === 'I') {
        const a = this.templateArgs_(false);
        const full = plain(show(t) + a);
        this.addSub(full);
        return full;
      }
      return t;
    }
    if (c === 'S' && this.peek(1) !== 't') {
      const sub = this.substitutionTy();
      if (this.peek() === 'I') {
        const full = plain(show(sub) + this.templateArgs_(false));
        this.addSub(full);
        return full;
      }
      return sub;
    }
    if (c === 'N' || c === 'Z' || /\d/.test(c) || c === 'S') {
      const saved = this.templateArgs;
      const n = this.name();
      this.templateArgs = saved;
      const t = plain(n.text);
      this.addSub(t);
      return t;
    }
    this.fail();
  }
}

/** The demangled name (without parameters) of an Itanium C++ symbol (`_Z...`); anything else unchanged. */
export function demangleCxx(name: string): string {
  if (!name.startsWith('_Z') || name.length > 4096) return name;
  try {
    return new Parser(name).top();
  } catch (e) {
    if (e instanceof Unsupported) return name;
    throw e;
  }
}
