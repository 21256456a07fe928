// The JSON API and pages over a store of real consoles: reads, paging and filters, Bearer-token writes
// (401/403), validated bodies, artifacts only by sha256 (no path traversal of any spelling), escaped crash text.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import { serveCorpus, TOKEN, type Served } from './fixture.js';
import { haveCorpus } from '../store/corpus-logs.js';
import { skipIf } from '../helpers.js';

const skip = skipIf(haveCorpus() ? undefined : 'no ../shared/corpora/syzkaller-report');
let s: Served;
before(async () => {
  if (!skip) s = await serveCorpus();
});
after(() => s?.close());

/** A raw request: the path goes on the wire exactly as given (fetch would normalise `..`). */
function raw(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    const u = new URL(s.base);
    const req = request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (b += c));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: b }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('GET /api/bugs: the documented fields, paging, text/status/kernel filters', { skip }, async () => {
  const all = JSON.parse((await raw('GET', '/api/bugs?limit=500')).body);
  assert.equal(all.total, all.bugs.length);
  assert.ok(all.total >= 5);
  for (const b of all.bugs)
    for (const k of ['id', 'title', 'crashes', 'firstSeen', 'lastSeen', 'kernels', 'upstream', 'fixVerdict', 'cves'])
      assert.ok(k in b, `${k} in a bug`);
  assert.ok(all.bugs.some((b: { title: string }) => b.title === s.titles[1]));
  const page = JSON.parse((await raw('GET', '/api/bugs?limit=2&offset=1')).body);
  assert.deepEqual(
    page.bugs.map((b: { id: number }) => b.id),
    all.bugs.slice(1, 3).map((b: { id: number }) => b.id),
  );
  const q = encodeURIComponent(s.titles[1]);
  const hit = JSON.parse((await raw('GET', `/api/bugs?q=${q}`)).body);
  assert.ok(hit.bugs.length >= 1 && hit.bugs.every((b: { title: string }) => b.title.includes(s.titles[1])));
  const k = JSON.parse((await raw('GET', '/api/bugs?kernel=6.1.150&limit=500')).body);
  assert.ok(k.total > 0 && k.total < all.total);
  assert.ok(k.bugs.every((b: { kernels: string[] }) => b.kernels.includes('6.1.150')));
  // A filter form's empty "any" fields are no filter (the browser test found this).
  assert.equal(JSON.parse((await raw('GET', '/api/bugs?q=&status=&kernel=&limit=500')).body).total, all.total);
  const bad = await raw('GET', '/api/bugs?limit=100000');
  assert.equal(bad.status, 400);
  assert.match(JSON.parse(bad.body).error, /limit/);
  const one = JSON.parse((await raw('GET', `/api/bugs/${all.bugs[0].id}`)).body);
  assert.equal(one.title, all.bugs[0].title);
  assert.equal((await raw('GET', '/api/bugs/99999')).status, 404);
  assert.equal((await raw('GET', '/api/bugs/1;drop')).status, 404);
});

test('writes need the Bearer token: 401 without, 403 wrong; bodies are validated and bounded', { skip }, async () => {
  const body = JSON.stringify({ status: 'fixed' });
  assert.equal((await raw('POST', '/api/bugs/1/status', body)).status, 401);
  assert.equal((await raw('POST', '/api/bugs/1/status', body, { authorization: 'Basic abc' })).status, 401);
  const wrong = await raw('POST', '/api/bugs/1/status', body, { authorization: 'Bearer nope' });
  assert.equal(wrong.status, 403);
  assert.match(wrong.type, /json/);
  assert.ok(JSON.parse(wrong.body).error);
  const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const invalid = await raw('POST', '/api/bugs/1/status', JSON.stringify({ status: 'gone' }), auth);
  assert.equal(invalid.status, 400);
  assert.match(JSON.parse(invalid.body).error, /status/);
  assert.equal((await raw('POST', '/api/bugs/1/status', '{not json', auth)).status, 400);
  const big = JSON.stringify({ name: 'x.log', content: 'a'.repeat(33 << 20) });
  assert.equal((await raw('POST', '/api/ingest', big, auth)).status, 413);
  const badName = await raw('POST', '/api/ingest', JSON.stringify({ name: '../../etc/x', content: 'x' }), auth);
  assert.equal(badName.status, 400);
  // A real console uploaded (another run's: one more line): ingested, and the same upload again adds nothing.
  const stored = (await s.store.getArtifact((await s.store.getBug(1))!.crashList[0].consoleSha!))!.content;
  const log = Buffer.concat([Buffer.from(stored), Buffer.from('\n')]);
  const up = JSON.stringify({
    name: 'up.log',
    content: Buffer.from(log).toString('base64'),
    encoding: 'base64',
    kernel: 'up',
  });
  const r1 = JSON.parse((await raw('POST', '/api/ingest', up, auth)).body);
  assert.equal(r1.crashes, 1);
  const r2 = JSON.parse((await raw('POST', '/api/ingest', up, auth)).body);
  assert.equal(r2.already, true);
  assert.equal((await raw('POST', '/api/bugs/1/status', JSON.stringify({ status: 'open' }), auth)).status, 200);
});

