// $(shell,...) probes: a warm load of the real tree spawns no process, and an exported probe file lets a
// machine without the compiler (PATH emptied here) evaluate the same config to the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KconfigTree, parseConfigText, readProbeFile } from '../../src/kconfig/index.js';
import { debianConfig } from '../../src/distro/index.js';
import { projectRoot } from '../helpers.js';
import { KdkError } from '../../src/util/errors.js';
import { tmpDir } from './tmp.js';
import { kernelTree } from './reference.js';

test('a second load of the real tree answers every probe from the cache', () => {
  KconfigTree.load({ srctree: kernelTree().dir, arch: 'x86_64', noSnapshot: true, log: () => {} });
  const warm = KconfigTree.load({ srctree: kernelTree().dir, arch: 'x86_64', noSnapshot: true, log: () => {} });
  assert.equal(warm.probes.stats.runs, 0, 'no subprocess on a warm run');
  assert.ok(warm.probes.stats.hits > 50, `the x86 tree asks many probes (${warm.probes.stats.hits})`);
});

test('exported probes evaluate the Debian config identically with no toolchain on PATH', () => {
  const file = join(tmpDir('kdk-probes-'), 'probes.json');
  const input = readFileSync(debianConfig('amd64').path, 'latin1');
  const local = KconfigTree.load({ srctree: kernelTree().dir, arch: 'x86_64', exportProbes: file, log: () => {} });
  local.evaluate(parseConfigText(input, '.config'));
  const expected = local.writeConfig();
  assert.equal(readProbeFile(file).env.CC, 'gcc');
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    const remote = KconfigTree.load({
      srctree: kernelTree().dir,
      arch: 'x86_64',
      probes: file,
      noSnapshot: true,
      log: () => {},
    });
    remote.evaluate(parseConfigText(input, '.config'));
    assert.equal(remote.writeConfig(), expected);
    assert.equal(remote.probes.stats.runs, 0);
  } finally {
    process.env.PATH = path;
  }
});

test("older kernels' spellings parse: option modules/env/defconfig_list/allnoconfig_y, ---help---", () => {
  process.env.KDK_TEST_ENV = 'from-env';
  const tree = KconfigTree.load({
    srctree: join(projectRoot, 'test', 'kconfig', 'data', 'old-syntax'),
    arch: 'x86_64',
    log: () => {},
  });
  tree.evaluate([]);
  assert.equal(tree.modulesSym.name, 'MODULES', 'option modules names the modules symbol');
  assert.equal(tree.value('TRI'), 'm', 'm survives because MODULES is the modules symbol and y');
  assert.equal(tree.value('ENVSYM'), 'from-env', 'option env takes the environment value');
  assert.doesNotMatch(tree.writeConfig(), /ENVSYM/, 'option env symbols are not written');
});

test('a tree loaded from the parsed-tree snapshot evaluates exactly like a fresh parse', () => {
  const input = readFileSync(debianConfig('amd64').path, 'latin1');
  const fresh = KconfigTree.load({ srctree: kernelTree().dir, arch: 'x86_64', noSnapshot: true, log: () => {} });
  KconfigTree.load({ srctree: kernelTree().dir, arch: 'x86_64', log: () => {} });
  const snap = KconfigTree.load({ srctree: kernelTree().dir, arch: 'x86_64', log: () => {} });
  fresh.evaluate(parseConfigText(input, '.config'));
  snap.evaluate(parseConfigText(input, '.config'));
  assert.equal(snap.writeConfig(), fresh.writeConfig());
  assert.deepEqual(snap.files, fresh.files);
});

test('the tree object API: evaluateFile/writeConfigFile and merge give the same results as the one-call helpers', () => {
  const dir = tmpDir('kdk-api-');
  const tree = KconfigTree.load({ srctree: kernelTree().dir, arch: 'x86_64', log: () => {} });
  tree.evaluateFile(debianConfig('amd64').path);
  tree.writeConfigFile(join(dir, 'a.config'));
  const again = KconfigTree.load({ srctree: kernelTree().dir, arch: 'x86_64', log: () => {} });
  again.evaluate(parseConfigText(readFileSync(debianConfig('amd64').path, 'latin1'), '.config'));
  assert.equal(readFileSync(join(dir, 'a.config'), 'latin1'), again.writeConfig());
  const merged = tree.merge(debianConfig('amd64').path, [join(projectRoot, 'profiles', 'debug.config')]);
  assert.equal(tree.value('KASAN'), 'y');
  assert.ok(merged.report.some((r) => r.symbol === 'KCSAN' && r.reason.kind === 'unmet-dependency'));
});

test('a probe file from elsewhere that is not one is refused, naming the file and what is wrong', () => {
  const file = join(tmpDir('kdk-probes-'), 'bad-probes.json');
  writeFileSync(file, JSON.stringify({ kdkProbes: 1, key: 'k', env: {}, results: { 'cc-option': 3 } }));
  assert.throws(
    () => readProbeFile(file),
    (e: unknown) => e instanceof KdkError && e.format().includes(file) && /not a kdk probe file/.test(e.message),
  );
});
