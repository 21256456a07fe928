// The shared CVE snapshot, indexed once per cache (the first run unpacks 140 MB and indexes it; later runs
// load the cached index).
import { existsSync } from 'node:fs';
import { sharedDir } from '../helpers.js';
import { openIndex, type CveIndex } from '../../src/gap/index.js';

export const SNAPSHOT = sharedDir('corpora', 'kernel-vulns', 'published.tar.xz');
export const snapshotMissing = existsSync(SNAPSHOT) ? undefined : `shared snapshot missing: ${SNAPSHOT}`;

let cached: Promise<CveIndex> | undefined;
export function snapshotIndex(): Promise<CveIndex> {
  cached ??= openIndex({ tarball: SNAPSHOT }).then((o) => o.index);
  return cached;
}
