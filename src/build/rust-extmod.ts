// Out-of-tree Rust modules against a linux-headers package: which files such a build reads from the kernel's
// build tree, derived from the tree's own make rules (never from a list kept here), which of them the package
// lacks, and whether the rustc at hand is the one that built the kernel (a crate's .rmeta only loads in the rustc
// that wrote it, byte for byte the same `rustc --version`). And kdk's completion of the package: bindeb-pkg's
// headers package (scripts/package/builddeb, deploy_kernel_headers) ships the top Makefile, scripts/ and include/
// but none of rust/, so kdk repacks it (dpkg-deb) with those files taken from the build.
//
// The rules read, as 6.1 writes them:
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
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { KdkError, ExitCode, inputError } from '../util/errors.js';
import { scratchDir } from '../util/scratch.js';
import { tempPathFor } from '../util/atomic.js';
import { which } from '../util/proc.js';
import { unpackHeadersDeb } from './abi/index.js';

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

/** Make's logical lines: continuations joined, each with the 1-based number of its first physical line. */
function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
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

/**
 * Derive what an external Rust module's build reads from the kernel tree at `treeDir` (a headers dir or a source
 * tree), for the kernel architecture directory `srcArch`.
 */
export function rustExtmodNeeds(treeDir: string, srcTree?: string, srcArch = 'x86'): RustNeeds {
  const needs = new Map<string, string>();
  const add = (file: string, why: string) => {
    if (!needs.has(file)) needs.set(file, why);
  };
  const read = (rel: string, base = treeDir) => {
    const p = join(base, rel);
    if (!existsSync(p)) throw inputError(`${rel} is missing: cannot read the tree's Rust build rules`, p);
    return readFileSync(p, 'utf8');
  };
  // Files every Rust object's rustc line reads: KBUILD_RUSTFLAGS of the top and the arch Makefile (6.1 names
  // rust/target.json in the first, 6.12 scripts/target.json in arch/x86/Makefile), Makefile.lib's rust_flags.
  const sources: [string, RegExp][] = [
    ['Makefile', /^KBUILD_RUSTFLAGS\s*(:=|\+=|=)/],
    [`arch/${srcArch}/Makefile`, /^KBUILD_RUSTFLAGS\s*(:=|\+=|=)/],
    ['scripts/Makefile.lib', /^(rust_flags|_rust_flags)\s*:?=/],
  ];
  for (const [rel, head] of sources) {
    if (rel.startsWith('arch/') && !existsSync(join(treeDir, rel))) continue;
    for (const l of logicalLines(read(rel)).filter((x) => head.test(x.text)))
      for (const m of l.text.matchAll(OBJTREE_FILE)) add(m[1], `${rel}:${l.line} ${m[0]}`);
  }
  // The crates a module names: scripts/Makefile.build's rust_common_cmd (--extern NAME, -L $(objtree)/DIR/).
  const build = logicalLines(read('scripts/Makefile.build')).find((x) => /^rust_common_cmd\s*=/.test(x.text));
  if (!build) throw inputError('scripts/Makefile.build has no rust_common_cmd: not a tree with Rust support');
  const libDir = /-L \$\(objtree\)\/([A-Za-z0-9_./-]+?)\/?(?: |$)/.exec(build.text)?.[1] ?? 'rust';
  const direct = [...build.text.matchAll(/--extern (\w+)/g)].map((m) => m[1]);
  const buildWhy = `scripts/Makefile.build:${build.line} rust_common_cmd: ${direct.map((c) => `--extern ${c}`).join(' ')} -L $(objtree)/${libDir}/`;
  // rust/Makefile: each target's prerequisites and --extern flags.
  const rustMk = existsSync(join(treeDir, libDir, 'Makefile'))
    ? { text: read(join(libDir, 'Makefile')), from: join(treeDir, libDir, 'Makefile') }
    : srcTree && existsSync(join(srcTree, libDir, 'Makefile'))
      ? { text: read(join(libDir, 'Makefile'), srcTree), from: join(srcTree, libDir, 'Makefile') }
      : undefined;
  if (!rustMk) {
    for (const c of direct) add(`${libDir}/lib${c}.rmeta`, buildWhy);
    return {
      needs: [...needs].map(([file, why]) => ({ file, why })),
      incomplete: `${libDir}/Makefile is not in the package (and no source tree was given): the crates ${direct.join(', ')} depend on are not listed`,
    };
  }
  const lines = logicalLines(rustMk.text);
  const rel = `${libDir}/Makefile`;
  if (!lines.some((l) => l.text.includes('patsubst %.o,lib%.rmeta'))) {
    throw inputError(`${rel}: no cmd_rustc_library --emit=metadata=...lib%.rmeta: these rules are not ones kdk reads`);
  }
  const deps = new Map<string, { deps: string[]; why: string[] }>();
  for (const l of lines) {
    const m = /^\$\(obj\)\/(\S+?):\s*(private\s+)?(.*)$/.exec(l.text);
    if (!m || m[1].includes('/')) continue;
    const e = deps.get(m[1]) ?? { deps: [], why: [] };
    deps.set(m[1], e);
    if (m[2]) {
      if (!/^rustc_target_flags\s*=/.test(m[3])) continue;
      for (const x of m[3].matchAll(/--extern (\w+)/g)) e.deps.push(`crate:${x[1]}`);
      e.why.push(`${rel}:${l.line} $(obj)/${m[1]}: private ${m[3]}`);
    } else {
      for (const x of m[3].matchAll(/\$\(obj\)\/([A-Za-z0-9_.]+)(?= |$)/g)) e.deps.push(x[1]);
      e.why.push(`${rel}:${l.line} $(obj)/${m[1]}: ${m[3].replace(/ ?FORCE$/, '')}`);
    }
  }
  // A crate name to its target: X.o (a library, leaving libX.rmeta) or libX.so (a proc macro).
  const targetOf = (crate: string) =>
    deps.has(`${crate}.o`) ? `${crate}.o` : deps.has(`lib${crate}.so`) ? `lib${crate}.so` : undefined;
  const artefact = (t: string) => (t.endsWith('.o') ? `${libDir}/lib${t.slice(0, -2)}.rmeta` : `${libDir}/${t}`);
  const seen = new Set<string>();
  const visit = (t: string, why: string) => {
    if (seen.has(t)) return;
    seen.add(t);
    add(artefact(t), why);
    const e = deps.get(t);
    if (!e) return;
    const whyHere = e.why.join('; ');
    for (const d of e.deps) {
      const dt = d.startsWith('crate:') ? targetOf(d.slice(6)) : d;
      // Only what rustc reads when a dependent crate compiles: crates' metadata, proc macros, the target spec
      // (a crate's own sources and generated bindings .rs files are inputs of its own build only).
      if (
        dt &&
        (dt.endsWith('.o') || dt.endsWith('.so') || dt.endsWith('.json')) &&
        (deps.has(dt) || dt === 'target.json')
      )
        visit(dt, whyHere);
    }
  };
  for (const c of direct) {
    const t = targetOf(c);
    if (!t) throw inputError(`${rel}: no rule for the crate '${c}' that ${buildWhy} names`);
    visit(t, buildWhy);
  }
  return { needs: [...needs].map(([file, why]) => ({ file, why })), rustMakefile: rustMk.from };
}

