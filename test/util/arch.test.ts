// The one architecture table (src/util/arch.ts): every name it takes maps to one row, Debian's and the kernel's
// names alike, and each row's kernel facts hold in Debian's real linux-source tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ARCH_TABLE, ARCHES, archFacts, archProfile, debianArch, kernelArch, srcArch } from '../../src/util/arch.js';
import { KdkError } from '../../src/util/errors.js';
import { debianSourceTree } from '../../src/distro/index.js';

test('Debian and kernel names give the same row; unknown names are an input error (exit 2)', () => {
  assert.equal(archFacts('amd64'), archFacts('x86_64'));
  assert.equal(archProfile('amd64'), ARCHES.x86_64);
  assert.equal(archProfile('aarch64'), ARCHES.arm64);
  assert.equal(kernelArch('amd64'), 'x86_64');
  assert.equal(debianArch('x86_64'), 'amd64');
  assert.equal(srcArch('amd64'), 'x86');
  assert.equal(srcArch('sparc64'), 'sparc', 'names outside the table follow the top Makefile');
  assert.throws(
    () => archFacts('vax'),
    (e: unknown) => e instanceof KdkError && e.exitCode === 2,
  );
  const all = ARCH_TABLE.flatMap((a) => [...new Set([a.kernel, a.debian, ...a.aliases])]);
  assert.equal(new Set(all).size, all.length, 'no name in two rows');
});

test("every row's SRCARCH and boot image directory exist in Debian's linux-source tree", () => {
  const tree = debianSourceTree(() => {}).dir;
  for (const a of ARCH_TABLE) {
    assert.ok(existsSync(join(tree, 'arch', a.srcArch, 'Kconfig')), `arch/${a.srcArch}/Kconfig`);
    if (a.image.startsWith('arch/')) {
      assert.ok(existsSync(join(tree, a.image.split('/').slice(0, 3).join('/'))), `${a.image}'s directory`);
    }
  }
});
