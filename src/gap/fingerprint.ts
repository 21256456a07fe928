// A cheap identity for a directory of CVE records that is not a clean git checkout: names, sizes and
// modification times of every record file (a stat per file, no reads).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hashOf } from '../util/cache.js';

export function listFilesFingerprint(pub: string): string {
  const parts: string[] = [];
  for (const year of readdirSync(pub).sort()) {
    if (!/^\d{4}$/.test(year)) continue;
    const dir = join(pub, year);
    for (const n of readdirSync(dir).sort()) {
      if (!/\.(?:dyad|json|sha1)$/.test(n)) continue;
      const st = statSync(join(dir, n));
      parts.push(`${year}/${n}:${st.size}:${st.mtimeMs}`);
    }
  }
  return hashOf(parts.join('\n'));
}
