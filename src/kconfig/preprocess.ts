// Kconfig's macro language (scripts/kconfig/preprocess.c): recursively expanded (=) and simple (:=)
// variables, += appends, user functions with $(1).., the built-in functions and environment fallback.
import { KdkError } from '../util/errors.js';

export type Flavor = 'recursive' | 'simple' | 'append';

interface Variable {
  value: string;
  flavor: 'recursive' | 'simple';
  expanding: number;
}

export interface MacroHost {
  /** The current file and line, for $(filename), $(lineno) and messages. */
  where(): { file: string; line: number };
  /** Environment lookup (make's exports over the process environment). */
  env(name: string): string | undefined;
  /** Run a $(shell,...) command; returns its output as do_shell() shapes it. */
  shell(cmd: string): string;
  info(text: string): void;
  warn(text: string): void;
}

const MAX_ARGS = 16;

export class Preprocessor {
  private vars = new Map<string, Variable>();
  /** Environment variables the tree referenced, with their values (env_list in C). */
  readonly envUsed = new Map<string, string>();
  constructor(private host: MacroHost) {}

  private fail(msg: string): never {
    const { file, line } = this.host.where();
    throw new KdkError(msg, { file, line });
  }

  add(name: string, value: string, flavor: Flavor): void {
    const v = this.vars.get(name);
    let append = false;
    let fl: 'recursive' | 'simple';
    if (v) {
      if (flavor === 'append') {
        fl = v.flavor;
        append = true;
      } else fl = flavor;
    } else fl = flavor === 'append' ? 'recursive' : flavor;
    const newValue = fl === 'simple' ? this.expandString(value) : value;
    if (v) {
      v.flavor = fl;
      v.value = append ? `${v.value} ${newValue}` : newValue;
    } else this.vars.set(name, { value: newValue, flavor: fl, expanding: 0 });
  }

  expandString(s: string, args: string[] = []): string {
    return this.expand(s, 0, () => false, args).out;
  }

  /** Expand `s` from `pos` until isEnd(char) at top level (or end of string); returns output and end index. */
  expand(s: string, pos: number, isEnd: (c: string) => boolean, args: string[] = []): { out: string; end: number } {
    let out = '';
    let start = pos;
    let p = pos;
    for (;;) {
      if (s[p] === '$') {
        out += s.slice(start, p);
        const r = this.expandDollar(s, p + 1, args);
        out += r.out;
        p = start = r.end;
        continue;
      }
      if (p >= s.length || isEnd(s[p])) break;
      p++;
    }
    return { out: out + s.slice(start, p), end: p };
  }

  /** `p` points just after a '$'. */
  expandDollar(s: string, p: number, args: string[] = []): { out: string; end: number } {
    if (s[p] !== '(') return { out: '$', end: p };
    let q = p + 1;
    let nest = 0;
    for (; q < s.length; q++) {
      if (s[q] === '(') nest++;
      else if (s[q] === ')') {
        if (nest-- === 0) break;
      }
    }
    if (q >= s.length) this.fail(`unterminated reference to '${s.slice(p + 1)}': missing ')'`);
    return { out: this.evalClause(s.slice(p + 1, q), args), end: q + 1 };
  }

  private evalClause(clause: string, args: string[]): string {
    if (/^[0-9]+$/.test(clause)) {
      const n = parseInt(clause, 10);
      if (n > 0 && n <= args.length) return args[n - 1];
    }
    const parts: string[] = [];
    let nest = 0;
    let prev = 0;
    for (let i = 0; i < clause.length; i++) {
      const c = clause[i];
      if (nest === 0 && c === ',') {
        if (parts.length >= MAX_ARGS) this.fail('too many function arguments');
        parts.push(clause.slice(prev, i));
        prev = i + 1;
      } else if (c === '(') nest++;
      else if (c === ')') nest--;
    }
    if (parts.length >= MAX_ARGS) this.fail('too many function arguments');
    parts.push(clause.slice(prev));
    const name = this.expandString(parts[0], args);
    const fargs = parts.slice(1).map((a) => this.expandString(a, args));
    const v = this.variableExpand(name, fargs);
    if (v !== undefined) return v;
    const f = this.functionExpand(name, fargs);
    if (f !== undefined) return f;
    if (fargs.length === 0 && name !== '') {
      const known = this.envUsed.get(name);
      if (known !== undefined) return known;
      const e = this.host.env(name);
      if (e !== undefined) {
        this.envUsed.set(name, e);
        return e;
      }
    }
    return '';
  }

  private variableExpand(name: string, args: string[]): string | undefined {
    const v = this.vars.get(name);
    if (!v) return undefined;
    if (args.length === 0 && v.expanding) this.fail(`Recursive variable '${name}' references itself (eventually)`);
    if (v.expanding > 1000) this.fail('Too deep recursive expansion');
    v.expanding++;
    try {
      return v.flavor === 'recursive' ? this.expandString(v.value, args) : v.value;
    } finally {
      v.expanding--;
    }
  }

  private functionExpand(name: string, args: string[]): string | undefined {
    const arity: Record<string, [number, number]> = {
      'error-if': [2, 2],
      filename: [0, 0],
      info: [1, 1],
      lineno: [0, 0],
      shell: [1, 1],
      'warning-if': [2, 2],
    };
    const a = arity[name];
    if (!a) return undefined;
    if (args.length < a[0]) this.fail(`too few function arguments passed to '${name}'`);
    if (args.length > a[1]) this.fail(`too many function arguments passed to '${name}'`);
    const here = this.host.where();
    switch (name) {
      case 'error-if':
        if (args[0] === 'y') this.fail(args[1]);
        return '';
      case 'filename':
        return here.file;
      case 'info':
        this.host.info(args[0]);
        return '';
      case 'lineno':
        return String(here.line);
      case 'shell':
        return this.host.shell(args[0]);
      default:
        if (args[0] === 'y') this.host.warn(`${here.file}:${here.line}: ${args[1]}`);
        return '';
    }
  }

  clear(): void {
    this.vars.clear();
  }
}

/** Shape a command's output like do_shell(): at most 4095 bytes, trailing newlines cut, newlines to spaces. */
export function shapeShellOutput(raw: Buffer): string {
  let n = Math.min(raw.length, 4095);
  while (n > 0 && raw[n - 1] === 0x0a) n--;
  return raw.subarray(0, n).toString('latin1').replace(/\n/g, ' ');
}
