// Reading a live vulns checkout (--vulns DIR), bad records, the CLI, and `kdk gap update`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDir } from './tmp.js';
import { spawnSync } from 'node:child_process';
import { projectRoot, skipIf } from '../helpers.js';
import { SNAPSHOT, snapshotMissing } from './snapshot.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');
const REAL = ['2024/CVE-2024-26581', '2023/CVE-2023-52452', '2024/CVE-2024-26616'];

/** A small vulns checkout: three real records from the snapshot plus a malformed dyad and a malformed JSON. */
function makeTree(): { root: string; cache: string } {
  const root = tempDir('kdk-vulns-');
  const members = REAL.flatMap((r) => ['dyad', 'json', 'sha1'].map((e) => `vulns/cve/published/${r}.${e}`));
  const r = spawnSync('tar', ['-xJf', SNAPSHOT, '-C', root, '--strip-components=1', ...members]);
  assert.equal(r.status, 0, String(r.stderr));
  const y = join(root, 'cve', 'published', '2025');
  mkdirSync(y, { recursive: true });
  writeFileSync(
    join(y, 'CVE-2025-0001.dyad'),
    `6.1.4:${'b'.repeat(40)}:6.1.9:${'c'.repeat(40)}\nthis is not a dyad line\n`,
  );
  writeFileSync(join(y, 'CVE-2025-0001.json'), '{"cveMetadata": {"cveId": "CVE-2025-0001"}, "containers": ');
  writeFileSync(join(y, 'CVE-2025-0001.sha1'), 'c'.repeat(40) + '\n');
  writeFileSync(join(y, 'CVE-2025-0002.dyad'), `5.10:${'d'.repeat(40)}:6.8:${'e'.repeat(40)}\n`);
  writeFileSync(
    join(y, 'CVE-2025-0002.json'),
    '{"cveMetadata": {"cveId": "CVE-2025-0002"}, "containers": {"cna": {}}}',
  );
  return { root, cache: tempDir('kdk-cache-') };
}

const kdkRun = (args: string[], cache: string) =>
  spawnSync(process.execPath, [kdk, ...args], { encoding: 'utf8', env: { ...process.env, KDK_CACHE: cache } });

test(
  'a live checkout is indexed; malformed dyad lines and JSON records are named and the rest analysed',
  { skip: skipIf(snapshotMissing) },
  () => {
    const { root, cache } = makeTree();
    const r = kdkRun(['gap', 'cves', '--vulns', root, '--kernel', '6.1.5', '--json'], cache);
    assert.equal(r.status, 1, r.stderr); // open CVEs found
    const out = JSON.parse(r.stdout) as {
      findings: { cve: string; fixedIn?: string }[];
      problems: { file: string; line?: number; message: string }[];
    };
    const ids = out.findings.map((f) => f.cve).sort();
    assert.deepEqual(ids, ['CVE-2023-52452', 'CVE-2025-0001', 'CVE-2025-0002']);
    assert.equal(out.findings.find((f) => f.cve === 'CVE-2025-0001')!.fixedIn, '6.1.9');
    const probs = out.problems.map((p) => `${p.file.split('/').pop()}:${p.line ?? ''}:${p.message.split(':')[0]}`);
    assert.ok(probs.includes('CVE-2025-0001.dyad:2:malformed dyad line "this is not a dyad line"'), probs.join('\n'));
    assert.ok(
      probs.some((p) => p.startsWith('CVE-2025-0001.json::invalid JSON')),
      probs.join('\n'),
    );
    assert.ok(
      probs.some((p) => p.startsWith('CVE-2025-0002.json::unexpected CVE record shape')),
      probs.join('\n'),
    );
    assert.match(r.stderr, /CVE-2025-0001\.dyad:2: malformed dyad line/);
    // Nothing but finished files in the cache: the index was written atomically.
    assert.ok(readdirSync(join(cache, 'vulns')).every((n) => !n.includes('.tmp-')));
  },
);

test('bad input: a bad --kernel and a missing --vulns directory are usage errors', () => {
  const cache = tempDir('kdk-cache-');
  const bad = kdkRun(['gap', 'cves', '--kernel', '6.1.x'], cache);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--kernel "6\.1\.x" is not a kernel version/);
  const missing = kdkRun(['gap', 'cves', '--kernel', '6.1.1', '--vulns', '/nonexistent/vulns'], cache);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no such directory/);
});

test(
  'kdk gap update --from a git URL clones, indexes and becomes the default source',
  { skip: skipIf(snapshotMissing) },
  () => {
    const { root, cache } = makeTree();
    for (const args of [
      ['init', '-q'],
      ['add', '-A'],
      ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'records'],
    ]) {
      assert.equal(spawnSync('git', ['-C', root, ...args]).status, 0);
    }
    const up = kdkRun(['gap', 'update', '--from', `file://${root}`, '--json'], cache);
    assert.equal(up.status, 0, up.stderr);
    const summary = JSON.parse(up.stdout) as { cves: number; index: string };
    assert.equal(summary.cves, 5);
    assert.ok(existsSync(summary.index));
    const q = kdkRun(['gap', 'cves', '--kernel', '6.1.50', '--json'], cache);
    const ids = (JSON.parse(q.stdout) as { findings: { cve: string }[] }).findings.map((f) => f.cve).sort();
    assert.deepEqual(ids, ['CVE-2023-52452', 'CVE-2024-26581', 'CVE-2025-0002']);
  },
);

test('--help shows an example', () => {
  const r = kdkRun(['gap', 'cves', '--help'], tmpdir());
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Example:\n\s+kdk gap cves --kernel-version 6\.1\.192/);
});

test(
  '--report writes an HTML review page and --format markdown prints a table',
  { skip: skipIf(snapshotMissing) },
  () => {
    const { root, cache } = makeTree();
    const html = join(cache, 'weekly.html');
    const r = kdkRun(
      ['gap', 'cves', '--vulns', root, '--kernel', '6.1.50', '--format', 'markdown', '--report', html],
      cache,
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^# CVEs affecting Linux 6\.1\.50$/m);
    assert.match(
      r.stdout,
      /^\| CVE-2024-26581 \| 1296c110c5a0 60c0c230c6f0 \| 6\.1\.78 \| net\/netfilter\/nft_set_rbtree\.c \|/m,
    );
    const page = readFileSync(html, 'utf8');
    assert.match(page, /<td>CVE-2023-52452<\/td><td>6b4a64bafd10<\/td><td>no fix on this branch<\/td>/);
  },
);

test('indexing without a TTY prints plain progress lines, no record ids', async () => {
  const { buildIndex } = await import('../../src/gap/index.js');
  const { makeProgress } = await import('../../src/util/progress.js');
  const dir = tempDir('kdk-index-progress-');
  const year = join(dir, '2024');
  mkdirSync(year);
  // 1,500 records: enough for the indexer to report progress once.
  for (let i = 0; i < 1500; i++) writeFileSync(join(year, `CVE-2024-${10000 + i}.dyad`), '# no versions\n');
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stderr.write;
  try {
    await buildIndex(dir, join(dir, 'index.json'), { key: 'k', source: dir }, makeProgress({ tty: false }));
  } finally {
    process.stderr.write = write;
  }
  assert.ok(lines.length >= 2, lines.join(''));
  assert.ok(
    lines.every((l) => l.startsWith('kdk: ')),
    lines.join(''),
  );
  assert.ok(!lines.some((l) => /CVE-\d{4}-\d+/.test(l)), lines.join(''));
});
