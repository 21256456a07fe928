// Debian's own fixes counted by default for a Debian kernel version: dpkg's version order (checked against
// dpkg itself), the source chosen (cached packaging, else the changelog linux-source ships), uploads after the
// asked version not counted, and a fix that a later upload reverts open again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tempDir } from './tmp.js';
import { skipIf } from '../helpers.js';
import { which } from '../../src/util/proc.js';
import {
  chooseDistroSource,
  compareDebianVersions,
  linuxSourceChangelog,
  parseKernelArg,
  parseKernelSpec,
  queryCves,
  readDistroSource,
} from '../../src/gap/index.js';
import { snapshotIndex, snapshotMissing } from './snapshot.js';

const INSTALLED = linuxSourceChangelog('6.1');

test(
  "Debian versions sort as dpkg sorts them (every upload of linux-source's changelog, and edge cases)",
  {
    skip: skipIf(which('dpkg') ? (existsSync(INSTALLED) ? undefined : `${INSTALLED} missing`) : 'no dpkg'),
  },
  () => {
    const uploads = [
      ...gunzipSync(readFileSync(INSTALLED))
        .toString('utf8')
        .matchAll(/^linux \(([^)]+)\)/gm),
    ].map((m) => m[1]);
    const edge = ['6.1.129-1~bpo11+1', '6.1.129-1', '6.1.129-1+deb12u1', '1:6.1-1', '6.1~rc3-1', '6.1-1', '6.1a-1'];
    const all = [...new Set([...uploads.slice(0, 60), ...edge])];
    assert.ok(uploads.length > 100, `${uploads.length} uploads`);
    for (let i = 0; i < all.length; i++) {
      const j = (i * 7 + 3) % all.length;
      const [a, b] = [all[i], all[j]];
      const ours = Math.sign(compareDebianVersions(a, b));
      const dpkg = ['lt', 'eq', 'gt'].find((op) => spawnSync('dpkg', ['--compare-versions', a, op, b]).status === 0);
      assert.equal(['lt', 'eq', 'gt'][ours + 1], dpkg, `${a} vs ${b}`);
    }
  },
);

test('--kernel 6.1.192-3 is a Debian version of upstream 6.1.192; 6.9-rc3 stays an upstream -rc', () => {
  assert.deepEqual(
    [parseKernelSpec('6.1.192-3').debian, parseKernelSpec('6.1.192-3').version.text],
    ['6.1.192-3', '6.1.192'],
  );
  assert.equal(parseKernelSpec('6.9-rc3').debian, undefined);
  assert.equal(parseKernelSpec('6.9-rc3').version.text, '6.9-rc3');
});

// Two uploads: 6.1.150-1 brings two CVE fixes (one upstream, one Debian's own); 6.1.152-1 reverts the first.
const CHANGELOG = `linux (6.1.152-1) bookworm-security; urgency=high

  * New upstream stable update:
    https://www.kernel.org/pub/linux/kernel/v6.x/ChangeLog-6.1.151
    - Revert "bpf: Fix accesses to uninit stack slots" (regression in
      6.1.149)

 -- Someone <s@example.org>  Tue, 02 Jan 2026 00:00:00 +0000

linux (6.1.150-1) bookworm-security; urgency=high

  * New upstream stable update:
    https://www.kernel.org/pub/linux/kernel/v6.x/ChangeLog-6.1.149
    - bpf: Fix accesses to uninit stack slots (CVE-2023-52452)
  * mm: fix a thing (CVE-2023-52490)

 -- Someone <s@example.org>  Mon, 01 Jan 2026 00:00:00 +0000
`;

