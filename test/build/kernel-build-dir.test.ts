// Where the kernel cache builds a kernel: beside a tree in kdk's cache, so the tree with some fixes reverted
// (distro/patched-tree.ts, the sweep's kernel) is reached from its build by the same relative path as Debian's
// tree from its own, and ccache (CCACHE_BASEDIR at the tree's parent) hashes both builds' compile lines the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { debianSourceTree, patchedTree } from '../../src/distro/index.js';
import { buildDirFor } from '../../src/build/index.js';

const corpus = join(import.meta.dirname, '..', 'sweep', 'data', 'bugs');

test('Debian tree and a reverted copy build at the same relative path from their sources; a user tree builds in the kernel cache', () => {
  const base = debianSourceTree();
  // The sweep test's reverted tree (test/sweep/sweep.test.ts): the same patches, so the same cached tree.
  const patches = ['serial-uartclk-zero', 'fdtable-int-max', 'module-bad-shndx'].map((d) =>
    join(corpus, d, 'fix.patch'),
  );
  const reverted = patchedTree(base, patches, { reverse: true });
  const a = buildDirFor(base.dir, 'k1');
  const b = buildDirFor(reverted.dir, 'k2');
  assert.notEqual(a.outDir, b.outDir);
  assert.equal(relative(a.outDir, base.dir), relative(b.outDir, reverted.dir));
  assert.ok(a.ccacheBase && b.ccacheBase, 'both under CCACHE_BASEDIR');
  assert.ok(!relative(a.ccacheBase, a.outDir).startsWith('..') && !relative(a.ccacheBase, base.dir).startsWith('..'));
  const user = mkdtempSync(join(tmpdir(), 'kdk-usertree-'));
  try {
    writeFileSync(join(user, 'Makefile'), 'VERSION = 6\n');
    const u = buildDirFor(user, 'k3');
    assert.equal(u.ccacheBase, undefined, "a user's tree: nothing written beside it");
    assert.ok(relative(user, u.outDir).startsWith('..'));
  } finally {
    rmSync(user, { recursive: true, force: true });
  }
});
