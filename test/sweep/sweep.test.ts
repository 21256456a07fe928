// `kdk sweep` on real kernels and real bugs. The small test kernel as shipped (Debian's linux-source-6.1, every
// fix in): the sample LKDTM bundle reproduces, a bundle requiring an option the kernel lacks is not-applicable
// with the Kconfig reason, and the corpus' real 6.1 bugs (test/sweep/data/bugs: CVE-2024-43893, CVE-2025-39756)
// crash nothing while their fixes are present; a second sweep takes every result from the first. Then the same
// kernel built from the tree with those fixes reverted (patch -R of the diffs kept beside each bundle; cached
// like the test kernel): each real bug reproduces with its own title, names its fix commit, and is a missing
// backport. The fixes' presence is decided from the kernel's source tree by each bundle's fix.patch (the trees
// have no git history) — both kernels say 6.1.176, so their version could not tell them apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianSourceTree, patchedTree } from '../../src/distro/index.js';
import { smallTestKernel } from '../../src/build/index.js';
import { projectRoot } from '../helpers.js';
import { kdk, noQemuWith, smallKernel, tag, tmp } from '../vm/fixtures.js';

const corpus = join(import.meta.dirname, 'data', 'bugs');
const real = ['serial-uartclk-zero', 'fdtable-int-max'].map((b) => join(corpus, b));
const lkdtm = join(projectRoot, 'examples', 'bugs', 'lkdtm-warning');
const log = (l: string) => process.stderr.write(l + '\n');

/** The fixes reverted: every fix.patch of the corpus, in this order (it names the tree's cache entry). */
function revertedTree() {
  const patches = ['serial-uartclk-zero', 'fdtable-int-max', 'module-bad-shndx'].map((d) =>
    join(corpus, d, 'fix.patch'),
  );
  return patchedTree(debianSourceTree(log), patches, { reverse: true });
}

function needsNet(): string {
  const dir = join(tmp('kdk-sweep-'), 'needs-net');
  mkdirSync(dir);
  writeFileSync(join(dir, 'bug.json'), JSON.stringify({ title: 'WARNING in lkdtm_WARNING', requires: ['CONFIG_NET'] }));
  copyFileSync(join(lkdtm, 'repro.c'), join(dir, 'repro.c'));
  return dir;
}

async function sweep(kernel: string, srctree: string, bundles: string[], extra: string[] = []) {
  const t = tag();
  const r = await kdk([
    'sweep',
    '--kernel',
    kernel,
    '--srctree',
    srctree,
    '--bundles',
    ...bundles,
    '--repeat',
    '1',
    '--parallel',
    '2',
    '--append',
    t,
    '--json',
    ...extra,
  ]);
  assert.deepEqual(await noQemuWith(t), []);
  const report = JSON.parse(r.stdout || '{}');
  const by = (name: string) => report.results.find((x: { bundle: string }) => x.bundle.endsWith(`/${name}`));
  return { code: r.code, stderr: r.stderr, report, by };
}

test('the shipped kernel: LKDTM reproduces, a missing option is not-applicable, the fixed real bugs do not crash', async () => {
  const k = await smallKernel();
  const tree = debianSourceTree(log).dir;
  const bundles = [lkdtm, needsNet(), ...real];
  const first = await sweep(k.bzImage, tree, bundles, ['--fresh']);
  assert.equal(first.code, 1, first.stderr); // a bug reproduced
  assert.equal(first.by('lkdtm-warning').verdict, 'reproduces');
  const na = first.by('needs-net');
  assert.equal(na.verdict, 'not-applicable');
  assert.equal(na.missing[0].option, 'CONFIG_NET');
  assert.ok(na.missing[0].why.length > 0 && na.missing[0].toChange.length > 0);
  for (const b of ['serial-uartclk-zero', 'fdtable-int-max']) {
    const r = first.by(b);
    assert.equal(r.verdict, 'no-crash', `${b}: ${JSON.stringify(r.titles)}`);
    assert.equal(r.fix.state, 'present', r.fix.how);
    assert.equal(r.assessment, 'fixed');
    assert.equal(r.resumed, false);
    assert.match(r.headers, /uapi-/); // compiled against the tree's own UAPI headers
  }
  // Resumable: the same kernel again runs nothing and gives the same verdicts.
  const again = await sweep(k.bzImage, tree, bundles);
  for (const r of again.report.results) {
    assert.equal(r.resumed, true, r.bundle);
    assert.equal(r.verdict, first.report.results.find((x: { bundle: string }) => x.bundle === r.bundle).verdict);
  }
  assert.ok(!/compiling/.test(again.stderr), again.stderr); // nothing compiled, nothing booted
});

test('the kernel with the fixes reverted: each real bug reproduces, names its fix, and is a missing backport', async (t) => {
  const tree = revertedTree();
  const k = await smallTestKernel(log, { tree });
  // Built through the test kernel's ccache, beside its own tree (kernel-cache.ts): the untouched files hit. Only
  // reported: other builds sharing the cache at the same time blur the counts.
  const c = k.record.ccache;
  t.diagnostic(
    `reverted kernel built ${k.record.builtAt}: ${k.record.buildSeconds.toFixed(0)} s wall, ${k.record.cpuSeconds} CPU-s${c ? `, ccache ${c.hits} hits / ${c.misses} misses` : ''}`,
  );
  const { report, by, stderr } = await sweep(k.bzImage, tree.dir, real, ['--fresh']);
  for (const dir of real) {
    const bug = JSON.parse(readFileSync(join(dir, 'bug.json'), 'utf8'));
    const r = by(dir.split('/').pop()!);
    assert.equal(r.verdict, 'reproduces', `${dir}: ${JSON.stringify(r.titles)}\n${stderr}`);
    assert.equal(r.title, bug.title);
    assert.equal(r.fixCommit, bug.fix.commit);
    assert.equal(r.cve, bug.cve);
    assert.equal(r.fix.state, 'missing', r.fix.how);
    assert.equal(r.assessment, 'missing backport');
  }
  assert.equal(report.kernel.release, '6.1.176');
});
