// Where a VM's console log goes when the caller gives no directory: $KDK_CACHE/logs/, one file per VM, named by
// start time so they sort; the oldest beyond KEEP_LOGS are removed when a new one starts. Logs are results
// (RunResult.consoleLog, printed for the user), so they outlive the run; no temporary VM directory is made.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { cacheDir } from '../util/cache.js';

export const KEEP_LOGS = 200;

export function newConsoleLog(): string {
  const dir = cacheDir('logs');
  const old = readdirSync(dir)
    .filter((n) => n.endsWith('.console.log'))
    .sort();
  for (const n of old.slice(0, Math.max(0, old.length - (KEEP_LOGS - 1)))) rmSync(join(dir, n), { force: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '-');
  return join(dir, `${stamp}-${process.pid}-${randomBytes(3).toString('hex')}.console.log`);
}
