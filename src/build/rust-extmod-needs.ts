// Which files an out-of-tree Rust module's build reads from the kernel's build tree, derived from the tree's own
// make rules (never from a list kept here). The rules read, as 6.1 writes them:
// - scripts/Makefile.build `rust_common_cmd`: a module's rustc line, `--extern alloc --extern kernel` with
//   `-L $(objtree)/rust/`: the crates a module names directly, found in that directory;
// - the top Makefile's `KBUILD_RUSTFLAGS` (`--target=$(objtree)/rust/target.json`) and scripts/Makefile.lib's
//   `rust_flags` (`@$(objtree)/include/generated/rustc_cfg`): files every Rust object's rustc line reads;
// - rust/Makefile: each crate's rule (`$(obj)/kernel.o: ... $(obj)/alloc.o $(obj)/libmacros.so $(obj)/bindings.o`,
//   `private rustc_target_flags = --extern ...`) and `cmd_rustc_library`'s `--emit=metadata=...lib%.rmeta`: a
//   crate X.o leaves rust/libX.rmeta, which rustc loads for every crate depending on X, directly or not.
//   rust/Makefile is not in bindeb-pkg's package either: it is read from the package when there (kdk's completed
//   package carries it), else from a source tree of the same kernel (`srcTree`), else the transitive part is
//   reported as not derivable.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../util/errors.js';

export interface RustNeed {
  /** Relative to the kernel's build tree (the headers package's usr/src/linux-headers-<release>/). */
  file: string;
  /** The make rule that names it: `file:line` and the words. */
  why: string;
}

export interface RustNeeds {
  needs: RustNeed[];
  /** Set when the transitive crates could not be derived (rust/Makefile nowhere to read), saying so. */
  incomplete?: string;
  /** Where rust/Makefile was read (the package, the source tree), when it was. */
  rustMakefile?: string;
}

interface LogicalLine {
  line: number;
  text: string;
}

/** Make's logical lines: continuations joined, each with the 1-based number of its first physical line. */
function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const phys = text.split('\n');
  for (let i = 0; i < phys.length; i++) {
    const start = i + 1;
    let l = phys[i];
    while (l.endsWith('\\') && i + 1 < phys.length) l = l.slice(0, -1) + ' ' + phys[++i];
    out.push({ line: start, text: l.replace(/\s+/g, ' ').trim() });
  }
  return out;
}

const OBJTREE_FILE = /@?\$\(objtree\)\/([A-Za-z0-9_./-]+\.(?:json|rmeta|so)|include\/generated\/[A-Za-z0-9_]+)/g;

type Add = (file: string, why: string) => void;

function readRule(rel: string, base: string): string {
  const p = join(base, rel);
  if (!existsSync(p)) throw inputError(`${rel} is missing: cannot read the tree's Rust build rules`, p);
  return readFileSync(p, 'utf8');
}

/**
 * Files every Rust object's rustc line reads: KBUILD_RUSTFLAGS of the top and the arch Makefile (6.1 names
 * rust/target.json in the first, 6.12 scripts/target.json in arch/x86/Makefile), Makefile.lib's rust_flags.
 */
function addFlagFiles(treeDir: string, srcArch: string, add: Add): void {
  const sources: [string, RegExp][] = [
    ['Makefile', /^KBUILD_RUSTFLAGS\s*(:=|\+=|=)/],
    [`arch/${srcArch}/Makefile`, /^KBUILD_RUSTFLAGS\s*(:=|\+=|=)/],
    ['scripts/Makefile.lib', /^(rust_flags|_rust_flags)\s*:?=/],
  ];
  for (const [rel, head] of sources) {
    if (rel.startsWith('arch/') && !existsSync(join(treeDir, rel))) continue;
    for (const l of logicalLines(readRule(rel, treeDir)).filter((x) => head.test(x.text)))
      for (const m of l.text.matchAll(OBJTREE_FILE)) add(m[1], `${rel}:${l.line} ${m[0]}`);
  }
}

interface ModuleLine {
  /** The crates a module names itself (`--extern NAME`). */
  direct: string[];
  /** The directory they are found in (`-L $(objtree)/DIR/`). */
  libDir: string;
  why: string;
}

/** A module's own rustc line: scripts/Makefile.build's rust_common_cmd. */
function moduleLine(treeDir: string): ModuleLine {
  const build = logicalLines(readRule('scripts/Makefile.build', treeDir)).find((x) =>
    /^rust_common_cmd\s*=/.test(x.text),
  );
  if (!build) throw inputError('scripts/Makefile.build has no rust_common_cmd: not a tree with Rust support');
  const libDir = /-L \$\(objtree\)\/([A-Za-z0-9_./-]+?)\/?(?: |$)/.exec(build.text)?.[1] ?? 'rust';
  const direct = [...build.text.matchAll(/--extern (\w+)/g)].map((m) => m[1]);
  const externs = direct.map((c) => `--extern ${c}`).join(' ');
  return {
    direct,
    libDir,
    why: `scripts/Makefile.build:${build.line} rust_common_cmd: ${externs} -L $(objtree)/${libDir}/`,
  };
}

