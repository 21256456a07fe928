// The kernel a sweep runs on, from `--kernel`: a bzImage (a kdk cache entry keeps its .config beside it; a build
// tree's arch/x86/boot/bzImage has it three levels up) or a build directory (`make O=` output, or a kdk cache
// entry). What the sweep needs of it: the image to boot, its .config (what the bundles' requirements are checked
// against), its release (the version the bundles' `fixedIn` is compared with), its source tree when the build
// directory names one (its UAPI headers), and a content hash that keys the saved results.
import { closeSync, existsSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { hashFile } from '../util/cache.js';
import { inputError } from '../util/errors.js';
import { archFacts, type GuestArch } from '../util/arch.js';

export interface SweepKernel {
  bzImage: string;
  /** The kernel's .config, when found (or given). */
  config?: string;
  /** `uname -r` of the kernel: from the build's kernel.release, else the x86 boot header's version string. */
  release?: string;
  /** The source tree a `make O=` build directory links to (its `source` link). */
  srcTree?: string;
  /** sha256 of the image: the kernel's identity in saved results. */
  hash: string;
}

const firstExisting = (...paths: string[]) => paths.find((p) => existsSync(p));

/**
 * The version string of an x86 bzImage (boot protocol 2.00+: the setup header's `kernel_version` field at 0x20e
 * points, less 0x200, at "6.1.176 (user@host) #1 ..."): the release is its first word.
 */
export function bzImageRelease(path: string): string | undefined {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(0x8000);
    const n = readSync(fd, head, 0, head.length, 0);
    if (n < 0x210 || head.toString('latin1', 0x202, 0x206) !== 'HdrS') return undefined;
    const at = head.readUInt16LE(0x20e) + 0x200;
    if (at >= n) return undefined;
    const text = head.toString('latin1', at, Math.min(n, at + 256)).split('\0')[0];
    const release = /^(\S+)/.exec(text)?.[1];
    return release && /^[\w.+~-]{1,64}$/.test(release) ? release : undefined;
  } finally {
    closeSync(fd);
  }
}

function readRelease(file: string | undefined): string | undefined {
  if (!file) return undefined;
  const r = readFileSync(file, 'utf8').trim();
  return /^[\w.+~-]{1,64}$/.test(r) ? r : undefined;
}

export async function resolveSweepKernel(
  kernel: string,
  arch: GuestArch,
  opts: { config?: string; release?: string } = {},
): Promise<SweepKernel> {
  if (!existsSync(kernel)) throw inputError('kernel not found (--kernel: a bzImage or a build directory)', kernel);
  const isDir = statSync(kernel).isDirectory();
  const image = archFacts(arch).image;
  const bzImage = isDir ? firstExisting(join(kernel, 'bzImage'), join(kernel, image)) : kernel;
  if (!bzImage) throw inputError(`build directory has no bzImage (nor ${image})`, kernel);
  // Where the .config is: the directory itself, beside the image (a kdk cache entry), or the build tree's top.
  const buildTop = isDir
    ? kernel
    : [dirname(kernel), join(dirname(kernel), '..', '..', '..')].find((d) => existsSync(join(d, '.config')));
  const config = opts.config ?? firstExisting(...(buildTop ? [join(buildTop, '.config')] : []));
  if (opts.config && !existsSync(opts.config)) throw inputError('kernel config not found (--config)', opts.config);
  const releaseFile = buildTop && firstExisting(join(buildTop, 'include', 'config', 'kernel.release'));
  // bzImageRelease reads x86's boot header only where its 'HdrS' magic is: other images give undefined.
  const release = opts.release ?? readRelease(releaseFile) ?? bzImageRelease(bzImage);
  const source = buildTop && join(buildTop, 'source');
  const srcTree = source && existsSync(join(source, 'Makefile')) ? realpathSync(source) : undefined;
  // Absolute, as the runner names the kernel of each run: a recorded sweep files its verdicts under the same name.
  return { bzImage: resolve(bzImage), config, release, srcTree, hash: await hashFile(bzImage) };
}
