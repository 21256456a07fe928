// Out-of-tree Rust modules against a linux-headers package: which files such a build reads from the kernel's
// build tree, derived from the tree's own make rules (never from a list kept here), which of them the package
// lacks, and whether the rustc at hand is the one that built the kernel (a crate's .rmeta only loads in the rustc
// that wrote it, byte for byte the same `rustc --version`). And kdk's completion of the package: bindeb-pkg's
// headers package (scripts/package/builddeb, deploy_kernel_headers) ships the top Makefile, scripts/ and include/
// but none of rust/, so kdk repacks it (dpkg-deb) with those files taken from the build.
// What such a build reads is derived in rust-extmod-needs.ts.
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
import { rustExtmodNeeds, type RustNeed } from './rust-extmod-needs.js';

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
