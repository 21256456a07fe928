// Out-of-tree modules built the way a user's DKMS builds them against a flavour: the linux-headers .deb unpacked
// with `dpkg-deb -x` into a scratch root, and `make -C usr/src/linux-headers-<release> M=<module dir> modules`
// on a scratch copy of the module's source (the user's directory is never written). The .ko files and the
// modules' Module.symvers are published into the output directory atomically.
import { copyFileSync, cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inputError, KdkError, ExitCode } from '../util/errors.js';
import { replaceDirAtomic } from '../util/atomic.js';
import { scratchDir } from '../util/scratch.js';
import { unpackHeadersDeb } from './abi/index.js';
import { runMake } from './make.js';
import { extractBuildErrors } from './errors.js';
import { checkRustHeadersDir } from './rust-extmod.js';

export interface OotRequest {
  headersDeb: string;
  moduleDir: string;
  outDir: string;
  jobs?: number;
}

export interface OotResult {
  /** The kernel release the headers are for (what the modules' vermagic says). */
  release: string;
  /** The built modules in outDir. */
  modules: string[];
  outDir: string;
  wallSeconds: number;
}

function kosIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ko'))
    .sort();
}

export async function buildOutOfTree(req: OotRequest): Promise<OotResult> {
  const src = resolve(req.moduleDir);
  if (!existsSync(src) || !statSync(src).isDirectory()) throw inputError(`not a directory: ${req.moduleDir}`);
  if (!['Kbuild', 'Makefile'].some((f) => existsSync(join(src, f))))
    throw inputError(`${req.moduleDir} has neither Kbuild nor Makefile (obj-m := name.o)`);
  const start = Date.now();
  const headers = unpackHeadersDeb(req.headersDeb);
  const work = scratchDir('oot');
  try {
    const m = join(work.dir, 'module');
    // Symlinks stay links (never followed out of the user's tree into ours).
    cpSync(src, m, { recursive: true, verbatimSymlinks: true });
    const r = await runMake(['-C', headers.dir, `M=${m}`, `-j${req.jobs ?? 2}`, 'modules'], {
      env: { ...process.env, LC_ALL: 'C' },
      timeoutMs: 30 * 60_000,
    });
    if (r.code !== 0) {
      // A Rust module: rustc's words first, then what `kdk oot check --rust` finds wrong with the package.
      const rust = readdirSync(m, { recursive: true, encoding: 'utf8' }).some((f) => f.endsWith('.rs'))
        ? checkRustHeadersDir(headers.dir, req.headersDeb, headers.release).problems
        : [];
      const why = rust.length
        ? `\nout-of-tree Rust modules against this package:\n${rust.map((p) => `- ${p}`).join('\n')}`
        : '';
      throw new KdkError(
        `out-of-tree build failed (make exit ${r.code ?? r.signal}):\n${extractBuildErrors(r.output)}${why}`,
        { exitCode: ExitCode.failure },
      );
    }
    const kos = kosIn(m);
    if (!kos.length) throw new KdkError(`make built no .ko in ${req.moduleDir}`, { exitCode: ExitCode.failure });
    replaceDirAtomic(resolve(req.outDir), (tmp) => {
      for (const k of kos) copyFileSync(join(m, k), join(tmp, k.split('/').pop()!));
      if (existsSync(join(m, 'Module.symvers'))) copyFileSync(join(m, 'Module.symvers'), join(tmp, 'Module.symvers'));
    });
    return {
      release: headers.release,
      modules: kos.map((k) => join(resolve(req.outDir), k.split('/').pop()!)),
      outDir: resolve(req.outDir),
      wallSeconds: (Date.now() - start) / 1000,
    };
  } finally {
    work.release();
    headers.cleanup();
  }
}
