// The artifact store every worker reaches: a directory (a shared filesystem) holding files by sha256
// (ab/abcdef...). Workers copy what a job needs into their own cache and check the hash on the way, so a file
// damaged on the share is an infrastructure error, never a wrong result. Without a shared filesystem the store
// is `kdk serve`'s upload API instead (artifacts-http.ts): `--artifacts http://host:port` and its token.
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hashFile } from '../util/cache.js';
import { tempPathFor } from '../util/atomic.js';
import { inputError } from '../util/errors.js';
import { InfraError } from './infra-error.js';
import { ArtifactServer } from './artifacts-http.js';
import { verifiedArtifact } from './verified-artifact.js';

/** Where artifacts go and come from: a shared directory or a kdk server, both by sha256. */
export interface ArtifactStore {
  /** The directory or the server's URL, for messages. */
  readonly root: string;
  put(file: string): Promise<string>;
  fetch(sha: string): Promise<string>;
}

/** `--artifacts` as given: an http(s):// URL is a kdk server (uploads need its token), anything else a directory. */
export function openArtifacts(where: string, token?: string): ArtifactStore {
  return /^https?:\/\//i.test(where) ? new ArtifactServer(where, token) : new ArtifactDir(where);
}

export class ArtifactDir implements ArtifactStore {
  constructor(readonly root: string) {}

  private path(sha: string): string {
    return join(this.root, sha.slice(0, 2), sha);
  }

  /** Copies `file` in (once per content) and returns its sha256. */
  async put(file: string): Promise<string> {
    if (!existsSync(file) || !statSync(file).isFile()) throw inputError('no such file', file);
    const sha = await hashFile(file);
    const dest = this.path(sha);
    if (existsSync(dest)) return sha;
    mkdirSync(join(this.root, sha.slice(0, 2)), { recursive: true });
    const tmp = tempPathFor(dest);
    try {
      copyFileSync(file, tmp);
      renameSync(tmp, dest); // a racing writer of the same content leaves the same bytes
    } finally {
      rmSync(tmp, { force: true });
    }
    return sha;
  }

  /** A local, verified copy of an artifact (kept in $KDK_CACHE/artifacts, keyed by its hash). */
  fetch(sha: string): Promise<string> {
    return verifiedArtifact(sha, `in ${this.root}`, async (tmp) => {
      const src = this.path(sha);
      if (!existsSync(src)) throw new InfraError(`artifact ${sha.slice(0, 12)} is not in ${this.root}`);
      copyFileSync(src, tmp);
    });
  }
}
