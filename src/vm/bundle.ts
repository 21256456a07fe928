// A reproducer bundle, laid out like a syzbot bug page: bug.json (title, kernel, compiler), .config, repro.c and
// optionally the kernel (bzImage, vmlinux) and a disk image. bug.json is external data: validated with zod,
// errors name the file and the field.
import { existsSync, lstatSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { inputError } from '../util/errors.js';
import { readJsonFile } from '../util/json-file.js';
import { MAX_TIMEOUT_S } from './limits.js';
import { guestArchOf, guestNames } from '../util/arch.js';

// One option, or alternatives joined by `||` (the bundle needs any one of them).
const ONE_REQUIRE = String.raw`(CONFIG_)?[A-Za-z0-9_]{1,100}(=[A-Za-z0-9_"./-]{0,200})?`;
const REQUIRE_RE = new RegExp(`^${ONE_REQUIRE}( \\|\\| ${ONE_REQUIRE}){0,7}$`);
const SHA_RE = /^[0-9a-f]{7,40}$/;
const VERSION_RE = /^\d+\.\d+(\.\d+)?(-rc\d+)?$/;

export const BugJson = z
  .object({
    title: z.string().min(1),
    kernel: z
      .object({
        tree: z.string().optional(),
        commit: z.string().optional(),
        version: z.string().optional(),
      })
      .optional(),
    compiler: z.string().optional(),
    /** The guest architecture, Debian's or the kernel's name (amd64 or x86_64), as every --arch takes. */
    arch: z
      .string()
      .refine((a) => guestArchOf(a) !== undefined, { message: `a guest architecture (${guestNames().join(', ')})` })
      .transform((a) => guestArchOf(a)!)
      .optional(),
    /** How many runs before "no crash" (syzbot's reproducers usually crash on the first). */
    repeat: z.number().int().positive().max(1000).optional(),
    /** Seconds a run may take after boot (bounded: Node's timers overflow past 24.8 days and fire at once). */
    timeout: z.number().positive().max(MAX_TIMEOUT_S).optional(),
    /** Kconfig options the reproducer needs (`CONFIG_X`: set to y or m; `CONFIG_X=v`: that value), for `kdk sweep`. */
    requires: z
      .array(z.string().regex(REQUIRE_RE, 'CONFIG_NAME or CONFIG_NAME=value, or alternatives joined by " || "'))
      .max(200)
      .optional(),
    /** The upstream fix: its mainline commit, title, and the stable backports the CVE team lists. */
    fix: z
      .object({
        commit: z.string().regex(SHA_RE, 'a commit hash (7 to 40 hex digits)'),
        title: z.string().optional(),
        stable: z
          .array(z.object({ version: z.string().regex(VERSION_RE), commit: z.string().regex(SHA_RE) }))
          .max(50)
          .optional(),
      })
      .optional(),
    /** Kernel versions that carry the fix: stable releases (6.1.105) and the first mainline release (6.11). */
    fixedIn: z.array(z.string().regex(VERSION_RE, 'a kernel version (6.1.105, 6.11)')).max(50).optional(),
    cve: z
      .string()
      .regex(/^CVE-\d{4}-\d{4,}$/)
      .optional(),
    syzbot: z.string().max(200).optional(),
  })
  .passthrough();
export type BugJson = z.infer<typeof BugJson>;

export interface Bundle {
  dir: string;
  bug: BugJson;
  config?: string;
  repro: string;
  bzImage?: string;
  vmlinux?: string;
  image?: string;
}

/**
 * A bundle comes from a stranger: each file kdk reads from it must be a regular file in the directory, never a
 * symlink (a `repro.c` or `.config` link would make kdk read any host file and show it in errors or the guest).
 */
function regularFile(path: string): string {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) throw inputError('bundle files must not be symlinks: refused', path);
  if (!st.isFile()) throw inputError('bundle entry is not a regular file', path);
  return path;
}

function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function optional(dir: string, ...names: string[]): string | undefined {
  for (const n of names) if (present(join(dir, n))) return regularFile(join(dir, n));
  return undefined;
}

export interface LoadBundleOptions {
  /** The kernel comes from elsewhere (`kdk sweep --kernel`): neither a bzImage nor a .config is needed. */
  kernelGiven?: boolean;
}

export function loadBundle(dir: string, opts: LoadBundleOptions = {}): Bundle {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw inputError('bundle directory not found', dir);
  const bugPath = join(dir, 'bug.json');
  if (!present(bugPath)) throw inputError('bundle has no bug.json (title, kernel, compiler)', bugPath);
  const bug = readJsonFile(regularFile(bugPath), BugJson, { what: 'bug.json' });
  const repro = join(dir, 'repro.c');
  if (!present(repro)) throw inputError('bundle has no repro.c', repro);
  regularFile(repro);
  const bundle: Bundle = {
    dir,
    bug,
    config: optional(dir, '.config', 'config'),
    repro,
    bzImage: optional(dir, 'bzImage', 'kernel'),
    vmlinux: optional(dir, 'vmlinux'),
    image: optional(dir, 'disk.raw', 'disk.img'),
  };
  if (!opts.kernelGiven && !bundle.bzImage && !bundle.config) {
    throw inputError('bundle has neither a kernel (bzImage) nor a .config to build one', dir);
  }
  return bundle;
}
