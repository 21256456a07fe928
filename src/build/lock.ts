// A lock file for work that two kdk processes (or two test files) must not do twice at once, such as building
// the same kernel. Taking it is one atomic step: the owner's pid is written to a private temp file first, which
// is then hard-linked to the lock path (link(2) fails with EEXIST when the lock exists), so the lock is never
// seen empty or half-written. A lock whose owner is gone is broken under a second lock of the same kind, so
// two waiters that both find it stale cannot both remove it (one of them removing the other's fresh lock).
import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tempPathFor } from '../util/atomic.js';
import { processAlive } from '../util/proc.js';

/** A lock-breaking lock left by a process killed mid-break is ignored after this long. */
const BREAK_STALE_MS = 10_000;

/** Create `path` holding our pid, atomically; false when it exists. */
function linkTake(path: string): boolean {
  const tmp = tempPathFor(path);
  writeFileSync(tmp, String(process.pid));
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return false;
  } finally {
    rmSync(tmp, { force: true });
  }
}

function ownerOf(path: string): number | undefined {
  try {
    return Number(readFileSync(path, 'utf8').trim()) || 0;
  } catch {
    return undefined; // released meanwhile
  }
}

/** Remove the lock at `path` if its owner is dead, holding `path.break` so only one waiter decides. */
function breakIfStale(path: string): void {
  const breaker = `${path}.break`;
  if (!linkTake(breaker)) {
    const age = (() => {
      try {
        return Date.now() - statSync(breaker).mtimeMs;
      } catch {
        return 0;
      }
    })();
    const holder = ownerOf(breaker);
    if (age > BREAK_STALE_MS && holder !== undefined && !processAlive(holder)) rmSync(breaker, { force: true });
    return;
  }
  try {
    // Under the break lock nobody else removes `path`, so what is read here is what would be removed.
    const owner = ownerOf(path);
    if (owner !== undefined && owner !== process.pid && !processAlive(owner)) rmSync(path, { force: true });
  } finally {
    rmSync(breaker, { force: true });
  }
}

function tryTake(path: string): boolean {
  if (linkTake(path)) return true;
  breakIfStale(path);
  return false;
}

export interface LockOptions {
  /** Called once when the lock is held by another process and we start waiting. */
  onWait?: () => void;
  /** How often to look again while waiting (default 1 s). */
  pollMs?: number;
}

/** Run `fn` while holding the lock at `path`, waiting (polling) while another live process holds it. */
export async function withLock<T>(path: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  let waited = false;
  while (!tryTake(path)) {
    if (!waited) opts.onWait?.();
    waited = true;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 1000));
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}
