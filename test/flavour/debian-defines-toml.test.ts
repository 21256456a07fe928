// kdk's defines.toml reader against Debian's own (config_v2.py from trixie's packaging, run as an oracle): on the
// real hierarchy and on a made-up one that exercises each merge rule (enable at every level, build.config lists at
// every level, a second config base, a featureset with its own flavours, the list doubling of an entry whose own
// file leaves a key out). Then the files gencontrol.py would keep, and kdk's errors with file and line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { tomlBases, tomlConfigFiles, tomlFlavourPlans } from '../../src/flavour/debian-hierarchy-toml.js';
import { debianConfigFiles, listDebianFlavours } from '../../src/flavour/debian-hierarchy.js';
import { debianPackaging } from '../../src/distro/index.js';
import { KdkError } from '../../src/util/errors.js';
import { configV2 } from './config-v2-oracle.js';

const pkg = debianPackaging({ release: 'trixie' });

/** Our candidate lists in the oracle's shape, keyed arch/featureset/flavour (a key may repeat, as in Debian). */
function ours(debianDir: string): string[] {
  return tomlFlavourPlans(debianDir)
    .map(
      (p) =>
        `${p.arch}/${p.featureset}/${p.flavour}: ` +
        p.entries.flatMap((e) => [...e.node.config.map((r) => r.path), e.defaultConfig]).join(' '),
    )
    .sort();
}

function oracle(debianDir: string): string[] {
  return configV2(pkg.dir, tomlBases(debianDir))
    .filter((f) => f.enable)
    .map((f) => `${f.arch}/${f.featureset}/${f.flavour}: ${f.config.join(' ')}`)
    .sort();
}

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-toml-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

test(`defines.toml: every flavour and candidate config list equals config_v2.py's on linux ${pkg.version}`, () => {
  const d = join(pkg.dir, 'debian');
  const want = oracle(d);
  assert.ok(want.length > 40);
  assert.deepEqual(ours(d), want);
});

const MADE_UP: Record<string, string> = {
  'debian/changelog':
    'linux (6.12.1-1) trixie; urgency=medium\n\n  * x\n\n -- A <a@b>  Mon, 01 Jan 2024 00:00:00 +0000\n',
  'debian/config/defines.toml': `
[build]
config = ['extra/root-first']

[[kernelarch]]
name = 'x86'
  [[kernelarch.debianarch]]
  name = 'amd64'
  [[kernelarch.debianarch]]
  name = 'i386'
  [kernelarch.debianarch.build]
  config = ['i386/declared-in-root']
  [[kernelarch.debianarch]]
  name = 'x32'
    [[kernelarch.debianarch.flavour]]
    name = 'x'
    [[kernelarch.debianarch.featureset]]
    name = 'none'

[[kernelarch]]
name = 'arm64'
enable = false
  [[kernelarch.debianarch]]
  name = 'arm64'

[[featureset]]
name = 'none'

[[featureset]]
name = 'rt'

[[featureset]]
name = 'off'
enable = false

[[debianrelease]]
name_regex = 'trixie'
abi_suffix = '+deb13'
`,
  'debian/config/featureset-rt/defines.toml': "[build]\nconfig = ['featureset-rt/extra']\n",
  'debian/config/amd64/defines.toml': `
[[flavour]]
name = 'amd64'
[[flavour]]
name = 'cloud'
[flavour.build]
config = ['config.cloud']
[[flavour]]
name = 'gone'
enable = false

[[featureset]]
name = 'none'
[[featureset]]
name = 'rt'
[[featureset.flavour]]
name = 'amd64'
[featureset.flavour.build]
config = ['amd64/rt/extra']
[[featureset]]
name = 'off'
`,
  // No [build] here: Debian merges i386's root-declared build.config with its own copy (the list doubles).
  'debian/config/i386/defines.toml': "[[flavour]]\nname = '686'\n[[featureset]]\nname = 'none'\n",
  // x32's featureset 'none' took the root-declared flavour 'x' before this file was read, so 'y' is not built.
  'debian/config/x32/defines.toml': "[[flavour]]\nname = 'y'\n[[featureset]]\nname = 'none'\n",
  'debian/config/arm64/defines.toml': "[[flavour]]\nname = 'arm64'\n[[featureset]]\nname = 'none'\n",
  // A second base: its amd64 file adds a flavour and a build.config, and leaves 'featureset' out (merged with
  // the root's empty list for amd64, so the first base's featuresets stay as they are).
  'debian/config.local/amd64/defines.toml': "[[flavour]]\nname = 'local'\n[build]\nconfig = ['amd64/local-extra']\n",
  'debian/config/config': 'CONFIG_A=y\n',
  'debian/config/extra/root-first': 'CONFIG_B=y\n',
  'debian/config/kernelarch-x86/config': 'CONFIG_C=y\n',
  'debian/config/amd64/config': 'CONFIG_D=y\n',
  'debian/config/config.cloud': 'CONFIG_E=y\n',
  'debian/config/featureset-rt/extra': 'CONFIG_F=y\n',
  'debian/config/featureset-rt/config': 'CONFIG_G=y\n',
  'debian/config/amd64/rt/extra': 'CONFIG_H=y\n',
  'debian/config/i386/declared-in-root': 'CONFIG_I=y\n',
  'debian/config.local/amd64/local-extra': 'CONFIG_J=y\n',
  'debian/config.local/amd64/config': 'CONFIG_K=y\n',
};

