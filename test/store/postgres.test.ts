// The same store suite on a real PostgreSQL (a throwaway cluster from Debian's postgresql-15), and the lossless
// move of a store SQLite → PostgreSQL → SQLite through `db export`/`db import` (equal exports).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';
import { storeSuite } from './suite.js';
import { pgUnavailable, startPg, type PgCluster } from './pg.js';
import { tempDir } from './tmp.js';
import { corpusCases, haveCorpus } from './corpus-logs.js';
import { flavourDoc } from './flavour-doc.js';
import { projectRoot, skipIf } from '../helpers.js';

const why = pgUnavailable();
let pg: PgCluster | undefined;
let n = 0;
before(async () => {
  if (!why) pg = await startPg();
});
after(() => pg?.stop());

const freshPg = async (): Promise<Store> => {
  const name = `t${++n}`;
  pg!.createDb(name);
  return openStore(pg!.url(name));
};

storeSuite('postgres', freshPg, () => why);

async function exportTo(store: Store, file: string): Promise<string> {
  const out = createWriteStream(file);
  await store.export(out);
  out.end();
  await finished(out);
  return readFileSync(file, 'utf8');
}

test(
  'db export/import: SQLite → PostgreSQL → SQLite gives equal exports',
  {
    skip: skipIf(why ?? (haveCorpus() ? undefined : 'no syzkaller corpus')),
  },
  async () => {
    const dir = tempDir();
    const a = await openStore(join(dir, 'a.db'));
    for (const c of corpusCases(15)) {
      const p = join(dir, c.name);
      writeFileSync(p, c.log);
      await a.ingest(p, { kernel: Number(c.name) % 2 ? '6.1.150' : '6.1.160' });
    }
    const [first] = (await a.listBugs()).bugs;
    await a.setVerdict(first.id, '6.1.150', 'fix-missing', 'abc not in branch');
    await a.importUpstream([
      {
        id: 'syzbot:x',
        source: 'syzbot',
        title: first.title,
        status: 'fixed',
        matchKey: 'k',
        fixCommits: [{ title: 't', hash: 'ab' }],
      },
    ]);
    assert.equal((await a.record(await flavourDoc(), 'kdk flavour')).flavours, 1);
    const e1 = await exportTo(a, join(dir, 'a.jsonl'));
    assert.equal(e1.match(/^{"table":"flavours"/gm)?.length, 1);
    await a.close();
    const p = await freshPg();
    assert.ok((await p.import(createReadStream(join(dir, 'a.jsonl')), 'a.jsonl')) > 20);
    const e2 = await exportTo(p, join(dir, 'p.jsonl'));
    // PostgreSQL's sequences moved past the imported ids: a new bug gets a fresh id.
    const extra = corpusCases(16)[15];
    writeFileSync(join(dir, 'extra.log'), extra.log);
    await p.close();
    const b = await openStore(join(dir, 'b.db'));
    await b.import(createReadStream(join(dir, 'p.jsonl')), 'p.jsonl');
    const e3 = await exportTo(b, join(dir, 'b.jsonl'));
    await b.close();
    assert.equal(e2, e1);
    assert.equal(e3, e1);
    const p2 = await openStore(pg!.url(`t${n}`));
    const r = await p2.ingest(join(dir, 'extra.log'), { kernel: '6.1.150' });
    assert.equal(r.crashes, 1);
    // The flavour came along: recording it again adds nothing.
    assert.equal((await p2.record(await flavourDoc(), 'kdk flavour')).already, true);
    assert.equal((await p2.listFlavours()).length, 1);
    await p2.close();
  },
);

test('a PostgreSQL store made at schema version 3 gets the flavours table on open', { skip: skipIf(why) }, async () => {
  const name = `t${++n}`;
  pg!.createDb(name);
  const old = await openStore(pg!.url(name), { schemaVersion: 3 });
  assert.equal((await old.ingest(join(projectRoot, 'examples', 'logs', 'lkdtm-warning.txt'))).crashes, 1);
  await old.close();
  const s = await openStore(pg!.url(name));
  try {
    assert.equal((await s.listBugs()).total, 1);
    assert.equal((await s.record(await flavourDoc(), 'kdk flavour')).flavours, 1);
    assert.equal((await s.listFlavours()).length, 1);
  } finally {
    await s.close();
  }
});

/** The trigram indexes a database holds. */
const trigramIndexes = (db: string) =>
  pg!.psql(db, "select indexname from pg_indexes where indexname like '%trgm' order by 1").split('\n').filter(Boolean);

/** Every title search on the corpus's own titles answers as the titles say (ground truth: the headers). */
async function searchMatchesTitles(s: Store, cases: ReturnType<typeof corpusCases>): Promise<void> {
  for (const c of cases) {
    const q = c.want.title.slice(0, 12).toUpperCase();
    const want = cases.filter((o) => o.want.title.toUpperCase().includes(q)).map((o) => o.want.title);
    const got = (await s.listBugs({ q, limit: 500 })).bugs.map((b) => b.title);
    assert.deepEqual(got.sort(), [...new Set(want)].sort(), q);
  }
}

test(
  'a role that may not create pg_trgm still gets a store: search by LIKE without the indexes, a notice saying why; they come once the extension is there',
  { skip: skipIf(why ?? (haveCorpus() ? undefined : 'no syzkaller corpus')) },
  async () => {
    const name = `t${++n}`;
    pg!.createDb(name);
    // CONNECT on a database it does not own and a schema to write in: no right to create an extension.
    const role = `plain_${name}`;
    pg!.psql(
      name,
      `create role ${role} login; grant connect on database ${name} to ${role}; grant usage, create on schema public to ${role}`,
    );
    const notes: string[] = [];
    const s = await openStore(pg!.url(name, role), { notice: (l) => notes.push(l) });
    const cases = corpusCases(10);
    const dir = tempDir();
    try {
      assert.equal(notes.length, 1, notes.join('\n'));
      assert.match(notes[0], /pg_trgm.*permission denied/);
      assert.deepEqual(trigramIndexes(name), []);
      for (const c of cases) {
        writeFileSync(join(dir, c.name), c.log);
        await s.ingest(join(dir, c.name), { kernel: 'k1' });
      }
      await searchMatchesTitles(s, cases);
    } finally {
      await s.close();
    }
    // The database's owner (here the superuser) creates the extension: the role's next open adds the indexes.
    pg!.psql(name, 'create extension pg_trgm');
    const again = await openStore(pg!.url(name, role), { notice: (l) => notes.push(l) });
    try {
      assert.equal(notes.length, 1);
      assert.deepEqual(trigramIndexes(name), ['bug_titles_title_trgm', 'bugs_title_trgm']);
      await searchMatchesTitles(again, cases);
    } finally {
      await again.close();
    }
  },
);

test(
  'a database owner that is no superuser creates pg_trgm itself (a trusted extension)',
  { skip: skipIf(why) },
  async () => {
    const name = `t${++n}`;
    const role = `owner_${name}`;
    pg!.psql('postgres', `create role ${role} login`);
    pg!.psql('postgres', `create database ${name} owner ${role}`);
    const notes: string[] = [];
    const s = await openStore(pg!.url(name, role), { notice: (l) => notes.push(l) });
    await s.close();
    assert.deepEqual(notes, []);
    assert.deepEqual(trigramIndexes(name), ['bug_titles_title_trgm', 'bugs_title_trgm']);
  },
);
