// Debian's `linux` packaging, preferring a copy already in the cache: debianPackaging() asks apt for the newest
// version on every call (and walks past versions the archive no longer serves), which costs network round-trips.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cacheDir } from '../util/cache.js';
import { debianPackaging, type DebianPackaging } from '../util/debian-source.js';

function newer(a: string, b: string): number {
  return spawnSync('dpkg', ['--compare-versions', a, 'gt', b]).status === 0 ? -1 : 1;
}

export function debianPackagingCached(log?: (l: string) => void): DebianPackaging {
  const root = cacheDir('debian');
  const versions = readdirSync(root)
    .map((n) => /^linux-packaging_(.+)$/.exec(n)?.[1])
    .filter((v): v is string => !!v && existsSync(join(root, `linux-packaging_${v}`, 'debian', 'changelog')))
    .sort(newer);
  if (versions.length) return { dir: join(root, `linux-packaging_${versions[0]}`), version: versions[0] };
  return debianPackaging({ log });
}
