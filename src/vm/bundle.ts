// A reproducer bundle, laid out like a syzbot bug page: bug.json (title, kernel, compiler), .config, repro.c and
// optionally the kernel (bzImage, vmlinux) and a disk image. bug.json is external data: validated with zod,
// errors name the file and the field.
import { readJsonFile } from '../util/json-file.js';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { inputError } from '../util/errors.js';

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
    arch: z.enum(['x86_64', 'arm64']).optional(),
    /** How many runs before "no crash" (syzbot's reproducers usually crash on the first). */
    repeat: z.number().int().positive().max(1000).optional(),
    /** Seconds a run may take after boot. */
    timeout: z.number().positive().optional(),
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

function optional(dir: string, ...names: string[]): string | undefined {
  for (const n of names) if (existsSync(join(dir, n))) return join(dir, n);
  return undefined;
}

export function loadBundle(dir: string): Bundle {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw inputError('bundle directory not found', dir);
  const bugPath = join(dir, 'bug.json');
  if (!existsSync(bugPath)) throw inputError('bundle has no bug.json (title, kernel, compiler)', bugPath);
  const bug = readJsonFile(bugPath, BugJson, { what: 'bug.json' });
  const repro = join(dir, 'repro.c');
  if (!existsSync(repro)) throw inputError('bundle has no repro.c', repro);
  const bundle: Bundle = {
    dir,
    bug,
    config: optional(dir, '.config', 'config'),
    repro,
    bzImage: optional(dir, 'bzImage', 'kernel'),
    vmlinux: optional(dir, 'vmlinux'),
    image: optional(dir, 'disk.raw', 'disk.img'),
  };
  if (!bundle.bzImage && !bundle.config) {
    throw inputError('bundle has neither a kernel (bzImage) nor a .config to build one', dir);
  }
  return bundle;
}
