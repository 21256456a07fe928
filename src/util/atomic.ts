// Atomic output: write to a temp file in the same directory, then rename over the target,
// so a failed or interrupted run never leaves a half-written file and keeps the previous good one.
import {
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, basename, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ExitCode, KdkError } from './errors.js';

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * `mkdir -p` that reports the real cause. Node's recursive mkdir says ENOENT for a directory it cannot create on
 * a read-only file system (and names the wrong reason for a few others), so each missing level is made one at a
 * time: the failing level's own errno (EROFS, EACCES, ENOTDIR, EEXIST for a file in the way) comes back.
 */
export function makeDirs(dir: string): void {
  const abs = resolve(dir);
  if (isDir(abs)) return;
  const parent = dirname(abs);
  if (parent !== abs) makeDirs(parent);
  try {
    mkdirSync(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST' && isDir(abs)) return; // a racing mkdir
    throw err;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  makeDirs(dirname(target));
  const tmp = tempPathFor(target);
  try {
    writeFileSync(tmp, data);
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    // A failed write(2) (a full disk) carries no path, a failed rename names the temp file: name the file the
    // user asked for.
    const e = err as NodeJS.ErrnoException;
    if (typeof e.code === 'string' && (!e.path || e.path === tmp)) e.path = target;
    throw err;
  }
}

/** Run `fill(tmpDir)` to populate a directory, then rename it into place; a racing writer's result is kept. */
export function populateDirAtomic(target: string, fill: (tmpDir: string) => void): void {
  makeDirs(dirname(target));
  const tmp = tempPathFor(target);
  mkdirSync(tmp, { recursive: true });
  try {
    fill(tmp);
    try {
      renameSync(tmp, target);
    } catch (err) {
      // Another process finished first (ENOTEMPTY/EEXIST): its result is as good as ours.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Replace the output directory `target` as a whole: `fill(tmpDir)` writes the complete new content into a sibling
 * directory, which is then swapped in by rename. If anything fails before the swap, `target` is left exactly as it
 * was (no mix of new and old files). Entries of the old directory that the new content does not have (a build
 * tree, build records, .debs made from it) are moved across into the new directory, not deleted.
 * Between the two renames of the swap `target` briefly does not exist; Linux's RENAME_EXCHANGE would close that
 * window but Node has no binding for it.
 */
export function replaceDirAtomic(target: string, fill: (tmpDir: string) => void): void {
  if (existsSync(target) && !lstatSync(target).isDirectory()) {
    throw new KdkError('exists and is not a directory (give a directory for the outputs)', {
      file: target,
      exitCode: ExitCode.usage,
    });
  }
  makeDirs(dirname(target));
  const tmp = tempPathFor(target);
  try {
    mkdirSync(tmp);
    fill(tmp);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw renamePath(err, tmp, target);
  }
  if (!existsSync(target)) return swapIn(tmp, target);
  const carried = carryOver(target, tmp);
  const old = `${tmp}.old`;
  try {
    renameSync(target, old);
  } catch (err) {
    for (const name of carried) renameSync(join(tmp, name), join(target, name));
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  try {
    renameSync(tmp, target);
  } catch (err) {
    renameSync(old, target);
    for (const name of carried) renameSync(join(tmp, name), join(target, name));
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  rmSync(old, { recursive: true, force: true });
}

function swapIn(tmp: string, target: string): void {
  try {
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Move the old directory's entries that the new one lacks into it; the names moved (undone on failure). */
function carryOver(from: string, to: string): string[] {
  const fresh = new Set(readdirSync(to));
  const moved: string[] = [];
  try {
    for (const name of readdirSync(from)) {
      if (fresh.has(name)) continue;
      renameSync(join(from, name), join(to, name));
      moved.push(name);
    }
  } catch (err) {
    for (const name of moved) renameSync(join(to, name), join(from, name));
    rmSync(to, { recursive: true, force: true });
    throw err;
  }
  return moved;
}

/** An error about a file in the staging directory, re-pointed at the file the user asked for. */
function renamePath(err: unknown, tmp: string, target: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.path === 'string' && e.path.startsWith(tmp)) {
    const was = e.path;
    e.path = target + e.path.slice(tmp.length);
    if (typeof e.message === 'string') e.message = e.message.split(was).join(e.path);
  }
  return err;
}
