// `kdk abi` on real builds of the small test kernel (abi-kernels.ts: the test kernel every VM test boots, and
// the same plus DEBUG_CREDENTIALS): two builds that differ only in
// DEBUG_CREDENTIALS, which changes struct cred's layout, break the ABI in exactly the exports that reach struct
// cred (commit_creds...), while one that does not (crc7_be in lib/crc7.ko) keeps its CRC; the same build dumped
// twice, or dumped from its headers .deb, is no change; Debian's own CheckAbi gives the same verdict.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { abiKernel } from './abi-kernels.js';
import { debianCheckAbi, kdk, kdkCheckAbi, type KdkDiff } from './abi-helpers.js';
import { packagesSkipReason } from '../../src/util/deps.js';
import { ABIGAIL_PACKAGES, BUILD_PACKAGES } from '../../src/build/index.js';

const run = (args: string[]) => spawnSync(process.execPath, [kdk, ...args], { encoding: 'utf8' });

/** sizeof(struct cred) in bytes as gdb reads it from a vmlinux's DWARF: ground truth that is not libabigail. */
function gdbSizeofCred(vmlinux: string): number {
  const r = spawnSync('gdb', ['-batch', '-nx', '-ex', 'print sizeof(struct cred)', vmlinux], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const m = /^\$1 = (\d+)$/m.exec(r.stdout);
  assert.ok(m, `gdb on ${vmlinux}: ${r.stdout}${r.stderr}`);
  return Number(m[1]);
}

/**
 * libabigail's explanation (both kernels have DWARF): the exports that take a struct cred are explained by it,
 * with the size change gdb reads from the two vmlinux files; each changed CRC has a reason, never none.
 */
function explainedByStructCred(t: TestContext, doc: KdkDiff, oldVmlinux: string, newVmlinux: string): void {
  const skip = packagesSkipReason(ABIGAIL_PACKAGES);
  if (skip) {
    t.diagnostic(`libabigail not available (${skip}): each changed CRC must say why it is unexplained`);
    for (const c of doc.changed) assert.match(c.reason ?? '', /^reason unknown: /);
    return;
  }
  const e = doc.explanation!;
  assert.equal(e.tool, 'libabigail', JSON.stringify(e));
  const bits = [oldVmlinux, newVmlinux].map((v) => gdbSizeofCred(v) * 8);
  const byName = new Map(doc.changed.map((c) => [c.name, c]));
  for (const s of ['commit_creds', 'prepare_creds', 'override_creds', 'revert_creds', 'abort_creds']) {
    const c = byName.get(s)!;
    const cred = c.changedTypes?.find((x) => x.type === 'struct cred');
    assert.ok(cred, `${s}: explained by struct cred (${c.reason})`);
    const m = /^size (\d+) -> (\d+) bits, 3 data members inserted/.exec(cred.summary);
    assert.ok(m, cred.summary);
    assert.deepEqual([Number(m[1]), Number(m[2])], bits, 'the size change gdb sees');
    assert.match(c.reason!, /^libabigail: struct cred: size \d+ -> \d+ bits/);
  }
  assert.ok(bits[1] > bits[0], 'DEBUG_CREDENTIALS makes struct cred larger');
  for (const c of doc.changed) assert.ok(c.reason && c.reason.length > 0, `${c.name}: a reason`);
  for (const c of doc.changed.filter((x) => !x.changedTypes?.length))
    assert.match(c.reason!, /^(libabigail saw no type change|reason unknown: )/, c.name);
  const cred = e.types.find((x) => x.type === 'struct cred')!;
  assert.ok(cred.symbols > doc.changed.length * 0.9, `struct cred reaches ${cred.symbols} of ${doc.changed.length}`);
  const steps = e.steps!.map((s) => `${s.step.split(' ')[0]} ${s.cached ? 'cached' : `${s.seconds.toFixed(1)} s`}`);
  t.diagnostic(
    `libabigail ${e.version}: ${steps.join(', ')}; struct cred ${bits[0]} -> ${bits[1]} bits (gdb) explains ${cred.symbols}, ${e.unexplained} without a type change`,
  );
}

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
      for (const c of broke.doc.changed) assert.deepEqual(c.fields, ['crc'], `${c.name}: only the CRC differs`);
      t.diagnostic(`${changed.size} of ${a1.split('\n').length - 1} exports changed CRC`);
      explainedByStructCred(t, broke.doc, base.vmlinux, cred.vmlinux);

      const deb = debianCheckAbi(join(tmp, 'base-1'), cred.symvers);
      assert.equal(deb.status, broke.status, "Debian's CheckAbi: same exit");
      assert.equal(deb.verdict, broke.verdict);
      assert.deepEqual(deb.sections, broke.sections);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
);
