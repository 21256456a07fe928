// kdk's olddefconfig must produce the same bytes as the kernel's C tool on real configs of the real
// Debian linux-source-6.1 tree: Debian's three amd64 configs, x86_64 defconfig/allnoconfig, Debian amd64
// + profiles/debug.config, and arm64 defconfig with Debian's cross gcc.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KconfigTree, mergeConfigs, parseConfigText } from '../../src/kconfig/index.js';
import { debianConfigs } from '../../src/distro/index.js';
import { ensurePackages } from '../../src/util/deps.js';
import { projectRoot } from '../helpers.js';
import { cMakeConfig, cMergeConfig, cOlddefconfig, kernelTree, type MakeTarget } from './reference.js';

const X86: MakeTarget = { arch: 'x86_64' };
const ARM64: MakeTarget = { arch: 'arm64', crossCompile: 'aarch64-linux-gnu-' };
const trees = new Map<string, KconfigTree>();

function kdkTree(t: MakeTarget): KconfigTree {
  const key = `${t.arch}/${t.crossCompile ?? ''}`;
  let tree = trees.get(key);
  if (!tree) {
    tree = KconfigTree.load({ srctree: kernelTree().dir, arch: t.arch, crossCompile: t.crossCompile, log: () => {} });
    trees.set(key, tree);
  }
  return tree;
}

function kdkOlddefconfig(t: MakeTarget, input: Buffer): Buffer {
  const tree = kdkTree(t);
  tree.evaluate(parseConfigText(input.toString('latin1'), '.config'));
  return Buffer.from(tree.writeConfig(), 'latin1');
}

/** Compare, showing the first differing lines rather than two 250 kB blobs. */
function assertSameBytes(actual: Buffer, expected: Buffer, what: string): void {
  if (actual.equals(expected)) return;
  const a = actual.toString('latin1').split('\n');
  const e = expected.toString('latin1').split('\n');
  const diffs: string[] = [];
  for (let i = 0; i < Math.max(a.length, e.length) && diffs.length < 10; i++)
    if (a[i] !== e[i]) diffs.push(`line ${i + 1}: kdk ${JSON.stringify(a[i])} vs conf ${JSON.stringify(e[i])}`);
  assert.fail(`${what}: kdk output differs from make olddefconfig\n${diffs.join('\n')}`);
}

before(() => {
  ensurePackages(['gcc-aarch64-linux-gnu', 'binutils-aarch64-linux-gnu', 'dwarves']);
});

for (const flavour of ['amd64_none_amd64', 'amd64_none_cloud-amd64', 'amd64_rt_amd64']) {
  test(`Debian config.${flavour}: same bytes as make olddefconfig`, () => {
    const cfg = debianConfigs().find((c) => `${c.arch}_${c.featureset}_${c.flavour}` === flavour);
    assert.ok(cfg, `Debian ships config.${flavour}`);
    const input = readFileSync(cfg.path);
    assertSameBytes(kdkOlddefconfig(X86, input), cOlddefconfig(X86, input), flavour);
  });
}

// The generators' outputs stress different corners: allyes/allmod every select and choice at once,
// randconfig random choice and tristate states (fixed seeds so the references are cacheable).
const generated: [string, MakeTarget, string, Record<string, string>][] = [
  ['x86_64 defconfig', X86, 'defconfig', {}],
  ['x86_64 allnoconfig', X86, 'allnoconfig', {}],
  ['x86_64 allmodconfig', X86, 'allmodconfig', {}],
  ['x86_64 allyesconfig', X86, 'allyesconfig', {}],
  ['x86_64 randconfig seed 0x1234', X86, 'randconfig', { KCONFIG_SEED: '0x1234' }],
  ['x86_64 randconfig seed 0xbeef', X86, 'randconfig', { KCONFIG_SEED: '0xbeef' }],
  ['i386 defconfig', { arch: 'i386' }, 'defconfig', {}],
];
for (const [name, t, target, env] of generated) {
  test(`${name}: same bytes as make olddefconfig`, () => {
    const input = cMakeConfig(t, target, env);
    assertSameBytes(kdkOlddefconfig(t, input), cOlddefconfig(t, input), name);
  });
}

test('Debian amd64 + profiles/debug.config: merge and evaluate like merge_config.sh -m + make olddefconfig', () => {
  const base = debianConfigs().find((c) => c.arch === 'amd64' && c.featureset === 'none' && c.flavour === 'amd64')!;
  const frag = join(projectRoot, 'profiles', 'debug.config');
  const expected = cOlddefconfig(X86, cMergeConfig(base.path, [frag]));
  const res = mergeConfigs({
    srctree: kernelTree().dir,
    arch: 'x86_64',
    base: base.path,
    fragments: [frag],
    log: () => {},
  });
  assertSameBytes(Buffer.from(res.config, 'latin1'), expected, 'amd64+debug');
});

test('arm64 defconfig with CROSS_COMPILE=aarch64-linux-gnu-: same bytes as make olddefconfig', () => {
  const input = cMakeConfig(ARM64, 'defconfig');
  assertSameBytes(kdkOlddefconfig(ARM64, input), cOlddefconfig(ARM64, input), 'arm64 defconfig');
});
