// kdk serve as the queue's artifact store: PUT /api/artifacts/<sha256> needs the token (401 without, 403 wrong or
// none configured), keeps a body only when it hashes to its name (400 otherwise, nothing left on disk), refuses
// bodies over the limit whether declared or streamed (413), and GET /artifacts/<sha256> gives the same bytes back
// (HEAD its length). The queue's own client (ArtifactServer) puts and fetches a real kernel image through it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';
import { createDashboard, listen } from '../../src/server/index.js';
import { ArtifactServer } from '../../src/queue/index.js';
import { tempDir } from '../store/tmp.js';
import { TOKEN } from './fixture.js';
import { stockKernel } from '../vm/fixtures.js';

const LIMIT = 1 << 20;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function serve(o: { token?: string; artifacts?: boolean; max?: number } = {}) {
  const dir = tempDir('kdk-serve-art-');
  const store: Store = await openStore(join(dir, 'kdk.db'));
  const artifactDir = o.artifacts === false ? undefined : join(dir, 'artifacts');
  const server = createDashboard(store, { token: o.token, artifactDir, maxArtifact: o.max ?? LIMIT });
  const port = await listen(server, 0);
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await store.close();
  });
  return { base: `http://127.0.0.1:${port}`, port, artifactDir };
}

/** A raw request; `chunked` sends the body without a content-length. */
function raw(
  port: number,
  method: string,
  path: string,
  body?: Buffer,
  headers: Record<string, string> = {},
  chunked = false,
) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    const h = { ...headers, ...(body && !chunked ? { 'content-length': String(body.length) } : {}) };
    const req = request({ host: '127.0.0.1', port, method, path, headers: h }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    if (body && chunked) {
      // In pieces, so the server sees the size only as it streams.
      for (let i = 0; i < body.length; i += 65536) req.write(body.subarray(i, i + 65536));
      req.end();
    } else req.end(body);
  });
}

const auth = { authorization: `Bearer ${TOKEN}` };

test('PUT /api/artifacts: token, hash and size checked; GET and HEAD give it back', async () => {
  const s = await serve({ token: TOKEN });
  const body = randomBytes(300_000);
  const name = sha(body);
  const put = (b: Buffer, h: Record<string, string>, n = name, chunked = false) =>
    raw(s.port, 'PUT', `/api/artifacts/${n}`, b, h, chunked);

  assert.equal((await put(body, {})).status, 401);
  assert.equal((await put(body, { authorization: 'Bearer not-the-token-at-all' })).status, 403);
  assert.equal((await put(body, auth, 'abc')).status, 400, 'not a sha256 name');
  const other = sha(Buffer.from('something else'));
  const mismatch = await put(body, auth, other);
  assert.equal(mismatch.status, 400);
  assert.match(JSON.parse(mismatch.body.toString()).error, /sha256 is [0-9a-f]{64}, not the/);
  const big = randomBytes(LIMIT + 1);
  assert.equal((await put(big, auth, sha(big))).status, 413, 'declared over the limit');
  assert.equal((await put(big, auth, sha(big), true)).status, 413, 'streamed over the limit');
  // Nothing refused was kept, not even a temp file.
  const left = existsSync(s.artifactDir!)
    ? readdirSync(s.artifactDir!, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    : [];
  assert.deepEqual(
    left.map((e) => e.name),
    [],
  );

  const created = await put(body, auth, name, true);
  assert.equal(created.status, 201, created.body.toString());
  assert.deepEqual(JSON.parse(created.body.toString()), { sha256: name, size: body.length, created: true });
  assert.equal((await put(body, auth)).status, 200, 'the same content again: already there');
  assert.ok(readFileSync(join(s.artifactDir!, name.slice(0, 2), name)).equals(body));

  const got = await raw(s.port, 'GET', `/artifacts/${name}`);
  assert.equal(got.status, 200);
  assert.equal(got.headers['content-type'], 'application/octet-stream');
  assert.ok(got.body.equals(body));
  const head = await raw(s.port, 'HEAD', `/artifacts/${name}`);
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], String(body.length));
  assert.equal((await raw(s.port, 'GET', `/artifacts/${other}`)).status, 404);
  assert.equal((await raw(s.port, 'POST', `/api/artifacts/${name}`, body, auth)).status, 200, 'POST as PUT');
});

test('uploads are refused by a server without a token or without an artifact directory', async () => {
  const body = Buffer.from('kernel bytes');
  const noToken = await serve({});
  assert.equal((await raw(noToken.port, 'PUT', `/api/artifacts/${sha(body)}`, body, auth)).status, 403);
  const noDir = await serve({ token: TOKEN, artifacts: false });
  const r = await raw(noDir.port, 'PUT', `/api/artifacts/${sha(body)}`, body, auth);
  assert.equal(r.status, 403);
  assert.match(JSON.parse(r.body.toString()).error, /--artifacts/);
});

test("the queue's client puts and fetches a kernel image through kdk serve, checking its hash", async () => {
  const kernel = stockKernel();
  const s = await serve({ token: TOKEN, max: 64 << 20 });
  const small = await serve({ token: TOKEN });
  process.env.KDK_CACHE = tempDir('kdk-art-cache-'); // the client's local copies (cacheDir reads it per call)
  const client = new ArtifactServer(s.base, TOKEN);
  const name = await client.put(kernel);
  const stored = join(s.artifactDir!, name.slice(0, 2), name);
  assert.ok(readFileSync(stored).equals(readFileSync(kernel)));
  assert.equal(await client.put(kernel), name, 'a second put finds it there (HEAD)');
  const local = await new ArtifactServer(s.base).fetch(name);
  assert.ok(local.startsWith(process.env.KDK_CACHE));
  assert.ok(readFileSync(local).equals(readFileSync(kernel)));

  // Damaged on the server: the download is refused, nothing kept.
  const bytes = readFileSync(stored);
  bytes[1000] ^= 0xff;
  writeFileSync(stored, bytes);
  process.env.KDK_CACHE = tempDir('kdk-art-cache-');
  await assert.rejects(client.fetch(name), /is damaged/);
  assert.deepEqual(readdirSync(join(process.env.KDK_CACHE, 'artifacts')), []);
  await assert.rejects(client.fetch('0'.repeat(64)), /is not on/);

  const fresh = join(tempDir(), 'new.bin');
  writeFileSync(fresh, randomBytes(1000));
  await assert.rejects(new ArtifactServer(s.base, 'wrong-token-0123456789').put(fresh), /\(403\): wrong token/);
  await assert.rejects(new ArtifactServer(s.base).put(fresh), /needs its write token/);
  await assert.rejects(new ArtifactServer(small.base, TOKEN).put(kernel), /\(413\)/);
  delete process.env.KDK_CACHE;
});
