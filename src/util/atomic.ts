// Atomic output: write to a temp file in the same directory, then rename over the target,
// so a failed or interrupted run never leaves a half-written file and keeps the previous good one.
import { mkdirSync, renameSync, rmSync, writeFileSync, openSync, closeSync, fsyncSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  mkdirSync(dirname(target), { recursive: true });
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
    // A failed write(2) (a full disk) carries no path: name the file the user asked for.
    const e = err as NodeJS.ErrnoException;
    if (typeof e.code === 'string' && !e.path) e.path = target;
    throw err;
  }
}

/** Run `fill(tmpDir)` to populate a directory, then rename it into place; a racing writer's result is kept. */
export function populateDirAtomic(target: string, fill: (tmpDir: string) => void): void {
  mkdirSync(dirname(target), { recursive: true });
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
