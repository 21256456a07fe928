// A lock file for work that two kdk processes (or two test files) must not do twice at once, such as building
// the same kernel: created with O_EXCL, holding the owner's pid; a lock whose owner is gone is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { processAlive } from '../util/proc.js';

function tryTake(path: string): boolean {
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const owner = Number(readFileSync(path, 'utf8').trim() || '0');
  if (owner && owner !== process.pid && processAlive(owner)) return false;
  rmSync(path, { force: true }); // stale: its owner died without releasing it
  return false;
}

/** Run `fn` while holding the lock at `path`, waiting (polling) while another live process holds it. */
export async function withLock<T>(path: string, fn: () => Promise<T>, onWait?: () => void): Promise<T> {
  let waited = false;
  while (!tryTake(path)) {
    if (!waited) onWait?.();
    waited = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}