test(
  '/artifacts/:sha256 serves stored content and nothing else (.., %2e%2e, absolute, symlinks)',
  { skip },
  async () => {
    const bug = (await s.store.getBug(1))!;
    const sha = bug.crashList[0].consoleSha!;
    const ok = await raw('GET', `/artifacts/${sha}`);
    assert.equal(ok.status, 200);
    assert.match(ok.type, /^text\/plain/);
    for (const p of [
      '/artifacts/../../etc/passwd',
      '/artifacts/..%2f..%2fetc%2fpasswd',
      '/artifacts/%2e%2e/%2e%2e/etc/passwd',
      '/artifacts/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/artifacts//etc/passwd',
      '/artifacts/%2fetc%2fpasswd',
      `/artifacts/${s.dir}/passwd-link`,
      '/artifacts/passwd-link',
      `/artifacts/${sha}/..`,
      `/artifacts/${sha.toUpperCase()}`,
      `/artifacts/${'0'.repeat(64)}`,
    ]) {
      const r = await raw('GET', p);
      assert.ok(r.status >= 400 && r.status < 500, `${p}: ${r.status}`);
      assert.doesNotMatch(r.body, /root:x:0:0/);
    }
  },
);

test('crash text is escaped: <script> in a console or a title shows as text', { skip }, async () => {
  const list = await raw('GET', '/?q=script');
  assert.equal(list.status, 200);
  assert.doesNotMatch(list.body, /<script>/i);
  assert.match(list.body, /WARNING in &lt;script&gt;alert\(1\)&lt;\/script&gt;_fn/);
  const id = JSON.parse((await raw('GET', '/api/bugs?q=script')).body).bugs[0].id;
  const page = await raw('GET', `/bug/${id}`);
  assert.doesNotMatch(page.body, /<script>/i);
  assert.match(page.body, /&lt;script&gt;alert\(2\)&lt;\/script&gt;/);
  // The corpus console with an injected script line: the bug page's console excerpt shows it escaped.
  const first = JSON.parse((await raw('GET', `/api/bugs?q=${encodeURIComponent(s.titles[0])}`)).body).bugs[0];
  const p2 = await raw('GET', `/bug/${first.id}`);
  assert.match(
    p2.body,
    /&lt;script&gt;document\.title=&quot;pwned&quot;&lt;\/script&gt;&lt;img src=x onerror=alert\(1\)&gt;/,
  );
  assert.doesNotMatch(p2.body, /<script>|<img src=x/i);
});

test('pages: builds, runs, gap of a kernel, kernel A vs B, and unknown routes as JSON errors', { skip }, async () => {
  for (const p of ['/builds', '/runs', '/gap/6.1.150', '/compare', '/compare?a=6.1.150&b=6.1.160']) {
    const r = await raw('GET', p);
    assert.equal(r.status, 200, p);
    assert.match(r.type, /text\/html/);
  }
  const cmp = JSON.parse((await raw('GET', '/api/compare?a=6.1.150&b=6.1.160')).body);
  const both = JSON.parse((await raw('GET', '/api/bugs?limit=500')).body).bugs;
  const onB = both.filter(
    (b: { kernels: string[] }) => b.kernels.includes('6.1.160') && !b.kernels.includes('6.1.150'),
  );
  assert.equal(cmp.newInB.length, onB.length);
  const nf = await raw('GET', '/api/nothing');
  assert.equal(nf.status, 404);
  assert.ok(JSON.parse(nf.body).error);
  assert.equal((await raw('DELETE', '/api/bugs/1')).status, 405);
});

test('cached answers follow the store: a commit by another connection shows on the next GET', { skip }, async () => {
  const before = JSON.parse((await raw('GET', '/api/bugs?limit=500')).body).total;
  assert.equal(JSON.parse((await raw('GET', '/api/bugs?limit=500')).body).total, before);
  const other = await openStore(join(s.dir, 'kdk.db'));
  const p = join(s.dir, 'late.json');
  writeFileSync(
    p,
    JSON.stringify({
      reports: [
        {
          title: 'WARNING in late_fn',
          altTitles: [],
          type: 'WARNING',
          corrupted: false,
          panicked: false,
          start: 0,
          end: 1,
          text: 'x',
          frames: [],
        },
      ],
    }),
  );
  await other.ingest(p, { kernel: 'late' });
  await other.close();
  assert.equal(JSON.parse((await raw('GET', '/api/bugs?limit=500')).body).total, before + 1);
});
