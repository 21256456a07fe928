// `--db` on the commands that produce results (issue 11, Recording): `kdk run` and `kdk gap cves` record what they
// printed, and running the same command twice adds nothing (a run is keyed by its console's sha256, a gap
// report by its content). The run boots the cached small test kernel with the sample LKDTM reproducer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import { openStore } from '../../src/store/index.js';
import { kdk, smallKernel, tmp } from '../vm/fixtures.js';

const kernel = await smallKernel();

async function counts(db: string) {
  const store = await openStore(db);
  try {
    const { bugs } = await store.listBugs();
    return { bugs: bugs.map((b) => [b.title, b.crashes]), runs: (await store.listRuns()).length };
  } finally {
    await store.close();
  }
}

test('kdk run --db records the crash it printed, once; a second identical result adds nothing', async () => {
  const db = join(tmp('kdk-record-'), 'kdk.db');
  const repro = join(projectRoot, 'examples', 'bugs', 'lkdtm-warning', 'repro.c');
  const r = await kdk(['run', '--kernel', kernel.bzImage, '--repro', repro, '--json', '--db', db]);
  assert.equal(r.code, 1, r.stderr); // the crash was found
  const printed = JSON.parse(r.stdout) as { runs: { crashes: { title: string }[] }[] };
  const titles = printed.runs.flatMap((x) => x.crashes.map((c) => c.title));
  assert.ok(titles.length > 0, r.stderr);
  assert.match(r.stderr, /kdk: recorded: 0 build\(s\), 1 run\(s\)/);
  const after = await counts(db);
  assert.deepEqual(after.bugs.map((b) => b[0]).sort(), [...new Set(titles)].sort());
  assert.equal(after.runs, 1);
  // The same --json document ingested again (as `kdk ingest` of the saved output would): nothing added.
  const saved = join(tmp('kdk-record-'), 'run.json');
  writeFileSync(saved, r.stdout);
  const again = await kdk(['ingest', '--db', db, saved]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(await counts(db), after);
});

test('kdk gap cves --db records its findings; the same query twice adds nothing; a bad store is exit 2', async () => {
  const db = join(tmp('kdk-record-'), 'kdk.db');
  const first = await kdk(['gap', 'cves', '--kernel-version', '6.1.170', '--json', '--db', db]);
  assert.equal(first.code, 1, first.stderr); // open CVEs found
  const open = (JSON.parse(first.stdout) as { findings: unknown[] }).findings.length;
  const m = /recorded: .* (\d+) gap finding\(s\)/.exec(first.stderr);
  assert.equal(Number(m?.[1]), open, first.stderr);
  const second = await kdk(['gap', 'cves', '--kernel-version', '6.1.170', '--json', '--db', db]);
  assert.match(second.stderr, /already recorded/);
  const bad = await kdk(['gap', 'cves', '--kernel-version', '6.1.170', '--db', '/proc/no-such-dir/kdk.db']);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /no-such-dir/);
  assert.ok(!/\n\s+at /.test(bad.stderr), `no stack trace:\n${bad.stderr}`);
});
