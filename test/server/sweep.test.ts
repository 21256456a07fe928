// The dashboard's sweep and flavours views on real records, on SQLite and on the throwaway PostgreSQL: two real
// `kdk sweep --json` reports (test/server/data: the small test kernel as shipped, and built with the corpus'
// fixes reverted) through `kdk ingest`, the default debug flavour composed on Debian's tree through the store API,
// then `GET /api/sweep` (filters, paging, validation), `GET /api/flavours`, the /sweep and /flavours pages, the
// bug page's sweep lines, and the response cache seeing a sweep ingested over `POST /api/ingest`. A kernel named
// with markup stands for hostile input: it must show as text everywhere.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SWEEP_ASSESSMENTS, SWEEP_VERDICTS, type SweepRow } from '../../src/store/index.js';
import type { Assessment, SweepVerdict } from '../../src/sweep/index.js';
import { esc } from '../../src/server/index.js';
import { pgUnavailable, startPg, type PgCluster } from '../store/pg.js';
import { tempDir } from '../store/tmp.js';
import { flavourDoc } from '../store/flavour-doc.js';
import { skipIf } from '../helpers.js';
import {
  HOSTILE,
  REVERTED,
  SHIPPED,
  SHIPPED_NAME,
  TOKEN,
  report,
  serveSweeps,
  type SweepServed,
} from './sweep-fixture.js';

// The server validates against the store's lists; tsc checks they are the sweep stage's own words.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const verdictsAgree: Same<(typeof SWEEP_VERDICTS)[number], SweepVerdict> = true;
const assessmentsAgree: Same<(typeof SWEEP_ASSESSMENTS)[number], Assessment> = true;
test('the filters offer exactly what kdk sweep records', () => assert.ok(verdictsAgree && assessmentsAgree));

const pgWhy = pgUnavailable();
let pg: PgCluster | undefined;
before(async () => {
  if (!pgWhy) pg = await startPg();
});
after(() => pg?.stop());

const stores: [string, () => Promise<string>, string | false][] = [
  ['sqlite', async () => join(tempDir('kdk-sweep-serve-'), 'kdk.db'), false],
  [
    'postgres',
    async () => {
      pg!.createDb('sweep');
      return pg!.url('sweep');
    },
    skipIf(pgWhy),
  ],
];

