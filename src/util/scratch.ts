// Scratch directories that never outlive the kdk process that made them: each is named with its owner's pid,
// removed when the work is done, on any error, and on exit (normal exit, and SIGINT/SIGTERM/SIGHUP, whose
// handlers in proc.ts end with process.exit, which runs the 'exit' hook below). A SIGKILLed owner cannot clean
// up: the next kdk run that makes a directory of the same kind removes those whose owner is gone.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installExitHooks, processAlive } from './proc.js';

const live = new Set<string>();
let hooked = false;

function removeAll(): void {
  for (const d of live) rmSync(d, { recursive: true, force: true });
  live.clear();
}

/** Remove `kdk-<kind>-<pid>-*` directories in `parent` whose owning process no longer runs. */
function sweepOrphans(parent: string, kind: string): void {
  const re = new RegExp(`^kdk-${kind}-(\\d+)-`);
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const n of names) {
    const pid = Number(re.exec(n)?.[1] ?? 0);
    if (pid && pid !== process.pid && !processAlive(pid)) rmSync(join(parent, n), { recursive: true, force: true });
  }
}

/** A fresh directory `<parent>/kdk-<kind>-<pid>-XXXXXX`, removed by `release()` or when kdk exits. */
export function scratchDir(kind: string, parent = tmpdir()): { dir: string; release: () => void } {
  if (!hooked) {
    hooked = true;
    process.on('exit', removeAll);
    installExitHooks();
  }
  sweepOrphans(parent, kind);
  const dir = mkdtempSync(join(parent, `kdk-${kind}-${process.pid}-`));
  live.add(dir);
  return {
    dir,
    release: () => {
      live.delete(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Run `fn` in a scratch directory that is removed afterwards, whether `fn` succeeds or throws. */
export async function withScratchDir<T>(kind: string, fn: (dir: string) => Promise<T>, parent?: string): Promise<T> {
  const s = scratchDir(kind, parent);
  try {
    return await fn(s.dir);
  } finally {
    s.release();
  }
}