test(
  'a fix that a later upload reverts is open again; an upload before the revert still has it',
  { skip: skipIf(snapshotMissing) },
  async () => {
    const root = tempDir('kdk-debfix-');
    mkdirSync(join(root, 'debian'));
    writeFileSync(join(root, 'debian', 'changelog'), CHANGELOG);
    const index = await snapshotIndex();
    const after = queryCves(index, parseKernelArg('6.1.152'), readDistroSource(root));
    const f = after.findings.find((x) => x.cve === 'CVE-2023-52452')!;
    assert.equal(f.status, 'open');
    assert.match(
      f.evidence,
      /debian\/changelog:14: upstream 6\.1\.149 .*then debian\/changelog:5: fix reverted in 6\.1\.152-1/,
    );
    assert.equal(after.distro!.reopenedByRevert, 1);
    // Asked about 6.1.150-1, the revert (6.1.152-1) is a later upload and does not count.
    const before = await chooseDistroSource(parseKernelSpec('6.1.150-1'), { distroSource: root });
    const r = queryCves(index, parseKernelArg('6.1.150'), before.source);
    assert.equal(r.findings.find((x) => x.cve === 'CVE-2023-52452')!.status, 'fixed');
  },
);

test(
  'a Debian version counts the changelog linux-source ships when no packaging is cached; upstream says it does not',
  { skip: skipIf(snapshotMissing) },
  async () => {
    const dir = tempDir('kdk-debfix-');
    const cl = join(dir, 'changelog.Debian.gz');
    writeFileSync(cl, gzipSync(CHANGELOG));
    const saved = process.env.KDK_CACHE;
    process.env.KDK_CACHE = join(dir, 'empty-cache');
    try {
      const index = await snapshotIndex();
      const spec = parseKernelSpec('6.1.150-1');
      const choice = await chooseDistroSource(spec, { changelogFile: () => cl });
      assert.equal(choice.source?.changelogFile, cl);
      const r = queryCves(index, spec.version, choice.source, { debianVersion: spec.debian });
      const st = (id: string) => r.findings.find((x) => x.cve === id)!;
      assert.equal(st('CVE-2023-52452').status, 'fixed');
      assert.equal(st('CVE-2023-52490').status, 'fixed-by-distro-patch');
      assert.match(st('CVE-2023-52490').evidence, /changelog\.Debian\.gz:15: Debian upload 6\.1\.150-1/);
      assert.equal(r.distro!.origin, 'changelog');
      const plain = await chooseDistroSource(parseKernelSpec('6.1.150'), { changelogFile: () => cl });
      assert.equal(plain.source, undefined);
      assert.match(plain.note!, /distro fixes are not counted/);
      const asked = await chooseDistroSource(parseKernelSpec('6.1.150'), { distro: 'debian', changelogFile: () => cl });
      assert.equal(asked.source?.changelogFile, cl);
      await assert.rejects(chooseDistroSource(spec, { distro: 'fedora' }), /only debian/);
    } finally {
      if (saved === undefined) delete process.env.KDK_CACHE;
      else process.env.KDK_CACHE = saved;
    }
  },
);

test(
  "the installed linux-source changelog: how many CVEs open in plain upstream Debian's changelog marks fixed",
  { skip: skipIf(snapshotMissing ?? (existsSync(INSTALLED) ? undefined : `${INSTALLED} missing`)) },
  async () => {
    const saved = process.env.KDK_CACHE;
    process.env.KDK_CACHE = tempDir('kdk-debfix-cache-');
    try {
      const version = /^linux \(([^)]+)\)/.exec(gunzipSync(readFileSync(INSTALLED)).toString('utf8'))![1];
      const spec = parseKernelSpec(version);
      const choice = await chooseDistroSource(spec, {});
      assert.equal(choice.source?.changelogFile, INSTALLED);
      const r = queryCves(await snapshotIndex(), spec.version, choice.source, { debianVersion: spec.debian });
      const closed = r.findings.filter((x) => x.status !== 'open');
      process.stderr.write(
        `gap: ${version}: ${r.findings.length} CVEs open in plain ${spec.version.text}, ${closed.length} marked fixed by ${INSTALLED}, ${r.distro!.reopenedByRevert} reopened by reverts\n`,
      );
      assert.ok(closed.length > 0);
      assert.ok(
        closed.every((x) => x.evidence.startsWith(`${INSTALLED}:`)),
        closed[0]?.evidence,
      );
    } finally {
      if (saved === undefined) delete process.env.KDK_CACHE;
      else process.env.KDK_CACHE = saved;
    }
  },
);
