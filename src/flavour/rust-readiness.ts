// Can RUST be enabled on this tree with this machine's toolchain? The tree answers itself: init/Kconfig's
// RUST_IS_AVAILABLE is `$(success,$(srctree)/scripts/rust_is_available.sh)`, so the script is run as that probe runs
// it (make's exported environment, its exit status the verdict). Each tool is also measured on its own against
// scripts/min-tool-version.sh, so the report says why in versions ("rustc 1.63.0 found, this tree wants 1.78.0 or
// newer") and names every missing piece, where the script stops at the first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { makeEnv, type MakeEnv } from '../kconfig/index.js';
import { kernelArch } from '../util/arch.js';

/** Debian (bookworm) packages giving the kernel's Rust toolchain: bindgen loads libclang at run time (no Depends). */
export const DEBIAN_RUST_PACKAGES = ['rustc', 'bindgen', 'rust-src', 'libclang1-14'];

export type RustToolStatus = 'ok' | 'missing' | 'too-old' | 'failed' | 'unchecked';

export interface RustTool {
  /** The command as make names it (RUSTC=rustc, BINDGEN=bindgen; libclang: the one bindgen loads). */
  command: string;
  /** Where PATH finds it. */
  path?: string;
  /** The version found (x.y.z). */
  found?: string;
  /** scripts/min-tool-version.sh's minimum for this tree. */
  wants?: string;
  status: RustToolStatus;
  /** The tool's own failure message (bindgen's "Unable to find libclang: ..."). */
  detail?: string;
}

export interface RustReadiness {
  /** False when the tree has no scripts/rust_is_available.sh (kernels before 6.1): nothing else is filled. */
  checked: boolean;
  /** The tree's own verdict: rust_is_available.sh run as the RUST_IS_AVAILABLE probe runs it exited 0. */
  available: boolean;
  tools: { rustc: RustTool; bindgen: RustTool; libclang: RustTool; rustSrc: { path?: string; found: boolean } };
  /** Why RUST cannot be enabled (empty when available). */
  reasons: string[];
  /** What the tree's script warns about and still accepts (6.1: a rustc newer than the one it was written for). */
  warnings: string[];
  /** The script's exit status and its own words (stderr). */
  script: { exitCode: number; messages: string };
  /** RUST_IS_AVAILABLE and RUST in the evaluated .config (set by the flavour). */
  config?: { RUST_IS_AVAILABLE: string; RUST: string };
}

/** rust_is_available.sh's get_canonical_version (one more digit than the other version scripts). */
const canonical = (v: string): number => {
  const [a = 0, b = 0, c = 0] = v.split('.').map(Number);
  return 100000 * a + 100 * b + c;
};

