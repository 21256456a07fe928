// A cheap identity for a directory of CVE records that is not a clean git checkout: names, sizes and
// modification times of every record file (a stat per file, no reads).
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hashOf } from '../util/cache.js';

export function listFilesFingerprint(pub: string): string {
  const parts: string[] = [];
  for (const year of readdirSync(pub).sort()) {
    if (!/^\d{4}$/.test(year)) continue;
    const dir = join(pub, year);
    if (!lstatSync(dir).isDirectory()) continue; // the indexer refuses it too
    for (const n of readdirSync(dir).sort()) {
      if (!/\.(?:dyad|json|sha1)$/.test(n)) continue;
      const st = lstatSync(join(dir, n)); // a link's own stat: never followed out of the tree
      parts.push(`${year}/${n}:${st.size}:${st.mtimeMs}`);
    }
  }
  return hashOf(parts.join('\n'));
}