test('defines.toml: a made-up hierarchy exercising each merge rule reads as config_v2.py reads it', () => {
  const dir = tree(MADE_UP);
  try {
    const d = join(dir, 'debian');
    const want = oracle(d);
    assert.deepEqual(ours(d), want);
    // The rules the oracle confirmed, spelled out: disabled kernelarch/featureset/flavour are gone, x32's 'none'
    // kept the flavours it inherited before x32/defines.toml was read, the featureset 'none' inherits the debianarch's flavours (config.local's 'local' too), and
    // i386's root-declared build.config doubles.
    const ids = listDebianFlavours(d).map((f) => `${f.arch}/${f.featureset}/${f.flavour}`);
    assert.deepEqual(ids, [
      'amd64/none/amd64',
      'amd64/none/cloud',
      'amd64/none/local',
      'amd64/rt/amd64',
      'i386/none/686',
      'x32/none/x',
    ]);
    assert.ok(
      want.some(
        (w) =>
          w.startsWith('i386/none/686: extra/root-first config ') &&
          /declared-in-root i386\/declared-in-root i386\/config/.test(w),
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("defines.toml: KCONFIG keeps the candidates that exist, in each base (gencontrol.py's filter)", () => {
  const dir = tree(MADE_UP);
  try {
    const d = join(dir, 'debian');
    const bases = tomlBases(d);
    for (const f of configV2(pkg.dir, bases).filter((x) => x.enable)) {
      const want = f.config.flatMap((c) => bases.map((b) => join(b, c)).filter((p) => existsSync(p)));
      const { files } = debianConfigFiles(d, f);
      assert.deepEqual(files, want, `${f.arch}/${f.featureset}/${f.flavour}`);
    }
    const cloud = debianConfigFiles(d, { arch: 'amd64', featureset: 'none', flavour: 'cloud' }).files;
    assert.deepEqual(
      cloud.map((p) => relative(d, p)),
      [
        'config/extra/root-first',
        'config/config',
        'config/kernelarch-x86/config',
        'config.local/amd64/local-extra',
        'config/amd64/config',
        'config.local/amd64/config',
        'config/config.cloud',
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('defines.toml errors name the file and line', () => {
  const cases: [string, string, RegExp, number | undefined][] = [
    ['debian/config/amd64/defines.toml', "[[flavour]]\nname = 'amd64'\nenable = 'yes'\n", /enable/, 3],
    ['debian/config/amd64/defines.toml', "[[flavour]]\nname = 'amd64'\n[[flavour\n", /TOML/, 3],
    [
      'debian/config/amd64/defines.toml',
      "[[flavour]]\nname = 'cloud'\n[flavour.build]\nconfig = [\n  'config.nope',\n]\n[[featureset]]\nname = 'none'\n",
      /config\.nope.*missing/,
      5,
    ],
    ['debian/config/amd64/defines.toml', "[[featureset]]\nname = 'debug'\n", /does not declare/, undefined],
  ];
  for (const [rel, text, message, line] of cases) {
    const dir = tree({ ...MADE_UP, [rel]: text });
    try {
      const d = join(dir, 'debian');
      assert.throws(
        () => {
          for (const p of tomlFlavourPlans(d)) tomlConfigFiles(d, p);
        },
        (e: unknown) =>
          e instanceof KdkError && message.test(e.message) && (line === undefined || e.line === line) && !!e.file,
        `${text} → ${message}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
