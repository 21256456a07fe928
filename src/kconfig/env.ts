// The environment `make ARCH=... olddefconfig` gives scripts/kconfig/conf (top Makefile exports):
// ARCH/SRCARCH, the toolchain names with CROSS_COMPILE, srctree, KERNELVERSION and CC_VERSION_TEXT.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { srcArch } from '../util/arch.js';

export interface MakeEnv {
  [name: string]: string;
}

/** KERNELVERSION from the VERSION/PATCHLEVEL/SUBLEVEL/EXTRAVERSION lines of the top Makefile. */
export function kernelVersion(srctree: string): string {
  const mk = join(srctree, 'Makefile');
  if (!existsSync(mk)) return ''; // a bare Kconfig tree (tests, out-of-kernel users): no version
  const text = readFileSync(mk, 'utf8');
  const get = (k: string): string => new RegExp(`^${k}\\s*=[ \\t]*(.*)$`, 'm').exec(text)?.[1].trim() ?? '';
  const [v, p, s, e] = ['VERSION', 'PATCHLEVEL', 'SUBLEVEL', 'EXTRAVERSION'].map(get);
  return `${v}${p ? `.${p}${s ? `.${s}` : ''}` : ''}${e}`;
}

/** The variables make exports, minus CC_VERSION_TEXT (which needs the compiler; see probes.ts). */
export function makeEnv(srctree: string, arch: string, crossCompile = ''): MakeEnv {
  const cc = crossCompile;
  return {
    ARCH: arch,
    SRCARCH: srcArch(arch),
    CROSS_COMPILE: cc,
    KERNELVERSION: kernelVersion(srctree),
    srctree,
    objtree: '.',
    CC: `${cc}gcc`,
    LD: `${cc}ld`,
    AR: `${cc}ar`,
    NM: `${cc}nm`,
    OBJCOPY: `${cc}objcopy`,
    OBJDUMP: `${cc}objdump`,
    READELF: `${cc}readelf`,
    STRIP: `${cc}strip`,
    PAHOLE: 'pahole',
    RUSTC: 'rustc',
    BINDGEN: 'bindgen',
    HOSTCC: 'gcc',
    HOSTCXX: 'g++',
    CONFIG_SHELL: 'sh',
    LC_COLLATE: 'C',
    LC_NUMERIC: 'C',
  };
}

/** Tools whose identity (path, size, mtime) keys the probe cache. */
export const TOOL_VARS = ['CC', 'LD', 'AR', 'NM', 'OBJCOPY', 'PAHOLE', 'RUSTC', 'BINDGEN', 'HOSTCC'];
