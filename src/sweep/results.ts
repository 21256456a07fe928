// Saved sweep results, so a second sweep of the same kernel skips the bugs it finished: one JSON file per
// (kernel image hash, bundle hash, repeat) under $KDK_CACHE/sweep/, written atomically. The bundle hash covers
// bug.json and repro.c, so an edited bundle runs again. infra-error results are never saved (worth retrying).
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, hashOf } from '../util/cache.js';
import { makeDirs, writeFileAtomic } from '../util/atomic.js';

// v2: results carry their runs' records (runRecords), which --db records again on a resumed sweep.
const LAYOUT = 'sweep-result-v2';

export function bundleHash(bugJson: Buffer, repro: Buffer): string {
  return hashOf(LAYOUT, bugJson, repro).slice(0, 24);
}

function resultPath(kernelHash: string, bundle: string, repeat: number): string {
  return join(cacheDir('sweep'), kernelHash.slice(0, 24), `${bundle}-n${repeat}.json`);
}

/** The saved result, or undefined (none, or unreadable: then the bug simply runs again). */
export function loadSaved<T>(kernelHash: string, bundle: string, repeat: number): T | undefined {
  const p = resultPath(kernelHash, bundle, repeat);
  if (!existsSync(p)) return undefined;
  try {
    const v = JSON.parse(readFileSync(p, 'utf8')) as { layout?: string; result?: T };
    return v.layout === LAYOUT ? v.result : undefined;
  } catch {
    return undefined;
  }
}

export function saveResult(kernelHash: string, bundle: string, repeat: number, result: unknown): void {
  const p = resultPath(kernelHash, bundle, repeat);
  makeDirs(join(p, '..'));
  writeFileAtomic(p, JSON.stringify({ layout: LAYOUT, result }, null, 2) + '\n');
}
