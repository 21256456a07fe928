// `kdk abi` on real builds of the small test kernel (abi-kernels.ts: the test kernel every VM test boots, and
// the same plus DEBUG_CREDENTIALS): two builds that differ only in
// DEBUG_CREDENTIALS, which changes struct cred's layout, break the ABI in exactly the exports that reach struct
// cred (commit_creds...), while one that does not (crc7_be in lib/crc7.ko) keeps its CRC; the same build dumped
// twice, or dumped from its headers .deb, is no change; Debian's own CheckAbi gives the same verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { abiKernel } from './abi-kernels.js';
import { debianCheckAbi, kdk, kdkCheckAbi } from './abi-helpers.js';
import { packagesSkipReason } from '../../src/util/deps.js';
import { BUILD_PACKAGES } from '../../src/build/index.js';

const run = (args: string[]) => spawnSync(process.execPath, [kdk, ...args], { encoding: 'utf8' });

test(
  'kdk abi on two real builds: a struct layout change breaks the exports that reach it',
  { skip: packagesSkipReason(BUILD_PACKAGES) },
  async (t) => {
    const base = await abiKernel('base');
    const cred = await abiKernel('cred');
    for (const [n, k] of Object.entries({ base, cred }))
      t.diagnostic(
        `${n}: ${k.dir}, built ${k.record.builtAt}: ${k.record.buildSeconds.toFixed(0)} s wall, ${k.record.cpuSeconds} CPU-s, ccache ${k.record.ccache?.hits}/${k.record.ccache?.misses} hits/misses`,
      );
    const tmp = mkdtempSync(join(tmpdir(), 'kdk-abi-'));
    try {
      const dump = (src: string, out: string) => {
        const r = run(['abi', 'dump', src, '--out', join(tmp, out)]);
        assert.equal(r.status, 0, r.stderr);
        return readFileSync(join(tmp, out), 'utf8');
      };
      const a1 = dump(base.dir, 'base-1');
      const a2 = dump(base.dir, 'base-2');
      const fromDeb = dump(base.headersDeb, 'base-deb');
      assert.equal(a1, a2, 'dumping a build is deterministic');
      assert.equal(fromDeb, a1, 'the headers .deb carries the build ABI');
      assert.ok(!/\t0x00000000\t|^0x00000000/m.test(a1), 'MODVERSIONS: every symbol has a CRC');

      const same = kdkCheckAbi(join(tmp, 'base-1'), base.headersDeb);
      assert.equal(same.status, 0);
      assert.equal(same.verdict, 'unchanged');

      const broke = kdkCheckAbi(base.dir, cred.dir);
      assert.equal(broke.status, 1, 'a changed struct breaks the ABI');
      assert.equal(broke.verdict, 'changed');
      const changed = new Set(broke.doc.changed.map((c) => c.name));
      for (const s of ['commit_creds', 'prepare_creds', 'override_creds', 'revert_creds'])
        assert.ok(changed.has(s), `${s} takes a struct cred: its CRC changes`);
      assert.ok(!changed.has('crc7_be'), 'crc7_be reaches no struct cred: unchanged');
      for (const c of broke.doc.changed) {
        assert.deepEqual(c.fields, ['crc'], `${c.name}: only the CRC differs`);
        assert.match(c.reason ?? '', /^reason unknown: no debug info/);
      }
      t.diagnostic(`${changed.size} of ${a1.split('\n').length - 1} exports changed CRC`);

      const deb = debianCheckAbi(join(tmp, 'base-1'), cred.symvers);
      assert.equal(deb.status, broke.status, "Debian's CheckAbi: same exit");
      assert.equal(deb.verdict, broke.verdict);
      assert.deepEqual(deb.sections, broke.sections);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
);