function which(cmd: string, path: string): string | undefined {
  if (cmd.includes('/')) return existsSync(cmd) ? cmd : undefined;
  for (const d of path.split(delimiter)) {
    const p = join(d || '.', cmd);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

interface Ran {
  code: number;
  out: string;
  err: string;
}

/** Measure the tree's Rust requirements against the toolchain PATH finds (process.env, as the probes see it). */
export function rustReadiness(tree: string, arch: string): RustReadiness {
  const scriptPath = join(tree, 'scripts', 'rust_is_available.sh');
  const unchecked: RustTool = { command: '', status: 'unchecked' };
  const tools = {
    rustc: { ...unchecked, command: 'rustc' },
    bindgen: { ...unchecked, command: 'bindgen' },
    libclang: { ...unchecked, command: 'libclang' },
    rustSrc: { found: false } as { path?: string; found: boolean },
  };
  if (!existsSync(scriptPath)) {
    return {
      checked: false,
      available: false,
      tools,
      reasons: [],
      warnings: [],
      script: { exitCode: -1, messages: '' },
    };
  }
  const env: MakeEnv = { ...makeEnv(tree, kernelArch(arch)) };
  const fullEnv = { ...process.env, ...env, LC_ALL: 'C' };
  // The probes run in a scratch directory (probes.ts); so does this, so a stray file in the cwd changes nothing.
  const cwd = mkdtempSync(join(tmpdir(), 'kdk-rust-'));
  const sh = (file: string, args: string[]): Ran => {
    const r = spawnSync(file, args, { cwd, env: fullEnv, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status ?? 1, out: r.stdout ?? '', err: r.stderr ?? '' };
  };
  try {
    const verdict = sh(scriptPath, []);
    const minimum = (tool: string) => sh(join(tree, 'scripts', 'min-tool-version.sh'), [tool]).out.trim() || undefined;
    const path = process.env.PATH ?? '';
    const reasons: string[] = [];
    const version = (tool: RustTool, text: string, re: RegExp) => {
      tool.found = re.exec(text)?.[1];
      if (!tool.found) {
        tool.status = 'failed';
        tool.detail = text.trim().split('\n').slice(0, 3).join('\n');
      } else tool.status = tool.wants && canonical(tool.found) < canonical(tool.wants) ? 'too-old' : 'ok';
    };
    const tooOld = (t: RustTool, what: string) =>
      `${what} ${t.found} found (${t.path}), this tree wants ${t.wants} or newer (scripts/min-tool-version.sh)`;

    const rustc = tools.rustc;
    rustc.command = env.RUSTC;
    rustc.path = which(env.RUSTC, path);
    rustc.wants = minimum('rustc');
    if (!rustc.path) rustc.status = 'missing';
    else version(rustc, sh(rustc.path, ['--version']).out, /rustc ([0-9]+\.[0-9]+\.[0-9]+)/);

    const bindgen = tools.bindgen;
    bindgen.command = env.BINDGEN;
    bindgen.path = which(env.BINDGEN, path);
    bindgen.wants = minimum('bindgen');
    // The tree's own spelling: newer scripts add a dummy argument for bindgen 0.69.0's --version bug.
    const dummy = readFileSync(scriptPath, 'utf8').includes('workaround-for-0.69.0') ? ['workaround-for-0.69.0'] : [];
    if (!bindgen.path) bindgen.status = 'missing';
    else version(bindgen, sh(bindgen.path, ['--version', ...dummy]).out, /bindgen ([0-9]+\.[0-9]+\.[0-9]+)/);

    const libclang = tools.libclang;
    libclang.wants = minimum('llvm');
    if (bindgen.path) {
      const header = join(tree, 'scripts', 'rust_is_available_bindgen_libclang.h');
      const r = sh(bindgen.path, [header]);
      if (r.code !== 0) {
        libclang.status = 'failed';
        // bindgen's panic names what it tried; the first line is the useful part.
        libclang.detail = (/panicked at '([^\n]*)/.exec(r.err)?.[1] ?? r.err.trim()).slice(0, 400);
      } else version(libclang, r.err, /clang version ([0-9]+\.[0-9]+\.[0-9]+)/);
    }

    if (rustc.path) {
      const sysroot = sh(rustc.path, [
        ...(process.env.KRUSTFLAGS ?? '').split(/\s+/).filter(Boolean),
        '--print',
        'sysroot',
      ]);
      const src = process.env.RUST_LIB_SRC || join(sysroot.out.trim(), 'lib', 'rustlib', 'src', 'rust', 'library');
      tools.rustSrc.path = join(src, 'core', 'src', 'lib.rs');
      tools.rustSrc.found = sysroot.code === 0 && existsSync(tools.rustSrc.path);
    }

    if (rustc.status === 'missing') reasons.push(`Rust compiler '${rustc.command}' not found on PATH`);
    if (rustc.status === 'too-old') reasons.push(tooOld(rustc, 'rustc'));
    if (rustc.status === 'failed') reasons.push(`'${rustc.path} --version' gave no version: ${rustc.detail}`);
    if (bindgen.status === 'missing') reasons.push(`Rust bindings generator '${bindgen.command}' not found on PATH`);
    if (bindgen.status === 'too-old') reasons.push(tooOld(bindgen, 'bindgen'));
    if (bindgen.status === 'failed') reasons.push(`'${bindgen.path} --version' gave no version: ${bindgen.detail}`);
    if (libclang.status === 'failed') reasons.push(`bindgen could not use libclang: ${libclang.detail}`);
    if (libclang.status === 'too-old')
      reasons.push(`libclang ${libclang.found} (used by bindgen), this tree wants ${libclang.wants} or newer`);
    if (rustc.path && !tools.rustSrc.found)
      reasons.push(`the Rust core library source (rust-src) is not at ${tools.rustSrc.path}`);
    const available = verdict.code === 0;
    // The script is the verdict; should it refuse for a reason not measured above, its own words say why.
    if (!available && reasons.length === 0)
      reasons.push(`scripts/rust_is_available.sh exited ${verdict.code}: ${verdict.err.trim().slice(0, 400)}`);
    if (available) reasons.length = 0;

    const warnings: string[] = [];
    for (const [t, what, label] of [
      [rustc, 'Rust compiler', 'rustc'],
      [bindgen, 'Rust bindings generator', 'bindgen'],
    ] as const) {
      if (verdict.err.includes(`${what} '${t.command}' is too new`))
        warnings.push(
          `${label} ${t.found} found, this tree wants ${t.wants} (its script warns: "may or may not work")`,
        );
    }
    return {
      checked: true,
      available,
      tools,
      reasons,
      warnings,
      script: { exitCode: verdict.code, messages: verdict.err },
    };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** One line for the flavour's text output. */
export function rustSummary(r: RustReadiness): string {
  if (!r.checked) return 'no scripts/rust_is_available.sh in this tree (no Rust support)';
  const t = r.tools;
  const found = [`rustc ${t.rustc.found ?? t.rustc.status}`, `bindgen ${t.bindgen.found ?? t.bindgen.status}`];
  if (t.libclang.found) found.push(`libclang ${t.libclang.found}`);
  const cfg = r.config ? `; RUST=${r.config.RUST}` : '';
  return r.available
    ? `available (${found.join(', ')}, rust-src found)${cfg}`
    : `not available: ${r.reasons.join('; ')}${cfg}`;
}
