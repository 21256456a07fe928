// Loading a kernel's Kconfig tree for one architecture: environment, macro expansion with cached probes,
// parsing, menu finalization. The loaded tree evaluates any number of configs (olddefconfig semantics).
import { kernelArch } from '../util/arch.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { KdkError, ExitCode } from '../util/errors.js';
import { makeEnv, type MakeEnv } from './env.js';
import { Lexer } from './lexer.js';
import { DeferredTokenVanished, Parser } from './parser.js';
import { Preprocessor } from './preprocess.js';
import { ProbeCache } from './probes.js';
import { SymbolTable } from './symtab.js';
import { finalizeTree } from './finalize.js';
import { loadSnapshot, saveSnapshot, type Snapshot } from './snapshot.js';
import { formatUnmet } from './merge-report.js';
import { mergeAndReport, type MergeResult } from './merge.js';
import { readConfigFile, type ConfigFile } from './files.js';
import { writeFileAtomic } from '../util/atomic.js';
import { checkDependencyCycles } from './checkdeps.js';
import { cacheDir, hashOf } from '../util/cache.js';
import { Evaluator } from './evaluate.js';
import { ConfigIO, parseConfigLines, type ConfigAssignment, type ReadResult } from './dotconfig.js';
import { F, N, Sym, type Expr, type MenuNode, type Prop } from './model.js';

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
    // make's ARCH, also when given Debian's name (amd64 → x86_64).
    this.arch = kernelArch(opts.arch);
    this.env = makeEnv(srctree, this.arch, opts.crossCompile ?? '');
    this.probes = new ProbeCache(this.env, { importFile: opts.probes, noCache: opts.noProbeCache });
    if (!this.env.CC_VERSION_TEXT) this.env.CC_VERSION_TEXT = this.probes.ccVersionText();
    const envOf = (name: string): string | undefined => this.env[name] ?? process.env[name];
    const snapFile =
      opts.noProbeCache || opts.noSnapshot
        ? null
        : join(
            cacheDir('kconfig'),
            `tree-${hashOf('kconfig-tree-v1', srctree, this.arch, this.probes.key, JSON.stringify(this.env)).slice(0, 24)}.json`,
          );
    const snap = snapFile ? loadSnapshot(snapFile, srctree, envOf) : undefined;
    let parsed: Snapshot;
    if (snap) {
      // Replay what the macros printed, as the C tool prints it on every run.
      for (const m of snap.messages) (m.startsWith('I') ? (opts.onInfo ?? log) : log)(m.slice(1));
      parsed = snap;
    } else {
      // The snapshot is written from the second load on (the first one only fills the probe cache), so
      // a one-off cold run does not pay for serializing a tree it will never load again.
      const firstUse = this.probes.cold;
      parsed = this.parse(srctree, envOf, opts, log);
      if (snapFile && !firstUse)
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

  /** Lex, expand, parse and finalize the tree (the cold path). */
  private parse(
    srctree: string,
    envOf: (name: string) => string | undefined,
    opts: LoadOptions,
    log: (l: string) => void,
  ): Snapshot {
    if (this.probes.cold) {
      const pre = this.probes.startPrefetch();
      if (pre) {
        try {
          return this.parseOnce(srctree, envOf, opts, log, pre);
        } catch (e) {
          if (!(e instanceof DeferredTokenVanished)) throw e;
          // A deferred probe came back empty where conf drops the token: parse again with real values.
        }
      }
    }
    return this.parseOnce(srctree, envOf, opts, log);
  }

  /**
   * One parse. With `pre` (a cold probe cache), $(shell) commands go to the background runner and
   * answer placeholders: values that something looks at (:= variables, nested commands, error-if,
   * source paths, symbol names being defined) wait for their result; expression operands get stand-in
   * symbols that are swapped for the real ones once every probe is done.
   */
  private parseOnce(
    srctree: string,
    envOf: (name: string) => string | undefined,
    opts: LoadOptions,
    log: (l: string) => void,
    pre?: { add: (cmd: string) => void; close: () => void },
  ): Snapshot {
    const syms = new SymbolTable();
    const messages: string[] = [];
    const ids: string[] = [];
    const resolve = (t: string): string =>
      t.replace(/\x01(\d+)\x01/g, (_, i: string) => this.probes.run(ids[Number(i)]));
    const deferred: { sym: Sym; raw: string; isConst: boolean }[] = [];
    let lexer: Lexer | null = null;
    const pp: Preprocessor = new Preprocessor({
      where: () => ({ file: lexer?.file ?? '', line: lexer?.line ?? 0 }),
      env: envOf,
      shell: (cmd) => {
        if (!pre) return this.probes.run(cmd);
        cmd = resolve(cmd);
        if (pp.assigning || this.probes.has(cmd)) return this.probes.run(cmd);
        pre.add(cmd);
        ids.push(cmd);
        return `\x01${ids.length - 1}\x01`;
      },
      resolve,
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
    const deferral = pre
      ? {
          resolve,
          deferSym: (raw: string, isConst: boolean): Sym => {
            const sym = new Sym(raw, isConst ? F.CONST : 0);
            deferred.push({ sym, raw, isConst });
            return sym;
          },
        }
      : undefined;
    const parser = new Parser(lexer, pp, syms, deferral);
    try {
      const res = parser.parse('Kconfig');
      pre?.close();
      if (deferred.length) {
        const real = new Map<Sym, Sym>();
        for (const d of deferred) {
          const name = resolve(d.raw);
          if (name === '' && !d.isConst) throw new DeferredTokenVanished();
          real.set(d.sym, d.isConst ? syms.lookupConst(name) : syms.lookup(name));
        }
        swapSymbols(res.root, syms, real);
      }
      const modulesSym = res.modulesSym ?? syms.no;
      finalizeTree(res.root, modulesSym, syms);
      checkDependencyCycles(syms.all);
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
      pre?.close();
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

  /**
   * conf_read of a file already read (files.ts): its warnings in conf's order, line by line — a line conf does
   * not expect ("unexpected data") is a warning and the read carries on, as confdata.c does.
   */
  readConfig(c: ConfigFile): ReadResult {
    const unexpected: string[] = [];
    const res = this.evaluate(
      parseConfigText(c.text, c.name, (w) => unexpected.push(w)),
      c.name,
    );
    res.warnings = [...c.warnings, ...byLine([...unexpected, ...res.warnings])];
    return res;
  }

  /** Read a .config file (latin1, bytes kept) and evaluate it. */
  evaluateFile(path: string): ReadResult {
    return this.readConfig(readConfigFile(path));
  }

  /** Write the last evaluation's .config to `path`, atomically. */
  writeConfigFile(path: string): void {
    writeFileAtomic(path, Buffer.from(this.writeConfig(), 'latin1'));
  }

  /** merge_config.sh -m of base + fragment files, evaluated, with the report of what did not stick. */
  merge(base: string, fragments: string[]): MergeResult {
    const b = readConfigFile(base);
    const frags = fragments.map((f) => readConfigFile(f));
    const res = mergeAndReport(this, b, frags);
    res.warnings.unshift(...b.warnings, ...frags.flatMap((f) => f.warnings));
    res.warnings.push(...this.unmetWarnings());
    return res;
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

/** conf's `file:line:warning:` messages in line order (a stable sort: same-line warnings keep their order). */
function byLine(warnings: string[]): string[] {
  const line = (w: string) => Number(/^[^:]*:(\d+):warning:/.exec(w)?.[1] ?? 0);
  return warnings
    .map((w, i) => ({ w, i, l: line(w) }))
    .sort((a, b) => a.l - b.l || a.i - b.i)
    .map((x) => x.w);
}

/** Point every expression at the real symbols in place of the stand-ins of deferred names. */
function swapSymbols(root: MenuNode, syms: SymbolTable, real: Map<Sym, Sym>): void {
  const seen = new Set<Expr>();
  const fix = (e: Expr | null): void => {
    const stack: Expr[] = e ? [e] : [];
    while (stack.length) {
      const x = stack.pop()!;
      if (seen.has(x)) continue;
      seen.add(x);
      if (x.k === 'sym') x.s = real.get(x.s) ?? x.s;
      else if (x.k === 'cmp') {
        x.l = real.get(x.l) ?? x.l;
        x.r = real.get(x.r) ?? x.r;
      } else if (x.k === 'not') stack.push(x.e);
      else stack.push(x.l, x.r);
    }
  };
  const props = (list: Prop[]): void => {
    for (const p of list) {
      fix(p.expr);
      fix(p.visible);
      if (p.range) p.range = [real.get(p.range[0]) ?? p.range[0], real.get(p.range[1]) ?? p.range[1]];
    }
  };
  for (const s of syms.all) props(s.props);
  const walk: MenuNode[] = [root];
  while (walk.length) {
    const m = walk.pop()!;
    fix(m.dep);
    fix(m.visibility);
    if (m.prompt) props([m.prompt]);
    walk.push(...m.children);
  }
}
