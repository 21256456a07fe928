// Loading a kernel's Kconfig tree for one architecture: environment, macro expansion with cached probes,
// parsing, menu finalization. The loaded tree evaluates any number of configs (olddefconfig semantics).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { KdkError, ExitCode } from '../util/errors.js';
import { makeEnv, type MakeEnv } from './env.js';
import { Lexer } from './lexer.js';
import { Parser } from './parser.js';
import { Preprocessor } from './preprocess.js';
import { ProbeCache } from './probes.js';
import { SymbolTable } from './symtab.js';
import { finalizeTree } from './finalize.js';
import { Evaluator } from './evaluate.js';
import { ConfigIO, parseConfigLines, type ConfigAssignment, type ReadResult } from './dotconfig.js';
import type { MenuNode, Sym } from './model.js';

export interface LoadOptions {
  srctree: string;
  arch: string;
  /** e.g. 'aarch64-linux-gnu-' */
  crossCompile?: string;
  /** Use this exported probe file instead of running the toolchain. */
  probes?: string;
  /** Do not read or write the on-disk probe cache (a cold run). */
  noProbeCache?: boolean;
  /** Kconfig messages ($(info), warnings); default: stderr. */
  log?: (line: string) => void;
}

export class KconfigTree {
  readonly syms: SymbolTable;
  readonly root: MenuNode;
  readonly modulesSym: Sym;
  readonly env: MakeEnv;
  readonly probes: ProbeCache;
  readonly parseWarnings: string[];
  readonly files: string[];
  readonly srctree: string;
  readonly arch: string;
  ev: Evaluator;
  private io: ConfigIO;
  private lastRead: ReadResult | null = null;

  private constructor(opts: LoadOptions) {
    const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
    const srctree = resolve(opts.srctree);
    if (!existsSync(srctree) || !statSync(srctree).isDirectory())
      throw new KdkError(`kernel source tree not found: ${opts.srctree}`, {
        file: opts.srctree,
        exitCode: ExitCode.usage,
      });
    if (!existsSync(join(srctree, 'Kconfig')))
      throw new KdkError(`${opts.srctree} has no top-level Kconfig: not a kernel source tree`, { file: opts.srctree });
    this.srctree = srctree;
    this.arch = opts.arch;
    this.env = makeEnv(srctree, opts.arch, opts.crossCompile ?? '');
    this.probes = new ProbeCache(this.env, { importFile: opts.probes, noCache: opts.noProbeCache });
    if (!this.env.CC_VERSION_TEXT) this.env.CC_VERSION_TEXT = this.probes.ccVersionText();
    this.syms = new SymbolTable();
    let lexer: Lexer | null = null;
    const pp = new Preprocessor({
      where: () => ({ file: lexer?.file ?? '', line: lexer?.line ?? 0 }),
      env: (name) => this.env[name] ?? process.env[name],
      shell: (cmd) => this.probes.run(cmd),
      info: (t) => log(t),
      warn: (t) => log(t),
    });
    const warnings: string[] = [];
    lexer = new Lexer(
      {
        readFile: (name, from) => {
          const p = isAbsolute(name) ? name : join(srctree, name);
          try {
            return readFileSync(p, 'latin1');
          } catch {
            if (!from) throw new KdkError(`can't find file ${name}`, { file: p });
            throw new KdkError(`can't open file "${name}"`, { file: from.file, line: from.line });
          }
        },
        warn: (m) => warnings.push(m),
      },
      pp,
    );
    const parser = new Parser(lexer, pp, this.syms);
    const res = parser.parse('Kconfig');
    this.probes.save();
    this.root = res.root;
    this.modulesSym = res.modulesSym ?? this.syms.no;
    finalizeTree(this.root, this.modulesSym, this.syms);
    this.parseWarnings = [...warnings, ...res.warnings];
    this.files = lexer.files;
    this.ev = new Evaluator(this.syms, this.modulesSym);
    this.io = new ConfigIO(this.ev);
  }

  static load(opts: LoadOptions): KconfigTree {
    return new KconfigTree(opts);
  }

  /** Reset evaluation state (values, flags) so another config can be evaluated on the same tree. */
  private reset(): void {
    this.ev = new Evaluator(this.syms, this.modulesSym);
    this.io = new ConfigIO(this.ev);
    for (const s of this.syms.all) s.flags &= ~0x80; // VALID
  }

  /** conf_read: read assignments (from parseConfigText) as the user's values and evaluate. */
  evaluate(assignments: ConfigAssignment[], file = '.config'): ReadResult {
    this.reset();
    this.lastRead = this.io.read(assignments, file);
    return this.lastRead;
  }

  /** conf_write: the .config text for the last evaluation. */
  writeConfig(): string {
    const changed = this.lastRead?.changed ?? true;
    return this.io.write(this.root, changed);
  }

  /** The value of a symbol after the last evaluation ('y'|'m'|'n'|string|int|hex), or undefined. */
  value(name: string): string | undefined {
    const s = this.syms.find(name);
    if (!s || s.type === 'unknown') return undefined;
    this.ev.calc(s);
    return this.ev.stringValue(s);
  }

  symbol(name: string): Sym | undefined {
    const s = this.syms.find(name);
    return s && s.type !== 'unknown' ? s : s;
  }

  /** Was `name` written to .config by the last writeConfig()? */
  isWritten(s: Sym): boolean {
    return (s.flags & 0x200) !== 0;
  }

  get unmetDependencies(): Evaluator['unmet'] {
    return this.ev.unmet;
  }
}

/** Split .config text (as read from `file`) into assignments; warnings go to `warn`. */
export function parseConfigText(text: string, file: string, warn: (m: string) => void = () => {}): ConfigAssignment[] {
  return parseConfigLines(text, file, warn);
}