for (const [dialect, target, skip] of stores) {
  describe(`sweep and flavours on ${dialect}`, { skip }, () => {
    let s: SweepServed;
    before(async () => {
      s = await serveSweeps(await target());
    });
    after(() => s?.close());
    const get = async (path: string) => {
      const r = await fetch(s.base + path);
      return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
    };
    const api = async (path: string) => {
      const r = await get(path);
      assert.equal(r.status, 200, `${path}: ${r.body}`);
      return JSON.parse(r.body) as { verdicts: SweepRow[]; total: number };
    };
    const reverted = report(REVERTED);
    const shipped = report(SHIPPED);

    test('GET /api/sweep: a verdict per (kernel, bug) as the reports say, filters, paging, validation', async () => {
      const all = await api('/api/sweep?limit=500');
      assert.equal(all.total, reverted.results.length + shipped.results.length);
      assert.equal(all.verdicts.length, all.total);
      for (const [doc, kernel] of [
        [reverted, reverted.kernel.image],
        [shipped, SHIPPED_NAME],
      ] as const)
        for (const r of doc.results) {
          const v = all.verdicts.find((x) => x.kernel === kernel && x.bundle === r.bundle);
          assert.ok(v, `${kernel} ${r.bundle}`);
          assert.equal(v.bug, r.title);
          assert.equal(v.verdict, r.verdict);
          assert.equal(v.assessment ?? undefined, r.assessment);
          assert.equal(v.fixCommit ?? undefined, r.fixCommit);
          assert.deepEqual(v.fix, r.fix);
          assert.deepEqual([v.hits, v.runs], [r.hits, r.runs]);
          assert.equal(v.kernelSha256, doc.kernel.sha256);
          assert.equal(typeof v.bugId, 'number');
        }
      // By kernel name then bug title.
      const order = all.verdicts.map((v) => `${v.kernel}\0${v.bug}`);
      assert.deepEqual(order, [...order].sort());
      const k = encodeURIComponent(reverted.kernel.image);
      const onReverted = await api(`/api/sweep?kernel=${k}`);
      assert.equal(onReverted.total, reverted.results.length);
      const repro = await api('/api/sweep?verdict=reproduces');
      const want = [...reverted.results, ...shipped.results].filter((r) => r.verdict === 'reproduces').length;
      assert.equal(repro.total, want);
      assert.ok(repro.verdicts.every((v) => v.verdict === 'reproduces'));
      const both = await api(`/api/sweep?kernel=${k}&verdict=reproduces`);
      assert.deepEqual(
        both.verdicts.map((v) => v.assessment),
        ['missing backport', 'missing backport'],
      );
      const missing = await api(`/api/sweep?assessment=${encodeURIComponent('missing backport')}`);
      assert.deepEqual(
        missing.verdicts.map((v) => [v.kernel, v.verdict]),
        [
          [reverted.kernel.image, 'reproduces'],
          [reverted.kernel.image, 'reproduces'],
        ],
      );
      const fd = all.verdicts.find((v) => v.bundle.endsWith('/fdtable-int-max'))!;
      const ofBug = await api(`/api/sweep?bug=${fd.bugId}`);
      assert.deepEqual(ofBug.verdicts.map((v) => v.kernel).sort(), [reverted.kernel.image, SHIPPED_NAME].sort());
      const page = await api('/api/sweep?limit=2&offset=1');
      assert.deepEqual(page.verdicts, all.verdicts.slice(1, 3));
      assert.equal(page.total, all.total);
      // A form's empty "any" fields are no filter; nothing else unchecked gets through.
      assert.equal((await api('/api/sweep?kernel=&verdict=&assessment=&bug=')).total, all.total);
      for (const [q, field] of [
        ['verdict=crashes', /verdict/],
        ['assessment=backport', /assessment/],
        ['limit=100000', /limit/],
        ['offset=-1', /offset/],
        ['bug=1;drop', /bug/],
        [`kernel=${'x'.repeat(5000)}`, /kernel/],
      ] as const) {
        const r = await get(`/api/sweep?${q}`);
        assert.equal(r.status, 400, q);
        assert.match(JSON.parse(r.body).error, field);
      }
    });

    test('GET /api/flavours: the flavour recorded, its profiles and the kernel it names', async () => {
      const doc = (await flavourDoc()) as { configHash: string; profile: { profiles: string[] } };
      const r = await get('/api/flavours');
      assert.equal(r.status, 200);
      assert.match(r.type, /json/);
      const { flavours, total } = JSON.parse(r.body) as {
        flavours: Awaited<ReturnType<SweepServed['store']['listFlavours']>>;
        total: number;
      };
      assert.equal(total, 1);
      const [f] = flavours;
      assert.equal(f.configHash, doc.configHash);
      assert.deepEqual(f.profiles, doc.profile.profiles);
      assert.equal(f.base, 'amd64');
      assert.equal(f.name, `amd64-${doc.profile.profiles.join('+')}`);
      assert.match(String(f.kernel), /^6\.1\.\d+-kdk-/);
      assert.equal(f.kernel, (await s.store.listFlavours())[0].kernel);
      assert.equal((await get('/api/flavours?limit=0')).status, 400);
    });

    test('pages: /sweep per kernel with links to the bugs, /flavours, and the bug page says where it reproduces', async () => {
      const list = await get('/sweep');
      assert.equal(list.status, 200);
      assert.match(list.type, /text\/html/);
      assert.match(list.body, /<a href="\/sweep">sweep<\/a\s*><a href="\/flavours">flavours<\/a>/);
      const kernels = [...list.body.matchAll(/<h2 class="kernel">([^<]*)<\/h2>/g)].map((m) => m[1]);
      assert.deepEqual(kernels, [reverted.kernel.image, SHIPPED_NAME].sort());
      const all = await api('/api/sweep?limit=500');
      for (const v of all.verdicts) assert.ok(list.body.includes(`<a class="bug" href="/bug/${v.bugId}">`), v.bug);
      assert.match(list.body, /<span class="missing">missing backport<\/span>/);
      assert.match(list.body, /<td title="6eabce6608d6f3440f4c03aa3d3ef50a47a3d193"><code>6eabce6608d6<\/code><\/td>/);
      const filtered = await get('/sweep?verdict=not-applicable');
      assert.equal(filtered.body.match(/<a class="bug"/g)?.length, 2);
      const fd = all.verdicts.find((v) => v.bundle.endsWith('/fdtable-int-max'))!;
      const bug = await get(`/bug/${fd.bugId}`);
      assert.equal(bug.status, 200);
      const text = bug.body.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
      assert.ok(
        text.includes(`reproduces (1/1) on ${reverted.kernel.image}: missing backport of 04a2c4b4511d`),
        text.slice(0, 2000),
      );
      assert.ok(text.includes(`no-crash (0/1) on ${SHIPPED_NAME}: fixed by 04a2c4b4511d`));
      // A bug no sweep ran has no sweep section.
      const other = (await s.store.listBugs({ limit: 500 })).bugs.find(
        (b) => !all.verdicts.some((v) => v.bugId === b.id),
      );
      if (other) assert.doesNotMatch((await get(`/bug/${other.id}`)).body, /<h2>Sweeps<\/h2>/);
      const fl = await get('/flavours');
      assert.equal(fl.status, 200);
      const [f] = await s.store.listFlavours();
      assert.ok(fl.body.includes(`<td>${f.name}</td>`));
      assert.ok(fl.body.includes(`<td>${f.profiles.join(' ')}</td>`));
      assert.ok(fl.body.includes(`<a href="/?kernel=${encodeURIComponent(f.kernel!)}">${f.kernel}</a>`));
      assert.ok(fl.body.includes(`<a href="/artifacts/${f.reportSha}">report.json</a>`));
      assert.equal((await get('/sweep?verdict=<script>')).status, 400);
    });

    test('a sweep posted to /api/ingest shows at once (the cache moves); a kernel named with markup is text', async () => {
      const before = await api('/api/sweep');
      await get('/sweep'); // cached now, on SQLite
      const r = await fetch(`${s.base}/api/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'sweep.json', content: readFileSync(REVERTED, 'utf8'), kernel: HOSTILE }),
      });
      assert.equal(r.status, 200, await r.clone().text());
      assert.equal(((await r.json()) as { verdicts: number }).verdicts, reverted.results.length);
      const after = await api('/api/sweep');
      assert.equal(after.total, before.total + reverted.results.length);
      const mine = await api(`/api/sweep?kernel=${encodeURIComponent(HOSTILE)}`);
      assert.equal(mine.total, reverted.results.length);
      const pageBody = (await get('/sweep')).body;
      const fd = after.verdicts.find((v) => v.bundle.endsWith('/fdtable-int-max'))!;
      for (const body of [pageBody, (await get(`/bug/${fd.bugId}`)).body]) {
        assert.doesNotMatch(body, /<script>|<img src=x/i);
        assert.ok(body.includes('6.1.176-&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;&lt;img'));
      }
      // The kernel filter offers it, escaped in the attribute.
      assert.ok(pageBody.includes(`<option value="${esc(HOSTILE)}"`));
    });
  });
}