/** The rustc version text an .rmeta was written by (rustc's metadata header: "rust", version, offset, string). */
export function rmetaRustc(file: string): string | undefined {
  const b = readFileSync(file).subarray(0, 256);
  if (b.length < 13 || b.toString('latin1', 0, 4) !== 'rust') return undefined;
  let len = 0;
  let shift = 0;
  let i = 12;
  for (; i < b.length; i++) {
    len |= (b[i] & 0x7f) << shift;
    shift += 7;
    if (!(b[i] & 0x80)) break;
  }
  const s = b.toString('utf8', i + 1, i + 1 + len);
  return /^rustc /.test(s) ? s : undefined;
}

export type RustHeadersVerdict = 'ready' | 'no-rust' | 'incomplete' | 'toolchain-mismatch' | 'no-rustc';

export interface RustHeadersReport {
  headersDeb: string;
  release: string;
  /** CONFIG_RUST of the package's .config, and the rustc that configured it (CONFIG_RUSTC_VERSION_TEXT). */
  config: { rust: boolean; rustIsAvailable: boolean; rustcVersionText?: string; modversions: boolean };
  needs: (RustNeed & { present: boolean })[];
  missing: string[];
  incomplete?: string;
  toolchain: {
    /** The rustc on PATH (`rustc --version`), if any. */
    here?: string;
    path?: string;
    /** What the package's libcore.rmeta says wrote it (when the package has one). */
    rmeta?: string;
    kernel?: string;
    match: boolean | undefined;
  };
  verdict: RustHeadersVerdict;
  problems: string[];
}

