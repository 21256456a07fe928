// Secure Boot signing with the user's key: the kernel image with sbsign (checked with sbverify), each module with
// the kernel tree's own scripts/sign-file (checked with openssl cms against the certificate). An image that
// already carries signatures (Debian's, when a stock kernel is re-signed) has them removed with sbattach first.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cacheDir, hashOf } from '../util/cache.js';
import { envError, inputError, KdkError } from '../util/errors.js';
import { splitModuleSignature, unsignedModule } from './module-sig.js';
import { kernelImageInfo } from './efi-image.js';

function tool(cmd: string, args: string[], pkg: string, input?: Buffer) {
  const r = spawnSync(cmd, args, { encoding: 'buffer', input, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw envError(`cannot run ${cmd}: ${r.error.message}`, `apt-get install -y ${pkg}`);
  return { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** The number of signatures in a PE image's certificate table (sbverify --list). */
export function imageSignatures(image: string): number {
  const r = tool('sbverify', ['--list', image], 'sbsigntool');
  return [...r.stdout.matchAll(/^signature \d+/gm)].length;
}

/** Sign `image` into `out` with sbsign; returns how many old signatures were removed. */
export function signKernelImage(image: string, key: string, cert: string, out: string): { removed: number } {
  const info = kernelImageInfo(image);
  if (!info.efi) {
    throw new KdkError(
      'the kernel image is no EFI application: Secure Boot firmware cannot start it (CONFIG_EFI_STUB)',
      {
        file: image,
        exitCode: 1,
      },
    );
  }
  mkdirSync(dirname(out), { recursive: true });
  const work = `${out}.unsigned`;
  copyFileSync(image, work);
  let removed = 0;
  while (imageSignatures(work) > 0) {
    const r = tool('sbattach', ['--remove', work], 'sbsigntool');
    if (r.status !== 0)
      throw new KdkError(`sbattach --remove failed: ${r.stderr.trim()}`, { file: image, exitCode: 1 });
    removed++;
  }
  const s = tool('sbsign', ['--key', key, '--cert', cert, '--output', out, work], 'sbsigntool');
  spawnSync('rm', ['-f', work]);
  if (s.status !== 0) throw inputError(`sbsign failed: ${s.stderr.trim()}`, image);
  const v = tool('sbverify', ['--cert', cert, out], 'sbsigntool');
  if (v.status !== 0)
    throw new KdkError(`sbverify does not accept the signed image: ${v.stderr.trim()}`, { file: out, exitCode: 1 });
  return { removed };
}

/**
 * The tree's own scripts/sign-file: the build's compiled one when there is one, else compiled once from the
 * source tree's scripts/sign-file.c (against libssl-dev) into the cache, keyed by its source.
 */
export function signFileTool(opts: { buildDir?: string; srctree: string }): string {
  if (opts.buildDir && existsSync(join(opts.buildDir, 'scripts', 'sign-file')))
    return join(opts.buildDir, 'scripts', 'sign-file');
  const src = join(opts.srctree, 'scripts', 'sign-file.c');
  if (!existsSync(src)) throw inputError('no scripts/sign-file.c in the kernel tree', opts.srctree);
  const out = join(cacheDir('kernels'), `sign-file-${hashOf(readFileSync(src)).slice(0, 16)}`);
  if (!existsSync(out)) {
    const tmp = `${out}.tmp-${process.pid}`;
    const r = tool('gcc', ['-O2', '-I', join(opts.srctree, 'scripts'), '-o', tmp, src, '-lcrypto'], 'gcc libssl-dev');
    if (r.status !== 0)
      throw envError(`compiling ${src} failed: ${r.stderr.trim()}`, 'apt-get install -y gcc libssl-dev');
    spawnSync('mv', [tmp, out]);
  }
  return out;
}

/** Check a module's appended signature with openssl against `cert` (the kernel's own check, done on the host). */
export function moduleSignedBy(module: string, cert: string): boolean {
  const sig = splitModuleSignature(readFileSync(module));
  if (!sig) return false;
  const dir = `${module}.verify-${process.pid}`;
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(join(dir, 'content'), sig.content);
    writeFileSync(join(dir, 'sig'), sig.pkcs7);
    const r = spawnSync(
      'openssl',
      [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        join(dir, 'sig'),
        '-content',
        join(dir, 'content'),
        '-certfile',
        cert,
        '-nointern',
        '-noverify',
        '-out',
        '/dev/null',
      ],
      { encoding: 'utf8' },
    );
    return r.status === 0;
  } finally {
    spawnSync('rm', ['-rf', dir]);
  }
}

export function findModules(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ko') && statSync(p).isFile()) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Sign every module under `modulesDir` into the same relative path under `outDir`. */
export function signModules(o: {
  modulesDir: string;
  outDir: string;
  key: string;
  cert: string;
  signFile: string;
  hash?: string;
}): { path: string; removedOld: boolean }[] {
  const done: { path: string; removedOld: boolean }[] = [];
  for (const m of findModules(o.modulesDir)) {
    const rel = relative(o.modulesDir, m);
    const target = join(o.outDir, rel);
    mkdirSync(dirname(target), { recursive: true });
    const bytes = readFileSync(m);
    const plain = unsignedModule(m);
    writeFileSync(target, plain);
    const r = tool(o.signFile, [o.hash ?? 'sha256', o.key, o.cert, target], 'the kernel tree (scripts/sign-file)');
    if (r.status !== 0) throw inputError(`sign-file failed: ${r.stderr.trim()}`, m);
    if (!moduleSignedBy(target, o.cert)) {
      throw new KdkError('the signed module does not verify against the certificate', { file: target, exitCode: 1 });
    }
    done.push({ path: rel, removedOld: plain.length !== bytes.length });
  }
  return done;
}
