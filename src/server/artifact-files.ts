// Large artifacts (kernels, .debs, consoles from queue workers) uploaded to `kdk serve` and served back, kept as
// files by sha256 in a directory (ab/abcdef..., the layout of a queue artifact directory, so one directory can be
// both). An upload streams to a temp file beside its target while it is hashed and counted; it is renamed into
// place only when its hash is the name it was sent under, so a file on disk is always whole and what it says.
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { tempPathFor } from '../util/atomic.js';

export class UploadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const DEFAULT_MAX_ARTIFACT = 2 << 30; // 2 GiB: a debug vmlinux or a -dbg .deb fits

export class ArtifactFiles {
  constructor(
    readonly root: string,
    readonly max = DEFAULT_MAX_ARTIFACT,
  ) {}

  /** The file of a sha256 already checked against /^[0-9a-f]{64}$/ (never a path built from other input). */
  path(sha: string): string {
    return join(this.root, sha.slice(0, 2), sha);
  }

  /** The size of a stored artifact, or undefined. */
  size(sha: string): number | undefined {
    const p = this.path(sha);
    return existsSync(p) ? statSync(p).size : undefined;
  }

  open(sha: string) {
    return createReadStream(this.path(sha));
  }

  /** Streams the request body in; true when it was new. Throws UploadError (400, 413, 507) and keeps nothing. */
  async receive(sha: string, req: IncomingMessage): Promise<{ created: boolean; size: number }> {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > this.max) throw new UploadError(413, `artifact larger than ${this.max} bytes`);
    const dest = this.path(sha);
    mkdirSync(join(this.root, sha.slice(0, 2)), { recursive: true });
    const tmp = tempPathFor(dest);
    try {
      const { got, size } = await this.spool(req, tmp);
      if (got !== sha) throw new UploadError(400, `the body's sha256 is ${got}, not the ${sha} it was sent as`);
      const created = !existsSync(dest);
      renameSync(tmp, dest); // a racing upload of the same content leaves the same bytes
      return { created, size };
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  private spool(req: IncomingMessage, tmp: string): Promise<{ got: string; size: number }> {
    return new Promise((resolve, reject) => {
      const out = createWriteStream(tmp, { flags: 'wx' });
      const h = createHash('sha256');
      let size = 0;
      let failed = false;
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        req.unpipe(out);
        out.destroy();
        req.resume(); // drain what the client still sends, so it reads the answer rather than a reset
        reject(e);
      };
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > this.max) fail(new UploadError(413, `artifact larger than ${this.max} bytes`));
        else h.update(c);
      });
      req.on('aborted', () => fail(new UploadError(400, 'upload cut off')));
      req.on('error', (e) => fail(e));
      out.on('error', (e: NodeJS.ErrnoException) =>
        fail(e.code === 'ENOSPC' ? new UploadError(507, 'no space left for the artifact') : e),
      );
      out.on('finish', () => {
        if (!failed) resolve({ got: h.digest('hex'), size });
      });
      req.pipe(out);
    });
  }
}
