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
import { loadSnapshot, saveSnapshot, type Snapshot } from './snapshot.js';
import { formatUnmet } from './report.js';
import { cacheDir, hashOf } from '../util/cache.js';
import { Evaluator } from './evaluate.js';
import { ConfigIO, parseConfigLines, type ConfigAssignment, type ReadResult } from './dotconfig.js';
import { F, N, type MenuNode, type Sym } from './model.js';

export interface LoadOptions {
  srctree: string;
  arch: string;
  /** e.g. 'aarch64-linux-gnu-' */
  crossCompile?: string;
  /** Use this exported probe file instead of running the toolchain. */
  probes?: string;
  /** Do not read or write the on-disk probe cache (a cold run). */
  noProbeCache?: boolean;
  /** Always parse the Kconfig files (no parsed-tree snapshot from the cache). */
  noSnapshot?: boolean;
  /** Write the probe results (and make's environment) to this file, for `probes` on another machine. */
  exportProbes?: string;
  /** $(info,...) output (the C tool prints it on stdout); default: log. */
  onInfo?: (text: string) => void;
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
    const envOf = (name: string): string | undefined => this.env[name] ?? process.env[name];
    const snapFile =
      opts.noProbeCache || opts.noSnapshot
        ? null
        : join(
            cacheDir('kconfig'),
            `tree-${hashOf('kconfig-tree-v1', srctree, opts.arch, this.probes.key, JSON.stringify(this.env)).slice(0, 24)}.json`,
          );
    const snap = snapFile ? loadSnapshot(snapFile, srctree, envOf) : undefined;
    let parsed: Snapshot;
    if (snap) {
      // Replay what the macros printed, as the C tool prints it on every run.
      for (const m of snap.messages) (m.startsWith('I') ? (opts.onInfo ?? log) : log)(m.slice(1));
      parsed = snap;
    } else {
      parsed = this.parse(srctree, envOf, opts, log);
      if (snapFile)
        saveSnapshot(snapFile, parsed, {
          srctree,
          files: parsed.files,
          env: this.envUsed,
          messages: parsed.messages,
          warnings: parsed.warnings,
        });
    }
    if (opts.exportProbes) this.probes.exportTo(opts.exportProbes);
    this.syms = parsed.syms;
    this.root = parsed.root;
    this.modulesSym = parsed.modulesSym;
    this.parseWarnings = parsed.warnings;
    this.files = parsed.files;
    this.ev = new Evaluator(this.syms, this.modulesSym);
    this.io = new ConfigIO(this.ev);
  }

  private envUsed = new Map<string, string>();

  /**
   * A cold probe cache: parse once with $(shell) answering placeholders, collecting every command whose
   * text is already known, and run those in parallel. The real parse then finds them cached; only the few
   * commands built from other probes' output (cc-name from cc-info...) still run one by one.
   */
  private prefetchProbes(srctree: string, envOf: (name: string) => string | undefined): void {
    const pre = this.probes.startPrefetch();
    if (!pre) return;
    let n = 0;
    let lexer: Lexer | null = null;
    const pp = new Preprocessor({
      where: () => ({ file: lexer?.file ?? '', line: lexer?.line ?? 0 }),
      env: envOf,
      shell: (cmd) => {
        if (!cmd.includes('\x01')) pre.add(cmd);
        return `\x01${n++}\x01`;
      },
      info: () => {},
      warn: () => {},
    });
    lexer = new Lexer(
      { readFile: (name) => readFileSync(isAbsolute(name) ? name : join(srctree, name), 'latin1'), warn: () => {} },
      pp,
    );
    try {
      new Parser(lexer, pp, new SymbolTable()).parse('Kconfig');
    } catch {
      // Whatever was collected before the error is still worth running; the real parse reports the error.
    }
    pre.finish();
  }

  /** Lex, expand, parse and finalize the tree (the cold path). */
  private parse(
    srctree: string,
    envOf: (name: string) => string | undefined,
    opts: LoadOptions,
    log: (l: string) => void,
  ): Snapshot {
    if (this.probes.cold) this.prefetchProbes(srctree, envOf);
    const syms = new SymbolTable();
    const messages: string[] = [];
    let lexer: Lexer | null = null;
    const pp = new Preprocessor({
      where: () => ({ file: lexer?.file ?? '', line: lexer?.line ?? 0 }),
      env: envOf,
      shell: (cmd) => this.probes.run(cmd),
      info: (t) => {
        messages.push('I' + t);
        (opts.onInfo ?? log)(t);
      },
      warn: (t) => {
        messages.push('W' + t);
        log(t);
      },
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
    const parser = new Parser(lexer, pp, syms);
    try {
      const res = parser.parse('Kconfig');
      const modulesSym = res.modulesSym ?? syms.no;
      finalizeTree(res.root, modulesSym, syms);
      this.envUsed = pp.envUsed;
      return {
        syms,
        root: res.root,
        modulesSym,
        files: lexer.files,
        messages,
        warnings: [...warnings, ...res.warnings],
      };
    } finally {
      this.probes.save();
    }
  }

  static load(opts: LoadOptions): KconfigTree {
    return new KconfigTree(opts);
  }

  /** Reset evaluation state (values, flags) so another config can be evaluated on the same tree. */
  private reset(): void {
    this.ev = new Evaluator(this.syms, this.modulesSym);
    this.io = new ConfigIO(this.ev);
    // Back to the state of a freshly parsed tree: values and flags as the C tool starts with.
    for (const s of this.syms.all) {
      s.flags &= ~(F.VALID | F.WRITE | F.DEF_USER | F.WRITTEN);
      s.tri = N;
      s.val = s.name ?? '';
      s.visible = N;
      s.dirDepTri = s.revDepTri = s.impliedTri = N;
      s.choiceSel = null;
      s.userVal = null;
      s.userTri = N;
      s.userChoice = null;
    }
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
    return (s.flags & F.WRITE) !== 0;
  }

  get unmetDependencies(): Evaluator['unmet'] {
    return this.ev.unmet;
  }

  /** Names of symbols selected above their direct dependencies in the last evaluation. */
  unmetSymbols(): string[] {
    return [...new Set(this.ev.unmet.map((u) => u.sym.displayName))];
  }

  /** conf's unmet-dependency warnings for the last evaluation, one per symbol. */
  unmetWarnings(): string[] {
    const seen = new Set<Sym>();
    const out: string[] = [];
    for (const u of this.ev.unmet) {
      if (seen.has(u.sym)) continue;
      seen.add(u.sym);
      out.push(formatUnmet(this.ev, u.sym));
    }
    return out;
  }
}

/** Split .config text (as read from `file`) into assignments; warnings go to `warn`. */
export function parseConfigText(text: string, file: string, warn: (m: string) => void = () => {}): ConfigAssignment[] {
  return parseConfigLines(text, file, warn);
}
