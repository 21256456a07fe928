// `kdk report parse --db`: what the command printed is what the store holds (the sample LKDTM console in
// examples/logs/), and parsing the same console again records nothing more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import { openStore } from '../../src/store/index.js';

const kdk = (...args: string[]) =>
  spawnSync(process.execPath, [join(projectRoot, 'bin', 'kdk.js'), ...args], { encoding: 'utf8' });

test('kdk report parse --db records the reports it printed, once', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'kdk-parse-db-')), 'kdk.db');
  const log = join(projectRoot, 'examples', 'logs', 'lkdtm-warning.txt');
  const first = kdk('report', 'parse', log, '--json', '--db', db);
  assert.equal(first.status, 0, first.stderr);
  const printed = (JSON.parse(first.stdout) as { reports: { title: string }[] }).reports.map((r) => r.title);
  assert.ok(printed.length > 0, 'the sample console holds a crash');
  assert.equal(kdk('report', 'parse', log, '--json', '--db', db).status, 0);
  const store = await openStore(db);
  try {
    const { bugs } = await store.listBugs();
    assert.deepEqual(bugs.map((b) => b.title).sort(), [...new Set(printed)].sort());
    assert.equal(
      bugs.reduce((n, b) => n + b.crashes, 0),
      printed.length,
    );
  } finally {
    await store.close();
  }
});
