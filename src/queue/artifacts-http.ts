// The artifact store as `kdk serve`'s upload API, for teams without a shared filesystem: files go up with
// `PUT /api/artifacts/<sha256>` (the write token) and come down from `GET /artifacts/<sha256>`, checked against
// their hash on the way into $KDK_CACHE/artifacts. The queue speaks plain HTTP here, its own small client: the
// server stage is a process it talks to, never code it loads.
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { hashFile } from '../util/cache.js';
import { envError, inputError } from '../util/errors.js';
import { InfraError } from './infra-error.js';
import { verifiedArtifact } from './verified-artifact.js';

const TIMEOUT_MS = 60_000; // without a byte for this long, the server is taken for gone (an infra error)

export class ArtifactServer {
  readonly root: string;
  private readonly base: URL;

  constructor(
    url: string,
    private readonly token?: string,
  ) {
    this.base = new URL(url.endsWith('/') ? url : `${url}/`);
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:')
      throw inputError(`--artifacts ${url}: an http:// or https:// URL of kdk serve, or a directory`);
    this.root = this.base.href;
  }

  /** Uploads `file` unless the server has it already; returns its sha256. */
  async put(file: string): Promise<string> {
    if (!existsSync(file) || !statSync(file).isFile()) throw inputError('no such file', file);
    const sha = await hashFile(file);
    const head = await this.call('HEAD', `artifacts/${sha}`);
    head.resume();
    if (head.statusCode === 200) return sha;
    if (!this.token) throw envError(`uploading to ${this.root} needs its write token (--token-file)`);
    const size = statSync(file).size;
    const res = await this.call('PUT', `api/artifacts/${sha}`, {
      body: () => createReadStream(file),
      headers: {
        authorization: `Bearer ${this.token}`,
        'content-type': 'application/octet-stream',
        'content-length': String(size),
      },
    });
    const text = await readText(res);
    if (res.statusCode === 200 || res.statusCode === 201) return sha;
    const why = `${this.root} refused ${file} (${res.statusCode}): ${errorOf(text)}`;
    // A wrong token or a file over the server's limit will not get better by retrying; the rest might.
    if (res.statusCode === 401 || res.statusCode === 403 || res.statusCode === 413) throw envError(why);
    throw new InfraError(why);
  }

  /** A local, verified copy of an artifact (kept in $KDK_CACHE/artifacts, keyed by its hash). */
  fetch(sha: string): Promise<string> {
    return verifiedArtifact(sha, `from ${this.root}`, async (tmp) => {
      const res = await this.call('GET', `artifacts/${sha}`);
      if (res.statusCode !== 200) {
        const text = await readText(res);
        if (res.statusCode === 404) throw new InfraError(`artifact ${sha.slice(0, 12)} is not on ${this.root}`);
        throw new InfraError(`${this.root}: artifact ${sha.slice(0, 12)}: ${res.statusCode} ${errorOf(text)}`);
      }
      await pipeline(res, createWriteStream(tmp, { flags: 'wx' })).catch((e: Error) => {
        throw new InfraError(`downloading artifact ${sha.slice(0, 12)} from ${this.root}: ${e.message}`);
      });
    });
  }

  private call(
    method: string,
    path: string,
    o: { body?: () => NodeJS.ReadableStream; headers?: Record<string, string> } = {},
  ): Promise<IncomingMessage> {
    const url = new URL(path, this.base);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const opts: RequestOptions = { method, headers: o.headers, timeout: TIMEOUT_MS };
    return new Promise((resolve, reject) => {
      const req = send(url, opts, resolve);
      req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS / 1000} s`)));
      // Unreachable is the environment's fault (exit 3 for kdk submit; on a worker, an attempt retried later).
      req.on('error', (e) => reject(envError(`artifact server ${this.root}: ${method} ${path}: ${e.message}`)));
      if (o.body) o.body().pipe(req);
      else req.end();
    });
  }
}

async function readText(res: IncomingMessage): Promise<string> {
  let s = '';
  res.setEncoding('utf8');
  for await (const c of res) if (s.length < 4096) s += c;
  return s;
}

/** The server's JSON error message, else its first line (a proxy's page). */
function errorOf(text: string): string {
  try {
    return String(JSON.parse(text).error ?? text).slice(0, 300);
  } catch {
    return text.split('\n')[0].slice(0, 300);
  }
}
