// `kdk serve`: one node:http process for the JSON API and the dashboard. Reads need nothing; writes need
// `Authorization: Bearer <token>` (401 without, 403 wrong, 403 when the server has no token). Bodies are bounded
// and validated with zod; every error is JSON with a message. Artifacts are looked up by sha256 in the store
// (never a file path built from the URL), so `..`, `%2e%2e`, absolute paths and symlinks find nothing. With an
// artifact directory it is also the queue's artifact store: `PUT /api/artifacts/<sha256>` (token) stores a file
// whose content hashes to its name, `GET /artifacts/<sha256>` serves it back (artifact-files.ts).
import type { Readable } from 'node:stream';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Store } from '../store/index.js';
import { MAX_PAGE, SWEEP_ASSESSMENTS, SWEEP_VERDICTS } from '../store/index.js';
import { KdkError } from '../util/errors.js';
import { bugListPage, bugPage, buildsPage, comparePage, gapPage, runsPage } from './pages.js';
import { flavoursPage, sweepPage } from './sweep-pages.js';
import { page, html } from './html.js';
import { ArtifactFiles, UploadError } from './artifact-files.js';

export interface ServeOptions {
  /** The write token; without one the server refuses every write. */
  token?: string;
  /** Answer every GET from the store, not from the response cache (measuring, debugging). */
  noCache?: boolean;
  /** Largest request body accepted (default 32 MiB). */
  maxBody?: number;
  /** Where uploaded artifacts live (files by sha256); without it, artifact uploads are refused. */
  artifactDir?: string;
  /** Largest artifact upload accepted (default 2 GiB). */
  maxArtifact?: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const SHA_RE = /^[0-9a-f]{64}$/;

/** limit and offset of a list endpoint (the page sizes the store allows). */
const PAGING = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).optional(),
  offset: z.coerce.number().int().min(0).max(10_000_000).optional(),
};

const ListQuery = z.object({
  q: z.string().max(500).optional(),
  status: z.enum(['open', 'fixed', 'invalid']).optional(),
  kernel: z.string().max(200).optional(),
  ...PAGING,
});

/** Swept kernels are named by their image's path, so a kernel here may be as long as a path. */
const SweepQuery = z.object({
  kernel: z.string().max(4096).optional(),
  verdict: z.enum(SWEEP_VERDICTS).optional(),
  assessment: z.enum(SWEEP_ASSESSMENTS).optional(),
  bug: z.coerce.number().int().min(1).max(1e12).optional(),
  ...PAGING,
});

const FlavourQuery = z.object(PAGING);

const IngestBody = z.object({
  /** A name for the input (kept as its source); the content is what is ingested. */
  name: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\w.+-]+$/, 'letters, digits and . _ + - only'),
  content: z.string(),
  encoding: z.enum(['utf8', 'base64']).default('utf8'),
  kernel: z.string().max(200).optional(),
});

const StatusBody = z.object({
  status: z.enum(['open', 'fixed', 'invalid']),
  fixCommits: z
    .array(z.string().regex(/^[0-9a-f]{7,40}$/))
    .max(50)
    .optional(),
});

/**
 * Rendered GET answers, kept while the store's version token is unchanged (SQLite: any commit, by any process,
 * moves it). A dashboard is read far more than written; PostgreSQL stores give no token and are not cached.
 */
class ResponseCache {
  private readonly map = new Map<string, { version: string; type: string; body: Buffer }>();
  constructor(private readonly max = 512) {}
  get(key: string, version: string | undefined) {
    const e = version === undefined ? undefined : this.map.get(key);
    return e && e.version === version ? e : undefined;
  }
  set(key: string, version: string | undefined, type: string, body: Buffer): void {
    if (version === undefined) return;
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, { version, type, body });
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, length?: number): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': length ?? Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'",
  });
  res.end(body);
}
interface Reply {
  status: number;
  type: string;
  body: Buffer;
  /** A file streamed instead of `body` (an uploaded artifact), with its length. */
  stream?: { open: () => Readable; size: number };
}
const json = (status: number, v: unknown): Reply => ({
  status,
  type: 'application/json; charset=utf-8',
  body: Buffer.from(JSON.stringify(v)),
});
const htmlOut = (body: string): Reply => ({ status: 200, type: 'text/html; charset=utf-8', body: Buffer.from(body) });

