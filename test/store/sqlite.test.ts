// The store suite on SQLite, plus what only a file store has: versioned migrations on open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, SCHEMA_VERSION } from '../../src/store/index.js';
import { storeSuite } from './suite.js';
import { tempDir } from './tmp.js';

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
