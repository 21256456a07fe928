// Upstream bugs on a store of real consoles: syzbot's public JSON (fixtures under data/ written by hand in the
// shapes of google/syzkaller dashboard/api, as the issue allows) and the CVE records of the shared snapshot that
// quote a crash title (ground truth: CVE-2022-48956 quotes the KASAN report of syzkaller's corpus case 475).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import { cveUpstreams, readSyzbotFile } from '../../src/triage/index.js';
import { loadReportCase } from '../report/corpus.js';
import { haveCorpus } from '../store/corpus-logs.js';
import { tempDir } from '../store/tmp.js';
import { snapshotIndex, snapshotMissing } from '../gap/snapshot.js';
import { projectRoot, skipIf } from '../helpers.js';

const data = join(projectRoot, 'test', 'triage', 'data');
const noCorpus = haveCorpus() ? undefined : 'no ../shared/corpora/syzkaller-report';

async function storeWith(cases: string[]) {
  const dir = tempDir();
  const store = await openStore(join(dir, 'kdk.db'));
  for (const n of cases) {
    const p = join(dir, `${n}.log`);
    writeFileSync(p, loadReportCase(n).log);
    await store.ingest(p, { kernel: '6.1.150' });
  }
  return store;
}

test('syzbot JSON: a bug list and a bug page; errors name the file and field', () => {
  const list = readSyzbotFile(join(data, 'syzbot-fixed.json'));
  assert.deepEqual(
    list.map((b) => [b.id, b.status, b.fixCommits.length]),
    [
      ['syzbot:kdkfixture0000000001', 'fixed', 1],
      ['syzbot:kdkfixture0000000002', 'open', 0],
    ],
  );
  assert.equal(readSyzbotFile(join(data, 'syzbot-fixed.json'), 'open')[0].status, 'open');
  const one = readSyzbotFile(join(data, 'syzbot-bug.json'));
  assert.equal(one[0].id, 'syzbot:kdkfixture0000000003');
  const bad = join(tempDir(), 'bad.json');
  writeFileSync(bad, JSON.stringify({ version: 1, Bugs: [{ link: 'x' }] }));
  assert.throws(
    () => readSyzbotFile(bad),
    (e: Error & { file?: string }) => e.file === bad && /Bugs\.0\.title/.test(e.message),
  );
});

test('distro bugs show the syzbot bugs they match, with the fix commit', { skip: skipIf(noCorpus) }, async () => {
  const store = await storeWith(['475', '1000']);
  try {
    await store.importUpstream([
      ...readSyzbotFile(join(data, 'syzbot-fixed.json')),
      ...readSyzbotFile(join(data, 'syzbot-bug.json')),
    ]);
    const { bugs } = await store.listBugs();
    const uaf = bugs.find((b) => b.title === 'KASAN: use-after-free Read in ip6_fragment')!;
    assert.deepEqual(
      uaf.upstream.map((u) => u.id),
      ['syzbot:kdkfixture0000000001'],
    );
    assert.equal(uaf.upstream[0].fixCommits[0].hash, '0123456789abcdef0123456789abcdef01234567');
    const other = bugs.find((b) => b !== uaf)!;
    assert.deepEqual(other.upstream, []);
  } finally {
    await store.close();
  }
});

test(
  'CVE records quoting a crash title are a second source',
  { skip: skipIf(noCorpus ?? snapshotMissing) },
  async () => {
    const store = await storeWith(['475', '1000']);
    try {
      await store.importUpstream(cveUpstreams(await snapshotIndex()));
      const { bugs } = await store.listBugs();
      const uaf = bugs.find((b) => b.title === 'KASAN: use-after-free Read in ip6_fragment')!;
      assert.ok(uaf.cves.includes('CVE-2022-48956'), JSON.stringify(uaf.cves));
      const cve = uaf.upstream.find((u) => u.id.startsWith('cve:CVE-2022-48956'))!;
      assert.ok(cve.fixCommits.length > 0 && cve.fixCommits.every((c) => /^[0-9a-f]{40}$/.test(c.hash!)));
      // The case-1000 hang quotes no CVE.
      assert.deepEqual(bugs.find((b) => b !== uaf)!.cves, []);
    } finally {
      await store.close();
    }
  },
);
