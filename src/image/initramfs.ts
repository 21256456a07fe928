// kdk's initramfs: Debian's busybox-static, an /init that mounts proc/sys/devtmpfs/debugfs, prints a marker when
// userspace is reached, runs the given programs and ends the VM. Cached by content under cacheDir('images').
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cacheDir, hashOf } from '../util/cache.js';
import { ensurePackages } from '../util/deps.js';
import { inputError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import { newcArchive, type CpioEntry } from './cpio.js';
import { GUEST_PROG_DIR, initScript } from './guest-init.js';
import { compileStatic } from './compile.js';

export const BUSYBOX = '/bin/busybox';
export const INITRAMFS_PACKAGES = ['busybox-static'];

export interface GuestProgram {
  /** Name shown in markers and results. */
  name: string;
  /** A static binary or script (executable in the guest). */
  path: string;
}

/** A plain file placed in the initramfs as is (e.g. a kernel module the programs insmod). */
export interface GuestFile {
  /** Path in the guest, relative to / (e.g. kdk/mods/hello.ko). */
  path: string;
  /** Host file. */
  src: string;
}

function entries(programs: GuestProgram[], files: GuestFile[]): CpioEntry[] {
  const list: CpioEntry[] = ['bin', 'sbin', 'dev', 'proc', 'sys', 'tmp', 'etc', 'root', 'kdk', GUEST_PROG_DIR].map(
    (d) => ({ kind: 'dir', path: d }),
  );
  list.push(
    { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'chardev', path: 'dev/null', major: 1, minor: 3, mode: 0o666 },
    { kind: 'file', path: 'bin/busybox', data: readFileSync(BUSYBOX), mode: 0o755 },
    { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
    { kind: 'file', path: 'init', data: Buffer.from(initScript()), mode: 0o755 },
  );
  programs.forEach((p, i) => {
    const name = `${String(i + 1).padStart(2, '0')}-${p.name.replace(/[^A-Za-z0-9._-]/g, '_')}`;
    list.push({ kind: 'file', path: `${GUEST_PROG_DIR}/${name}`, data: readFileSync(p.path), mode: 0o755 });
  });
  const dirs = new Set(files.map((f) => f.path.split('/').slice(0, -1).join('/')).filter((d) => d && d !== 'kdk'));
  for (const d of dirs) list.push({ kind: 'dir', path: d });
  for (const f of files) list.push({ kind: 'file', path: f.path, data: readFileSync(f.src), mode: 0o644 });
  return list;
}

/** Build (or find in the cache) the initramfs holding `programs`; returns its path. */
export function buildInitramfs(
  programs: GuestProgram[] = [],
  log: (l: string) => void = () => {},
  files: GuestFile[] = [],
): string {
  if (!existsSync(BUSYBOX)) ensurePackages(INITRAMFS_PACKAGES, log);
  for (const p of programs) if (!existsSync(p.path)) throw inputError('program not found', p.path);
  for (const f of files) if (!existsSync(f.src)) throw inputError('file not found', f.src);
  // Keyed by the inputs (busybox by path/size/mtime, programs by content), so a cached image costs no rebuild.
  const bb = statSync(BUSYBOX);
  const key = hashOf(
    'initramfs-v1',
    `${BUSYBOX}:${bb.size}:${bb.mtimeMs}`,
    initScript(),
    ...programs.flatMap((p) => [p.name, readFileSync(p.path)]),
    ...files.flatMap((f) => [f.path, readFileSync(f.src)]),
  ).slice(0, 20);
  const out = join(cacheDir('images'), `initramfs-${key}.cpio`);
  if (!existsSync(out)) writeFileAtomic(out, newcArchive(entries(programs, files)));
  return out;
}

/** Files given on the command line: `.c` sources are compiled statically, anything else is copied as is. */
export async function programsFromFiles(files: string[], log: (l: string) => void = () => {}): Promise<GuestProgram[]> {
  const out: GuestProgram[] = [];
  for (const f of files) {
    if (!existsSync(f)) throw inputError('file not found', f);
    const name = basename(f).replace(/\.c$/, '');
    out.push({ name, path: f.endsWith('.c') ? await compileStatic(f, log) : f });
  }
  return out;
}