const cfg = (config: string, sym: string) => new RegExp(`^CONFIG_${sym}=(.*)$`, 'm').exec(config)?.[1];

/** Inspect a headers dir (unpacked) for what an out-of-tree Rust module build needs. */
export function checkRustHeadersDir(dir: string, deb: string, release: string, srcTree?: string): RustHeadersReport {
  const configFile = join(dir, '.config');
  if (!existsSync(configFile)) throw inputError('the headers package has no .config', deb);
  const config = readFileSync(configFile, 'utf8');
  const text = cfg(config, 'RUSTC_VERSION_TEXT');
  const c = {
    rust: cfg(config, 'RUST') === 'y',
    rustIsAvailable: cfg(config, 'RUST_IS_AVAILABLE') === 'y',
    rustcVersionText: text ? text.replace(/^"|"$/g, '') : undefined,
    modversions: cfg(config, 'MODVERSIONS') === 'y',
  };
  const derived = rustExtmodNeeds(dir, srcTree);
  const needs = derived.needs.map((n) => ({ ...n, present: existsSync(join(dir, n.file)) }));
  const missing = needs.filter((n) => !n.present).map((n) => n.file);
  const rustc = which('rustc');
  const here = rustc
    ? (spawnSync('rustc', ['--version'], { encoding: 'utf8' }).stdout ?? '').split('\n')[0].trim() || undefined
    : undefined;
  const core = needs.find((n) => n.present && n.file.endsWith('/libcore.rmeta'));
  const rmeta = core ? rmetaRustc(join(dir, core.file)) : undefined;
  const kernel = rmeta ?? c.rustcVersionText;
  const match = here && kernel ? here === kernel : undefined;
  const problems: string[] = [];
  if (!c.rust)
    problems.push(
      `the kernel was built without Rust: CONFIG_RUST is not set in its .config` +
        (c.modversions ? ' (and CONFIG_MODVERSIONS=y, which RUST depends on being off)' : '') +
        (c.rustIsAvailable ? '' : '; RUST_IS_AVAILABLE was not y where it was configured'),
    );
  if (missing.length)
    problems.push(`the package lacks ${missing.length} file(s) the build reads: ${missing.join(', ')}`);
  if (derived.incomplete) problems.push(derived.incomplete);
  if (!here) problems.push('no rustc on PATH');
  else if (match === false)
    problems.push(
      `rustc on PATH is '${here}', the kernel's crates were built by '${kernel}': their .rmeta will not load`,
    );
  const verdict: RustHeadersVerdict = !c.rust
    ? 'no-rust'
    : missing.length || derived.incomplete
      ? 'incomplete'
      : !here
        ? 'no-rustc'
        : match === false
          ? 'toolchain-mismatch'
          : 'ready';
  return {
    headersDeb: deb,
    release,
    config: c,
    needs,
    missing,
    incomplete: derived.incomplete,
    toolchain: { here, path: rustc, rmeta, kernel: c.rustcVersionText, match },
    verdict,
    problems,
  };
}

