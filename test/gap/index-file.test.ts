// The index file read in place (what `kdk gap cves` opens: only the CVEs it prints are parsed) answers exactly
// as the full index a build returns in memory, on the shared snapshot: the same JSON and the same rendered
// report, byte for byte, for several kernels of two stable branches, a release, an -rc and a Debian upload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, skipIf } from '../helpers.js';
import {
  buildIndex,
  chooseDistroSource,
  openCveTable,
  parseKernelSpec,
  queryCves,
  renderCves,
} from '../../src/gap/index.js';
import { snapshotIndex, snapshotMissing, SNAPSHOT } from './snapshot.js';
import { tempDir } from './tmp.js';

const KERNELS = ['6.1.192', '6.1.170', '6.12.30', '6.1', '6.9-rc3', '6.1.192-3'];

test(
  'the index file read in place gives the full index its output, byte for byte',
  { skip: skipIf(snapshotMissing), timeout: 600_000 },
  async () => {
    const cached = await snapshotIndex(); // the cache's file, fully parsed: for its tree and key
    // The full path: the index built straight from the records, never through the file's encoding.
    const full = await buildIndex(cached.tree, join(tempDir('kdk-index-file-'), 'index.bin'), {
      key: cached.key,
      source: cached.source,
    });
    const { table } = await openCveTable({ tarball: SNAPSHOT });
    assert.equal(table.size, full.cves.length);
    for (const kernel of KERNELS) {
      const spec = parseKernelSpec(kernel);
      const choice = await chooseDistroSource(spec, {});
      const about = { debianVersion: spec.debian, distroNote: choice.note };
      const want = queryCves(full, spec.version, choice.source, about);
      const got = queryCves(table, spec.version, choice.source, about);
      assert.ok(want.findings.length > 0, `${kernel}: some CVEs open (else the comparison says little)`);
      assert.equal(JSON.stringify(got, null, 2), JSON.stringify(want, null, 2), `${kernel}: JSON`);
      for (const f of ['text', 'markdown', 'html'] as const)
        assert.equal(renderCves(got, f), renderCves(want, f), `${kernel}: ${f}`);
    }
    // And the command itself: `kdk gap cves --json` prints what the full index gives.
    const kdk = spawnSync(
      process.execPath,
      [join(projectRoot, 'bin', 'kdk.js'), 'gap', 'cves', '--kernel', '6.1.192', '--json'],
      { encoding: 'utf8', maxBuffer: 1 << 28 },
    );
    assert.equal(kdk.status, 1, kdk.stderr); // open CVEs found
    const want = queryCves(full, parseKernelSpec('6.1.192').version, undefined, {
      distroNote: (await chooseDistroSource(parseKernelSpec('6.1.192'), {})).note,
    });
    assert.equal(kdk.stdout, JSON.stringify(want, null, 2) + '\n');
  },
);

test('a build removes index files of superseded formats from the cache, and keeps its own', async () => {
  const cache = tempDir('kdk-index-cache-');
  const vulns = join(cache, 'vulns');
  const tree = join(tempDir('kdk-index-tree-'), '2024');
  for (const d of [vulns, tree]) mkdirSync(d, { recursive: true });
  const stale = ['index-39ba5f7f6ef62e80.json', 'index-39ba5f7f6ef62e80-f7.json', 'index-0123456789abcdef-f5.bin'];
  for (const n of [...stale, 'hash-memo.json', 'current.json']) writeFileSync(join(vulns, n), '{}');
  writeFileSync(join(tree, 'CVE-2024-0001.dyad'), `6.1:${'a'.repeat(40)}:6.2:${'b'.repeat(40)}\n`);
  const r = spawnSync(
    process.execPath,
    [join(projectRoot, 'bin', 'kdk.js'), 'gap', 'cves', '--vulns', join(tree, '..'), '--kernel', '6.1.5', '--json'],
    { encoding: 'utf8', env: { ...process.env, KDK_CACHE: cache } },
  );
  assert.equal(r.status, 1, r.stderr);
  const left = readdirSync(vulns).sort();
  for (const n of stale) assert.ok(!left.includes(n), `${n} removed (left: ${left.join(' ')})`);
  assert.ok(existsSync(join(vulns, 'hash-memo.json')) && existsSync(join(vulns, 'current.json')));
  assert.equal(left.filter((n) => /^index-[0-9a-f]{16}-f\d+\.bin$/.test(n)).length, 1, left.join(' '));
});
