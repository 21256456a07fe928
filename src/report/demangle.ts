// Rust symbol demangling (the "v0" mangling rustc uses for the kernel's Rust code), so that frames such
// as `_RNvMs3_NtCs..._11rust_binder7processNtB5_7Process10update_ref` read
// `<rust_binder::process::Process>::update_ref`, as in syzkaller's titles. Anything that does not
// parse is returned unchanged. C++ (Itanium) symbols go to demangle-cxx.ts.
import { demangleCxx } from './demangle-cxx.js';

const BASIC_TYPES: Record<string, string> = {
  a: 'i8',
  b: 'bool',
  c: 'char',
  d: 'f64',
  e: 'str',
  f: 'f32',
  h: 'u8',
  i: 'isize',
  j: 'usize',
  l: 'i32',
  m: 'u32',
  n: 'i128',
  o: 'u128',
  p: '_',
  s: 'i16',
  t: 'u16',
  u: '()',
  v: '...',
  x: 'i64',
  y: 'u64',
  z: '!',
};

class Demangler {
  private pos = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  private peek(): string {
    return this.s[this.pos] ?? '';
  }
  private eat(c: string): boolean {
    if (this.s[this.pos] !== c) return false;
    this.pos++;
    return true;
  }
  private fail(): never {
    throw new Error('bad symbol');
  }

  /** `_` is 0; otherwise base-62 digits then `_`, plus one. */
  private base62(): number {
    if (this.eat('_')) return 0;
    let n = 0;
    for (;;) {
      const c = this.s[this.pos++];
      if (c === undefined) this.fail();
      if (c === '_') return n + 1;
      const d = /[0-9]/.test(c)
        ? c.charCodeAt(0) - 48
        : /[a-z]/.test(c)
          ? c.charCodeAt(0) - 87
          : /[A-Z]/.test(c)
            ? c.charCodeAt(0) - 29
            : this.fail();
      n = n * 62 + d;
    }
  }

  private disambiguator(): void {
    if (this.eat('s')) this.base62();
  }

  private decimal(): number {
    const start = this.pos;
    while (/[0-9]/.test(this.peek())) this.pos++;
    if (start === this.pos) this.fail();
    return Number(this.s.slice(start, this.pos));
  }

  private identifier(): string {
    this.disambiguator();
    const punycode = this.eat('u');
    const len = this.decimal();
    this.eat('_');
    const id = this.s.slice(this.pos, this.pos + len);
    if (id.length !== len) this.fail();
    this.pos += len;
    return punycode ? `{punycode ${id}}` : id;
  }

  /** Runs `fn` at the position a backref points to, then comes back. */
  private backref<T>(fn: () => T): T {
    const target = this.base62() + 2; // counted from after `_R`
    if (target >= this.pos) this.fail();
    const save = this.pos;
    this.pos = target;
    try {
      return fn();
    } finally {
      this.pos = save;
    }
  }

  path(): string {
    if (++this.depth > 100) this.fail();
    try {
      const c = this.s[this.pos++];
      switch (c) {
        case 'C':
          return this.identifier();
        case 'M': {
          this.disambiguator();
          this.path();
          return `<${this.type()}>`;
        }
        case 'X': {
          this.disambiguator();
          this.path();
          const ty = this.type();
          return `<${ty} as ${this.path()}>`;
        }
        case 'Y': {
          const ty = this.type();
          return `<${ty} as ${this.path()}>`;
        }
        case 'N': {
          const ns = this.s[this.pos++] ?? this.fail();
          const parent = this.path();
          const id = this.identifier();
          if (/[A-Z]/.test(ns))
            return `${parent}::{${ns === 'C' ? 'closure' : ns === 'S' ? 'shim' : ns}${id ? ':' + id : ''}}`;
          return id ? `${parent}::${id}` : parent;
        }
        case 'I': {
          const p = this.path();
          const args: string[] = [];
          while (!this.eat('E')) args.push(this.genericArg());
          return `${p}::<${args.join(', ')}>`;
        }
        case 'B':
          return this.backref(() => this.path());
        default:
          return this.fail();
      }
    } finally {
      this.depth--;
    }
  }

  private genericArg(): string {
    if (this.eat('L')) {
      this.base62();
      return "'_";
    }
    if (this.eat('K')) return this.constant();
    return this.type();
  }

  private constant(): string {
    if (this.eat('B')) return this.backref(() => this.constant());
    if (this.eat('p')) return '_';
    this.type();
    this.eat('n');
    const start = this.pos;
    while (/[0-9a-f]/.test(this.peek())) this.pos++;
    const hex = this.s.slice(start, this.pos);
    if (!this.eat('_')) this.fail();
    return hex ? String(parseInt(hex, 16)) : '0';
  }

  type(): string {
    if (++this.depth > 100) this.fail();
    try {
      const c = this.peek();
      if (BASIC_TYPES[c]) {
        this.pos++;
        return BASIC_TYPES[c];
      }
      this.pos++;
      switch (c) {
        case 'R':
        case 'Q': {
          if (this.eat('L')) this.base62();
          return `&${c === 'Q' ? 'mut ' : ''}${this.type()}`;
        }
        case 'P':
          return `*const ${this.type()}`;
        case 'O':
          return `*mut ${this.type()}`;
        case 'A': {
          const t = this.type();
          return `[${t}; ${this.constant()}]`;
        }
        case 'S':
          return `[${this.type()}]`;
        case 'T': {
          const ts: string[] = [];
          while (!this.eat('E')) ts.push(this.type());
          return `(${ts.join(', ')}${ts.length === 1 ? ',' : ''})`;
        }
        case 'B':
          return this.backref(() => this.type());
        case 'C':
        case 'M':
        case 'X':
        case 'Y':
        case 'N':
        case 'I':
          this.pos--;
          return this.path();
        default:
          return this.fail();
      }
    } finally {
      this.depth--;
    }
  }

  symbol(): string {
    this.pos = 2;
    if (/[0-9]/.test(this.peek())) this.decimal(); // encoding version
    const p = this.path();
    // An instantiating crate may follow; it is not printed.
    return p;
  }
}

/** The demangled name of a Rust v0 (`_R...`) or C++ (`_Z...`, no parameters) symbol; any other string unchanged. */
export function demangle(name: string): string {
  if (name.startsWith('_Z')) return demangleCxx(name);
  if (!name.startsWith('_R') || name.length < 4) return name;
  try {
    return new Demangler(name).symbol();
  } catch {
    return name;
  }
}
