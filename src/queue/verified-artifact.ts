// The one way an artifact enters a worker's cache: written beside its place in $KDK_CACHE/artifacts, hashed, and
// renamed into place only when its sha256 is the one asked for, whichever store it came from (artifacts.ts,
// artifacts-http.ts). A damaged copy is an infrastructure error and leaves nothing behind.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, hashFile } from '../util/cache.js';
import { tempPathFor } from '../util/atomic.js';
import { InfraError } from './infra-error.js';

/**
 * The local, verified copy of artifact `sha`: the cached one, else what `write` puts into the temp path it is
 * given, once its hash checks. `from` says where it came from in the message (`in /srv/artifacts`).
 */
export async function verifiedArtifact(
  sha: string,
  from: string,
  write: (tmp: string) => Promise<void>,
): Promise<string> {
  const local = join(cacheDir('artifacts'), sha);
  if (existsSync(local)) return local;
  const tmp = tempPathFor(local);
  try {
    await write(tmp);
    const got = await hashFile(tmp);
    if (got !== sha) throw new InfraError(`artifact ${sha.slice(0, 12)} ${from} is damaged (${got})`);
    renameSync(tmp, local);
  } finally {
    rmSync(tmp, { force: true });
  }
  return local;
}