function readBody(req: IncomingMessage, max: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) return reject(new HttpError(413, `body larger than ${max} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new HttpError(413, `body larger than ${max} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new HttpError(400, 'body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

function parse<T>(schema: z.ZodType<T>, v: unknown): T {
  const r = schema.safeParse(v);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new HttpError(400, `${i.path.join('.') || '(body)'}: ${i.message}`);
  }
  return r.data;
}

function authorize(req: IncomingMessage, token?: string): void {
  const h = req.headers.authorization;
  if (!h) throw new HttpError(401, 'writes need Authorization: Bearer <token>');
  const m = /^Bearer (\S+)$/.exec(h);
  if (!m) throw new HttpError(401, 'Authorization must be "Bearer <token>"');
  if (!token) throw new HttpError(403, 'this server accepts no writes (started without --token-file)');
  const a = Buffer.from(m[1]);
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new HttpError(403, 'wrong token');
}

const intId = (s: string) => {
  if (!/^\d{1,12}$/.test(s)) throw new HttpError(404, 'no such bug');
  return Number(s);
};

async function ingestUpload(store: Store, body: z.infer<typeof IngestBody>) {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-upload-'));
  try {
    const p = join(dir, body.name);
    writeFileSync(p, Buffer.from(body.content, body.encoding));
    return await store.ingest(p, { kernel: body.kernel });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const artifactName = (s: string) => {
  if (!SHA_RE.test(s)) throw new HttpError(400, 'artifacts are named by their sha256 (64 hex digits)');
  return s;
};

/** `PUT|POST /api/artifacts/<sha256>`: the body is the file (bounded by maxArtifact), kept only if it hashes so. */
async function upload(files: ArtifactFiles | undefined, sha: string, req: IncomingMessage): Promise<Reply> {
  if (!files) throw new HttpError(403, 'this server keeps no artifacts (started without --artifacts DIR)');
  try {
    const r = await files.receive(sha, req);
    return json(r.created ? 201 : 200, { sha256: sha, size: r.size, created: r.created });
  } catch (e) {
    throw e instanceof UploadError ? new HttpError(e.status, e.message) : e;
  }
}

async function route(store: Store, o: ServeOptions, req: IncomingMessage, files?: ArtifactFiles): Promise<Reply> {
  const raw = req.url ?? '/';
  const qpos = raw.indexOf('?');
  // The raw path, undecoded: an encoded `%2e%2e` or `%2f` never turns into a separator or a parent.
  const path = qpos < 0 ? raw : raw.slice(0, qpos);
  // An empty field (a filter form's "any") is no filter.
  const query = Object.fromEntries(
    [...new URLSearchParams(qpos < 0 ? '' : raw.slice(qpos + 1))].filter(([, v]) => v !== ''),
  );
  const seg = path.split('/').slice(1);
  const method = req.method ?? 'GET';
  if ((method === 'PUT' || method === 'POST') && seg[0] === 'api' && seg[1] === 'artifacts' && seg.length === 3) {
    authorize(req, o.token);
    return upload(files, artifactName(seg[2]), req);
  }
  if (method === 'POST') {
    authorize(req, o.token);
    const max = o.maxBody ?? 32 << 20;
    if (path === '/api/ingest')
      return json(200, await ingestUpload(store, parse(IngestBody, await readBody(req, max))));
    if (seg[0] === 'api' && seg[1] === 'bugs' && seg[3] === 'status' && seg.length === 4) {
      const b = parse(StatusBody, await readBody(req, 64 << 10));
      if (!(await store.setBugStatus(intId(seg[2]), b.status, b.fixCommits))) throw new HttpError(404, 'no such bug');
      return json(200, { ok: true });
    }
    throw new HttpError(404, `no such route: POST ${path}`);
  }
  if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, `${method} not allowed`);
  if (seg[0] === 'artifacts') {
    const sha = artifactName(seg.length === 2 ? seg[1] : '');
    const a = await store.getArtifact(sha);
    const size = a ? undefined : files?.size(sha);
    if (!a && files && size !== undefined) {
      const stream = { open: () => files.open(sha), size };
      return { status: 200, type: 'application/octet-stream', body: Buffer.alloc(0), stream };
    }
    if (!a) throw new HttpError(404, 'no such artifact');
    // Always plain text or bytes, never HTML: a stored console cannot run script in the dashboard's origin.
    return {
      status: 200,
      type: a.kind === 'report' ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
      body: Buffer.from(a.content),
    };
  }
  if (seg[0] === 'api') {
    if (path === '/api/bugs') return json(200, await store.listBugs(parse(ListQuery, query)));
    if (seg[1] === 'bugs' && seg.length === 3) {
      const b = await store.getBug(intId(seg[2]));
      if (!b) throw new HttpError(404, 'no such bug');
      return json(200, b);
    }
    if (path === '/api/builds') return json(200, { builds: await store.listBuilds() });
    if (path === '/api/sweep') {
      const { bug, ...f } = parse(SweepQuery, query);
      return json(200, await store.sweepPage({ ...f, bugId: bug }));
    }
    if (path === '/api/flavours') return json(200, await store.flavourPage(parse(FlavourQuery, query)));
    if (path === '/api/runs') return json(200, { runs: await store.listRuns() });
    if (path === '/api/kernels') return json(200, { kernels: await store.listKernels() });
    if (seg[1] === 'gap' && seg.length === 3)
      return json(200, {
        kernel: decodeURIComponent(seg[2]),
        findings: await store.gapOf(decodeURIComponent(seg[2])),
      });
    if (path === '/api/compare' && query.a && query.b) return json(200, await store.compareKernels(query.a, query.b));
    throw new HttpError(404, `no such route: ${path}`);
  }
  if (path === '/') return htmlOut(await bugListPage(store, parse(ListQuery, query)));
  if (seg[0] === 'bug' && seg.length === 2) {
    const b = await store.getBug(intId(seg[1]));
    if (!b) throw new HttpError(404, 'no such bug');
    return htmlOut(await bugPage(store, b));
  }
  if (path === '/builds') return htmlOut(await buildsPage(store));
  if (path === '/runs') return htmlOut(await runsPage(store));
  if (path === '/sweep') {
    const { bug, ...f } = parse(SweepQuery, query);
    return htmlOut(await sweepPage(store, { ...f, bugId: bug }));
  }
  if (path === '/flavours') return htmlOut(await flavoursPage(store, parse(FlavourQuery, query)));
  if (seg[0] === 'gap' && seg.length === 2) return htmlOut(await gapPage(store, decodeURIComponent(seg[1])));
  if (path === '/compare') return htmlOut(await comparePage(store, query.a, query.b));
  throw new HttpError(404, `no such page: ${path}`);
}

/** GETs of the API and pages go through the cache (artifacts are immutable and cheap to read). */
async function answer(
  cache: ResponseCache,
  store: Store,
  o: ServeOptions,
  req: IncomingMessage,
  files?: ArtifactFiles,
): Promise<Reply> {
  const url = req.url ?? '/';
  if (o.noCache || req.method !== 'GET' || url.startsWith('/artifacts/')) return route(store, o, req, files);
  const version = await store.version();
  const hit = cache.get(url, version);
  if (hit) return { status: 200, ...hit };
  const r = await route(store, o, req);
  if (r.status === 200) cache.set(url, version, r.type, r.body);
  return r;
}

/** An uploaded artifact, streamed (a kernel is no body to hold in memory); HEAD gets only its headers. */
function sendFile(req: IncomingMessage, res: ServerResponse, r: Reply): void {
  const s = r.stream!;
  if (req.method === 'HEAD') return send(res, r.status, r.type, '', s.size);
  res.writeHead(r.status, {
    'content-type': r.type,
    'content-length': s.size,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'",
  });
  const f = s.open();
  f.on('error', () => res.destroy()); // removed under us: the client sees a short body, never a wrong one
  f.pipe(res);
}

export function createDashboard(store: Store, o: ServeOptions = {}): Server {
  const cache = new ResponseCache();
  const files = o.artifactDir ? new ArtifactFiles(o.artifactDir, o.maxArtifact) : undefined;
  return createServer((req, res) => {
    answer(cache, store, o, req, files)
      .then((r) => (r.stream ? sendFile(req, res, r) : send(res, r.status, r.type, r.body)))
      .catch((e: unknown) => {
        const status = e instanceof HttpError ? e.status : e instanceof KdkError ? 400 : 500;
        const message = e instanceof Error ? e.message : String(e);
        if (status === 500)
          process.stderr.write(`kdk serve: ${req.method} ${req.url}: ${(e as Error).stack ?? message}\n`);
        if (res.headersSent) return res.destroy();
        // A refused upload's body may still be coming: drain it so the client reads this answer; past the
        // size limit, close the connection instead of reading more.
        if (!req.complete) {
          if (status === 413) res.setHeader('connection', 'close');
          else req.resume();
        }
        if ((req.headers.accept ?? '').includes('text/html') && !(req.url ?? '').startsWith('/api/'))
          return send(res, status, 'text/html; charset=utf-8', page(`Error ${status}`, html`<p>${message}</p>`));
        const r = json(status, { error: message });
        send(res, r.status, r.type, r.body);
      });
  });
}

/** Starts listening; resolves with the bound port (0 picks a free one). */
export function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as { port: number }).port));
  });
}