/** rust/Makefile's text: from the tree when it carries one, else from the source tree, else undefined. */
function findRustMakefile(
  treeDir: string,
  libDir: string,
  srcTree?: string,
): { text: string; from: string } | undefined {
  const rel = join(libDir, 'Makefile');
  for (const base of [treeDir, srcTree]) {
    if (base && existsSync(join(base, rel))) return { text: readRule(rel, base), from: join(base, rel) };
  }
  return undefined;
}

type CrateRules = Map<string, { deps: string[]; why: string[] }>;

/** Each `$(obj)/TARGET:` rule of rust/Makefile: its prerequisites and its private --extern flags. */
function crateRules(lines: LogicalLine[], rel: string): CrateRules {
  if (!lines.some((l) => l.text.includes('patsubst %.o,lib%.rmeta'))) {
    throw inputError(`${rel}: no cmd_rustc_library --emit=metadata=...lib%.rmeta: these rules are not ones kdk reads`);
  }
  const rules: CrateRules = new Map();
  for (const l of lines) {
    const m = /^\$\(obj\)\/(\S+?):\s*(private\s+)?(.*)$/.exec(l.text);
    if (!m || m[1].includes('/')) continue;
    const e = rules.get(m[1]) ?? { deps: [], why: [] };
    rules.set(m[1], e);
    if (m[2]) {
      if (!/^rustc_target_flags\s*=/.test(m[3])) continue;
      for (const x of m[3].matchAll(/--extern (\w+)/g)) e.deps.push(`crate:${x[1]}`);
      e.why.push(`${rel}:${l.line} $(obj)/${m[1]}: private ${m[3]}`);
    } else {
      for (const x of m[3].matchAll(/\$\(obj\)\/([A-Za-z0-9_.]+)(?= |$)/g)) e.deps.push(x[1]);
      e.why.push(`${rel}:${l.line} $(obj)/${m[1]}: ${m[3].replace(/ ?FORCE$/, '')}`);
    }
  }
  return rules;
}

/** Walk from the crates a module names to everything rustc loads for them, adding each one's artefact. */
function addCrateClosure(rules: CrateRules, mod: ModuleLine, rel: string, add: Add): void {
  // A crate name to its target: X.o (a library, leaving libX.rmeta) or libX.so (a proc macro).
  const targetOf = (crate: string) =>
    rules.has(`${crate}.o`) ? `${crate}.o` : rules.has(`lib${crate}.so`) ? `lib${crate}.so` : undefined;
  const artefact = (t: string) =>
    t.endsWith('.o') ? `${mod.libDir}/lib${t.slice(0, -2)}.rmeta` : `${mod.libDir}/${t}`;
  // Only what rustc reads when a dependent crate compiles: crates' metadata, proc macros, the target spec
  // (a crate's own sources and generated bindings .rs files are inputs of its own build only).
  const loaded = (t: string) => /\.(o|so|json)$/.test(t) && (rules.has(t) || t === 'target.json');
  const seen = new Set<string>();
  const visit = (t: string, why: string) => {
    if (seen.has(t)) return;
    seen.add(t);
    add(artefact(t), why);
    const e = rules.get(t);
    if (!e) return;
    for (const d of e.deps) {
      const dt = d.startsWith('crate:') ? targetOf(d.slice(6)) : d;
      if (dt && loaded(dt)) visit(dt, e.why.join('; '));
    }
  };
  for (const c of mod.direct) {
    const t = targetOf(c);
    if (!t) throw inputError(`${rel}: no rule for the crate '${c}' that ${mod.why} names`);
    visit(t, mod.why);
  }
}

/**
 * Derive what an external Rust module's build reads from the kernel tree at `treeDir` (a headers dir or a source
 * tree), for the kernel architecture directory `srcArch`.
 */
export function rustExtmodNeeds(treeDir: string, srcTree?: string, srcArch = 'x86'): RustNeeds {
  const needs = new Map<string, string>();
  const add: Add = (file, why) => {
    if (!needs.has(file)) needs.set(file, why);
  };
  const list = () => [...needs].map(([file, why]) => ({ file, why }));
  addFlagFiles(treeDir, srcArch, add);
  const mod = moduleLine(treeDir);
  const rustMk = findRustMakefile(treeDir, mod.libDir, srcTree);
  if (!rustMk) {
    for (const c of mod.direct) add(`${mod.libDir}/lib${c}.rmeta`, mod.why);
    return {
      needs: list(),
      incomplete: `${mod.libDir}/Makefile is not in the package (and no source tree was given): the crates ${mod.direct.join(', ')} depend on are not listed`,
    };
  }
  const rel = `${mod.libDir}/Makefile`;
  addCrateClosure(crateRules(logicalLines(rustMk.text), rel), mod, rel, add);
  return { needs: list(), rustMakefile: rustMk.from };
}