/** `kdk oot check --rust`: unpack the package and inspect it. */
export function checkRustHeaders(deb: string, opts: { srcTree?: string } = {}): RustHeadersReport {
  const h = unpackHeadersDeb(deb);
  try {
    return checkRustHeadersDir(h.dir, deb, h.release, opts.srcTree);
  } finally {
    h.cleanup();
  }
}

/** Exit status of a report: 0 ready, 1 the package (or the toolchain match) fails, 3 no rustc at all. */
export function rustHeadersExit(r: RustHeadersReport): number {
  return r.verdict === 'ready' ? ExitCode.ok : r.verdict === 'no-rustc' ? ExitCode.environment : ExitCode.failure;
}

/**
 * kdk's completion of a headers package: `stock` (bindeb-pkg's) unpacked with `dpkg-deb -R`, the files
 * rustExtmodNeeds derives (from srcTree's rust/Makefile) copied in from `rustDir` (the build's rust/ outputs),
 * rust/Makefile itself added (so the package documents its own needs), DEBIAN/md5sums and Installed-Size brought
 * up to date, repacked (gzip) into `out` atomically.
 */
export function completeRustHeadersDeb(stock: string, rustDir: string, srcTree: string, out: string): string[] {
  if (!which('dpkg-deb')) throw new KdkError('dpkg-deb is missing', { exitCode: ExitCode.environment });
  const s = scratchDir('rust-headers');
  try {
    const root = join(s.dir, 'pkg');
    const x = spawnSync('dpkg-deb', ['-R', stock, root], { encoding: 'utf8' });
    if (x.status !== 0) throw inputError(`dpkg-deb -R: ${x.stderr.trim()}`, stock);
    const src = join(root, 'usr', 'src');
    const [hdr] = readdirSync(src).filter((d) => d.startsWith('linux-headers-'));
    if (!hdr) throw inputError('not a linux-headers package', stock);
    const dir = join(src, hdr);
    const { needs } = rustExtmodNeeds(dir, srcTree);
    const added: string[] = [];
    const put = (from: string, rel: string) => {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      copyFileSync(from, join(dir, rel));
      added.push(`usr/src/${hdr}/${rel}`);
    };
    for (const n of needs.filter((n) => !existsSync(join(dir, n.file)))) {
      const from = join(rustDir, n.file.split('/').pop()!);
      if (!existsSync(from)) throw new KdkError(`the build has no ${n.file} (${from}) to add to the headers package`);
      put(from, n.file);
    }
    put(join(srcTree, 'rust', 'Makefile'), 'rust/Makefile');
    const md5 = join(root, 'DEBIAN', 'md5sums');
    if (existsSync(md5)) {
      const sums = added
        .map(
          (f) =>
            `${createHash('md5')
              .update(readFileSync(join(root, f)))
              .digest('hex')}  ${f}\n`,
        )
        .join('');
      // writeFileSync on an existing file keeps its mode (dpkg-deb -b checks DEBIAN/'s modes).
      writeFileSync(md5, readFileSync(md5, 'utf8') + sums);
    }
    const control = join(root, 'DEBIAN', 'control');
    const kib = added.reduce((a, f) => a + Math.ceil(statSync(join(root, f)).size / 1024), 0);
    const ctl = readFileSync(control, 'utf8').replace(
      /^Installed-Size: (\d+)$/m,
      (_, n) => `Installed-Size: ${Number(n) + kib}`,
    );
    writeFileSync(control, ctl);
    const tmp = tempPathFor(out);
    const b = spawnSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '-b', root, tmp], { encoding: 'utf8' });
    if (b.status !== 0) {
      rmSync(tmp, { force: true });
      throw new KdkError(`dpkg-deb -b failed: ${b.stderr.trim()}`);
    }
    renameSync(tmp, out);
    return added;
  } finally {
    s.release();
  }
}
