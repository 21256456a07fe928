// The store suite on SQLite, plus what only a file store has: versioned migrations on open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, SCHEMA_VERSION } from '../../src/store/index.js';
import { storeSuite } from './suite.js';
import { tempDir } from './tmp.js';
import { corpusCases, haveCorpus } from './corpus-logs.js';
import { flavourDoc } from './flavour-doc.js';
import { projectRoot, skipIf } from '../helpers.js';

storeSuite(
  'sqlite',
  () => openStore(join(tempDir(), 'kdk.db')),
  () => undefined,
);

test('an older store is upgraded on open; a newer one is refused naming both versions', async () => {
  const file = join(tempDir(), 'old.db');
  const old = await openStore(file, { schemaVersion: 1 });
  await old.close();
  const version = () =>
    Number(
      (new Database(file).prepare("select value from kdk_meta where key='schema_version'").get() as { value: string })
        .value,
    );
  assert.equal(version(), 1);
  const s = await openStore(file);
  assert.equal((await s.listBugs()).total, 0); // the v2 tables the list joins exist
  await s.close();
  assert.equal(version(), SCHEMA_VERSION);
  const raw = new Database(file);
  raw.prepare("update kdk_meta set value='99' where key='schema_version'").run();
  raw.close();
  await assert.rejects(openStore(file), (e: Error) => {
    assert.match(e.message, new RegExp(`version 99 is newer than this kdk's version ${SCHEMA_VERSION}`));
    return true;
  });
});

test(
  "a store filled before version 3 gets its search index and bugs' kernel names on upgrade",
  { skip: skipIf(haveCorpus() ? undefined : 'no ../shared/corpora/syzkaller-report') },
  async () => {
    const dir = tempDir();
    const file = join(dir, 'v2.db');
    const cases = corpusCases(10);
    const s3 = await openStore(file, { schemaVersion: 3 });
    for (const c of cases) {
      writeFileSync(join(dir, c.name), c.log);
      await s3.ingest(join(dir, c.name), { kernel: 'k1' });
    }
    await s3.close();
    // Back to what version 2 had (this kdk's ingest writes version 3's column): without step 3's table,
    // triggers and column (it was made at version 3, so steps 4 and 5 never ran).
    const raw = new Database(file);
    for (const t of ['bugs_search_ins', 'bugs_search_upd', 'bugs_search_del'])
      raw.exec(`drop trigger ${t}; drop trigger ${t.replace('bugs_', 'bug_titles_')}`);
    raw.exec(
      "drop table bug_search; alter table bugs drop column kernels; update kdk_meta set value = '2' where key = 'schema_version'",
    );
    raw.close();
    const s = await openStore(file);
    try {
      for (const c of cases) {
        const q = c.want.title.slice(0, 12).toUpperCase();
        const want = cases.filter((o) => o.want.title.toUpperCase().includes(q)).map((o) => o.want.title);
        const got = (await s.listBugs({ q, limit: 500 })).bugs;
        assert.deepEqual(got.map((b) => b.title).sort(), [...new Set(want)].sort(), q);
        for (const b of got) assert.deepEqual(b.kernels, ['k1']);
      }
    } finally {
      await s.close();
    }
  },
);

test('a store made at schema version 3 gets the flavours table on open and keeps what it held', async () => {
  const file = join(tempDir(), 'v3.db');
  const log = join(projectRoot, 'examples', 'logs', 'lkdtm-warning.txt');
  const old = await openStore(file, { schemaVersion: 3 });
  assert.equal((await old.ingest(log, { kernel: 'k1' })).crashes, 1);
  await old.close();
  const tables = () => {
    const raw = new Database(file);
    try {
      return (raw.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map(
        (t) => t.name,
      );
    } finally {
      raw.close();
    }
  };
  assert.ok(!tables().includes('flavours'));
  const s = await openStore(file);
  try {
    assert.ok(tables().includes('flavours'));
    assert.deepEqual(
      (await s.listBugs()).bugs.map((b) => b.kernels),
      [['k1']],
    );
    const doc = await flavourDoc();
    assert.equal((await s.record(doc, 'kdk flavour')).flavours, 1);
    const [f] = await s.listFlavours();
    assert.equal(f.configHash, doc.configHash);
    // The same report from another output directory is the same flavour.
    const moved = { ...doc, out: '/elsewhere', written: [] };
    assert.equal((await s.record(moved, 'kdk flavour')).already, true);
    const report = JSON.parse(readFileSync(join(String(doc.out), 'report.json'), 'utf8')) as unknown;
    assert.deepEqual(JSON.parse(Buffer.from((await s.getArtifact(f.reportSha))!.content).toString('utf8')), report);
  } finally {
    await s.close();
  }
});
