// Debian's packaging: patches carrying upstream fixes and changelog CVE entries close CVEs of plain upstream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './tmp.js';
import { skipIf } from '../helpers.js';
import { debianPackaging } from '../../src/distro/index.js';
import { parseKernelArg, queryCves, readDistroSource, parseChangelog } from '../../src/gap/index.js';
import { snapshotIndex, snapshotMissing } from './snapshot.js';

const CHANGELOG = `linux (6.1.150-2) bookworm-security; urgency=high

  * New upstream stable update:
    https://www.kernel.org/pub/linux/kernel/v6.x/ChangeLog-6.1.149
    - netfilter: something (CVE-2099-1111)
    https://www.kernel.org/pub/linux/kernel/v6.x/ChangeLog-6.1.151
    - bpf: another thing
      (CVE-2099-2222)

  [ Someone ]
  * b: fix use-after-free (CVE-2023-52452)

 -- Someone <s@example.org>  Mon, 01 Jan 2026 00:00:00 +0000
`;

test('changelog entries: upstream stable release per CVE, and Debian-own items', () => {
  const cl = parseChangelog(CHANGELOG);
  assert.equal(cl.version, '6.1.150-2');
  assert.deepEqual(
    cl.cves.map((c) => [c.cve, c.upstreamStable ?? 'debian', c.line]),
    [
      ['CVE-2099-1111', '6.1.149', 5],
      ['CVE-2099-2222', '6.1.151', 7],
      ['CVE-2023-52452', 'debian', 11],
    ],
  );
});

test(
  'a patch naming a CVE fix commit closes it; unapplied patches do not',
  { skip: skipIf(snapshotMissing) },
  async () => {
    const root = tempDir('kdk-distro-');
    const pd = join(root, 'debian', 'patches', 'bugfix', 'all');
    mkdirSync(pd, { recursive: true });
    writeFileSync(join(root, 'debian', 'changelog'), CHANGELOG);
    // CVE-2023-52452's mainline fix (6b4a64bafd10), carried as a backport; CVE-2023-52490's in a patch not in series.
    writeFileSync(
      join(pd, 'bpf-fix-uninit-stack.patch'),
      'From: x\nSubject: [PATCH] bpf: Fix accesses to uninit stack slots\n\ncommit 6b4a64bafd107e521c01eec3453ce94a3fb38529 upstream.\n---\n a | 1 +\n',
    );
    writeFileSync(
      join(pd, 'unapplied.patch'),
      'Subject: mm: fix\nOrigin: https://git.kernel.org/linus/d1adb25df7111de83b64655a80b5a135adbded61\n---\n',
    );
    writeFileSync(join(root, 'debian', 'patches', 'series'), 'bugfix/all/bpf-fix-uninit-stack.patch\n');
    const r = queryCves(await snapshotIndex(), parseKernelArg('6.1.150'), readDistroSource(root));
    const f = (id: string) => r.findings.find((x) => x.cve === id)!;
    assert.equal(f('CVE-2023-52452').status, 'fixed-by-distro-patch');
    assert.match(
      f('CVE-2023-52452').evidence!,
      /^debian\/patches\/bugfix\/all\/bpf-fix-uninit-stack\.patch \(upstream commit 6b4a64bafd10\)/,
    );
    assert.equal(f('CVE-2023-52490').status, 'open');
    assert.equal(r.distro!.closedByPatch, 1);
  },
);

test(
  "Debian's own packaging: the CVEs open in plain upstream that its patches close, each named",
  { skip: skipIf(snapshotMissing) },
  async (t) => {
    let pkg: ReturnType<typeof debianPackaging>;
    try {
      pkg = debianPackaging();
    } catch (err) {
      t.skip(`Debian's packaging cannot be fetched here: ${(err as Error).message}`);
      process.stderr.write(`SKIP: ${(err as Error).message}\n`);
      return;
    }
    const upstream = /^(\d+\.\d+\.\d+)-/.exec(pkg.version)![1];
    const r = queryCves(await snapshotIndex(), parseKernelArg(upstream), readDistroSource(pkg.dir));
    const byPatch = r.findings.filter((x) => x.status === 'fixed-by-distro-patch');
    process.stderr.write(
      `gap: Debian ${pkg.version}: ${r.findings.length} CVEs open in plain ${upstream}; ${byPatch.length} closed by Debian patches: ${byPatch.map((x) => `${x.cve} <- ${x.evidence}`).join('; ')}; ${r.distro!.closedPerChangelog} more fixed per debian/changelog\n`,
    );
    assert.ok(
      byPatch.every((x) => /^debian\/patches\/\S+\.patch /.test(x.evidence!)),
      'each closure names its patch file',
    );
    assert.ok(r.distro!.patches > 50);
    if (pkg.version === '6.1.187-1') {
      assert.deepEqual(
        byPatch.map((x) => x.cve),
        ['CVE-2026-46000'],
      );
      assert.match(
        byPatch[0].evidence!,
        /rxrpc-Fix-conn-level-packet-handling-to-unshare-RESP\.patch \(upstream commit 24481a7f5733\)/,
      );
    }
  },
);

// The issue's reference upload: 6.1.176-1 (a revert of the 6.1.175 backport that brought two CVEs in, and three
// upstream fixes carried as patches), checked by hand against the patches and the .dyad files.
const DEBIAN_176 = [
  ['CVE-2025-38349', 'revert-epoll-use-refcount-to-reduce-ep_mutex-content.patch'],
  ['CVE-2026-46000', 'rxrpc-Fix-conn-level-packet-handling-to-unshare-RESP.patch'],
  ['CVE-2026-46242', 'revert-epoll-use-refcount-to-reduce-ep_mutex-content.patch'],
  ['CVE-2026-46331', 'net-sched-fix-pedit-partial-COW-leading-to-page-cach.patch'],
  ['CVE-2026-52909', 'ip6_vti-set-netns_immutable-on-the-fallback-device.patch'],
];

test(
  'Debian 6.1.176-1 closes five CVEs of plain 6.1.176 with its own patches',
  { skip: skipIf(snapshotMissing) },
  async (t) => {
    let pkg: ReturnType<typeof debianPackaging>;
    try {
      pkg = debianPackaging({ version: '6.1.176-1' });
    } catch (err) {
      process.stderr.write(`SKIP: ${(err as Error).message}\n`);
      t.skip(`Debian's 6.1.176-1 packaging cannot be fetched here: ${(err as Error).message}`);
      return;
    }
    const r = queryCves(await snapshotIndex(), parseKernelArg('6.1.176'), readDistroSource(pkg.dir));
    const closed = r.findings
      .filter((x) => x.status === 'fixed-by-distro-patch')
      .map((x) => [x.cve, x.evidence.split(' ')[0].split('/').pop()]);
    assert.deepEqual(closed, DEBIAN_176);
    process.stderr.write(
      `gap: Debian 6.1.176-1: ${r.findings.length} CVEs open in plain 6.1.176, ${closed.length} closed by its patches\n`,
    );
  },
);
