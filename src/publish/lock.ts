// One publisher per repository at a time: a lock directory (mkdir is atomic) holding the owner's pid, taken over
// when that process is gone (a publish that was killed).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from '../util/proc.js';
import { KdkError } from '../util/errors.js';

export function withRepoLock<T>(repo: string, fn: () => T): T {
  const lock = join(repo, '.kdk-publish.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        /* the owner has not written its pid yet, or is gone */
      }
      if (Number.isInteger(owner) && processAlive(owner)) {
        throw new KdkError(`another kdk publish (pid ${owner}) is writing this repository`, {
          file: lock,
          exitCode: 3,
          hint: 'wait for it to finish',
        });
      }
      rmSync(lock, { recursive: true, force: true });
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
