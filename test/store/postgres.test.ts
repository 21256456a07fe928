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
