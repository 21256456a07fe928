// ccache statistics for one cache directory, so a build can report its own hits and misses (the difference of
// two snapshots; other builds sharing the cache at the same moment would blur it, which is acceptable).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface CcacheStats {
  hits: number;
  misses: number;
}

export function ccacheStats(dir: string): CcacheStats | undefined {
  const r = spawnSync('ccache', ['--print-stats'], { env: { ...process.env, CCACHE_DIR: dir }, encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const get = (k: string) => Number(new RegExp(`^${k}\\t(\\d+)`, 'm').exec(r.stdout)?.[1] ?? 0);
  return { hits: get('direct_cache_hit') + get('preprocessed_cache_hit'), misses: get('cache_miss') };
}

export function ccacheDelta(before?: CcacheStats, after?: CcacheStats) {
  if (!before || !after) return null;
  const hits = after.hits - before.hits;
  const misses = after.misses - before.misses;
  return withRate(hits, misses);
}

/**
 * One build's own hits and misses, from the file ccache appends each compile's counters to when CCACHE_STATSLOG
 * names it (ccache 4.4+): exact even while other builds share the cache directory.
 */
export function ccacheLogStats(file: string) {
  if (!existsSync(file)) return null;
  let hits = 0;
  let misses = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === 'direct_cache_hit' || line === 'preprocessed_cache_hit') hits++;
    else if (line === 'cache_miss') misses++;
  }
  return withRate(hits, misses);
}

const withRate = (hits: number, misses: number) => ({
  hits,
  misses,
  hitRate: hits + misses ? hits / (hits + misses) : 0,
});
