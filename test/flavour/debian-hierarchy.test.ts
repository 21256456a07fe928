// Ground truth: debian/rules.gen is gencontrol.py's own output (the KCONFIG file list and BUILD_SALT for every
// flavour), and linux-config-6.1 is the config Debian shipped. Both are Debian's, not ours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, symlinkSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { composeDebianBase, debianConfigFiles, listDebianFlavours } from '../../src/flavour/debian-hierarchy.js';
import { evaluateConfig, evaluateConfigC } from '../../src/flavour/evaluate.js';
import { diffConfigMaps as diffConfigs, readConfigMap as readConfigFile } from '../../src/kconfig/index.js';
import { debianPackaging, debianConfig, debianSourceTree } from '../../src/distro/index.js';
import { debVersion } from '../../src/util/deps.js';
import { KdkError } from '../../src/util/errors.js';
import { rulesGen } from './rules-gen.js';

const pkg = debianPackaging();
const debianDir = join(pkg.dir, 'debian');

test(`every flavour's config list and BUILD_SALT equal gencontrol.py's (rules.gen of linux ${pkg.version})`, () => {
  const truth = rulesGen(debianDir);
  const ours = listDebianFlavours(debianDir);
  assert.equal(ours.length, truth.size, 'same number of flavours');
  for (const id of ours) {
    const key = `${id.arch}/${id.featureset}/${id.flavour}`;
    const want = truth.get(key);
    assert.ok(want, `${key} is in rules.gen`);
    const got = composeDebianBase(debianDir, id);
    assert.deepEqual(
      got.files.map((f) => relative(pkg.dir, f)),
      want.kconfig,
      key,
    );
    assert.equal(got.config.get('BUILD_SALT'), `"${want.salt}"`, `${key} BUILD_SALT`);
  }
});

test("amd64/none/amd64 composes to Debian's shipped config after olddefconfig (same tree both ways)", async () => {
  const tree = debianSourceTree();
  const base = composeDebianBase(debianDir, { arch: 'amd64', featureset: 'none', flavour: 'amd64' });
  const shipped = debianConfig('amd64');
  const ours = evaluateConfig(tree.dir, base.id.arch, base.config);
  const theirs = evaluateConfig(tree.dir, base.id.arch, readConfigFile(shipped.path));
  // The engine's result is checked against the kernel's own C conf on the same input, byte for byte.
  const oursC = await evaluateConfigC(tree.dir, base.id.arch, base.config);
  assert.equal(ours.text, oursC.text, 'Kconfig engine == C conf on the composed Debian base');
  // Debian strips these four from the shipped copy (rules.real: signing keys and the per-build salt).
  for (const m of [ours.config, theirs.config]) {
    for (const k of ['MODULE_SIG_ALL', 'MODULE_SIG_KEY', 'SYSTEM_TRUSTED_KEYS', 'BUILD_SALT']) m.delete(k);
  }
  const diff = diffConfigs(theirs.config, ours.config);
  const configVersion = debVersion('linux-config-6.1');
  process.stderr.write(
    `packaging ${pkg.version} vs shipped config ${configVersion} on tree ${tree.version}: ` +
      `${ours.config.size} symbols, ${diff.length} differ${diff.length ? ': ' + JSON.stringify(diff) : ''}\n`,
  );
  assert.ok(ours.config.size > 8000);
  // Packaging and shipped config may be a few stable releases apart; a difference there is a finding to report,
  // but the composition itself must not lose whole areas of the config.
  if (configVersion === pkg.version) assert.deepEqual(diff, []);
  else assert.ok(diff.length <= 25, `${diff.length} differences`);
});

test('bad hierarchies: unknown flavour, missing listed file (named with its defines line), symlink loop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-debhier-'));
  try {
    const d = join(dir, 'debian');
    mkdirSync(join(d, 'config'), { recursive: true });
    cpSync(join(debianDir, 'changelog'), join(d, 'changelog'));
    writeFileSync(join(d, 'config', 'defines'), '[base]\narches:\n amd64\nfeaturesets:\n none\n');
    mkdirSync(join(d, 'config', 'amd64', 'none'), { recursive: true });
    writeFileSync(
      join(d, 'config', 'amd64', 'defines'),
      '[base]\nfeaturesets:\n none\nkernel-arch: x86\n\n[debug_image]\nconfigs:\n amd64/config\n amd64/config.nope\n',
    );
    writeFileSync(join(d, 'config', 'amd64', 'none', 'defines'), '[base]\nflavours:\n amd64\n debug\n loop\n');
    writeFileSync(join(d, 'config', 'config'), 'CONFIG_A=y\n');
    writeFileSync(join(d, 'config', 'amd64', 'config'), '# CONFIG_A is not set\nCONFIG_B=m\n');
    symlinkSync('config.loop', join(d, 'config', 'amd64', 'config.loop'));

    const ok = composeDebianBase(d, { arch: 'amd64', featureset: 'none', flavour: 'amd64' });
    assert.equal(ok.config.get('A'), 'n', 'later file wins');
    assert.equal(ok.origins.get('B')?.line, 2);
    assert.throws(
      () => debianConfigFiles(d, { arch: 'amd64', featureset: 'none', flavour: 'nope' }),
      /has: none\/amd64/,
    );
    assert.throws(() => debianConfigFiles(d, { arch: 'mips', featureset: 'none', flavour: 'x' }), /unknown arch/);
    assert.throws(
      () => debianConfigFiles(d, { arch: 'amd64', featureset: 'none', flavour: 'debug' }),
      (e: unknown) => e instanceof KdkError && /config\.nope/.test(e.message) && e.line === 7,
    );
    assert.throws(() => debianConfigFiles(d, { arch: 'amd64', featureset: 'none', flavour: 'loop' }), /symlink loop/);
    writeFileSync(join(d, 'config', 'config'), 'CONFIG_A=y\nnonsense\n');
    assert.throws(
      () => composeDebianBase(d, { arch: 'amd64', featureset: 'none', flavour: 'amd64' }),
      (e: unknown) => e instanceof KdkError && e.line === 2 && e.file!.endsWith('config/config'),
    );
    rmSync(join(d, 'config', 'defines'));
    assert.throws(() => listDebianFlavours(d), /not a Debian kernel config hierarchy/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
