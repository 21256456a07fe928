// The one architecture table (src/util/arch.ts): every name it takes maps to one row, Debian's and the kernel's
// names alike, and each row's kernel facts hold in Debian's real linux-source tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ARCH_TABLE,
  ARCHES,
  archFacts,
  archProfile,
  debianArch,
  DEFAULT_ARCH,
  DEFAULT_GUEST_ARCH,
  guestArchOf,
  kernelArch,
  srcArch,
} from '../../src/util/arch.js';
import { BugJson } from '../../src/vm/index.js';
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

test('one default architecture: no stage spells out x86_64 or amd64 as its own default', () => {
  // The test kernel is x86_64 tinyconfig by definition (test-kernel.ts), and plan's archive tables list ports:
  // those name architectures as facts, not defaults.
  const allowed = new Set([
    'src/util/arch.ts',
    'src/build/test-kernel.ts',
    'src/plan/packages.ts',
    'src/plan/model.ts',
  ]);
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !allowed.has(p)) {
        readFileSync(p, 'utf8')
          .split('\n')
          .forEach((l, i) => {
            if (/'(x86_64|amd64)'/.test(l)) offenders.push(`${p}:${i + 1}: ${l.trim()}`);
          });
      }
    }
  };
  walk('src');
  assert.deepEqual(offenders, []);
  assert.equal(DEFAULT_GUEST_ARCH, guestArchOf(DEFAULT_ARCH.kernel) ?? 'x86_64');
});

test("a bundle's bug.json takes the guest arch in Debian's or the kernel's name, and refuses one kdk cannot boot", () => {
  assert.equal(BugJson.parse({ title: 't', arch: 'amd64' }).arch, 'x86_64');
  assert.equal(BugJson.parse({ title: 't', arch: 'aarch64' }).arch, 'arm64');
  assert.equal(BugJson.safeParse({ title: 't', arch: 's390x' }).success, false);
});
