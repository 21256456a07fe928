// Trixie (linux 6.12, defines.toml) against ground truth that is Debian's, not ours:
// - debian/rules.gen, gencontrol.py's own output in the packaging: every flavour's KCONFIG list and BUILD_SALT;
// - the archive's Sources index: the linux-image-<abi>-<flavour> packages this version builds, and the ABI names of
//   earlier uploads (the '.N' suffix of a second upload of one upstream version);
// - the config Debian built this version with (linux-config-6.12, or the linux-headers package's .config), compared
//   after olddefconfig on trixie's own source tree, both sides through the same engine, which is itself checked
//   against the kernel's C conf built from that tree.
// Everything is fetched once through a private apt state and cached under ~/.cache/kdk (cold: about 175 MB).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { composeDebianBase, debianAbiname, listDebianFlavours } from '../../src/flavour/debian-hierarchy.js';
import { evaluateConfig, evaluateConfigC } from '../../src/flavour/evaluate.js';
import { diffConfigMaps as diffConfigs, readConfigMap as readConfigFile } from '../../src/kconfig/index.js';
import {
  debianPackaging,
  debianReleaseSourceTree,
  debianShippedConfig,
  aptSourceBinaries,
  privateApt,
} from '../../src/distro/index.js';
import { rulesGen } from './rules-gen.js';

const pkg = debianPackaging({ release: 'trixie' });
const debianDir = join(pkg.dir, 'debian');
const apt = privateApt('trixie');

test(`trixie: every flavour's config list and BUILD_SALT equal gencontrol.py's (rules.gen of linux ${pkg.version})`, () => {
  const truth = rulesGen(debianDir);
  const ours = listDebianFlavours(debianDir);
  assert.ok(truth.size > 40, `rules.gen lists ${truth.size} flavours`);
  assert.deepEqual(
    ours.map((id) => `${id.arch}/${id.featureset}/${id.flavour}`).sort(),
    [...truth.keys()].sort(),
    'same flavours',
  );
  for (const id of ours) {
    const key = `${id.arch}/${id.featureset}/${id.flavour}`;
    const got = composeDebianBase(debianDir, id);
    const want = truth.get(key)!;
    assert.deepEqual(
      got.files.map((f) => relative(pkg.dir, f)),
      want.kconfig,
      key,
    );
    assert.equal(got.config.get('BUILD_SALT'), `"${want.salt}"`, `${key} BUILD_SALT`);
  }
  process.stderr.write(`trixie ${pkg.version}: ${ours.length} flavours, config lists and BUILD_SALT as rules.gen\n`);
});

test("trixie: the flavours and ABI name match the linux-image packages in the archive's Sources index", () => {
  const abi = debianAbiname(debianDir);
  const images = (aptSourceBinaries('linux', apt).get(pkg.version) ?? [])
    .filter((b) => b.startsWith(`linux-image-${abi}-`) && !b.endsWith('-dbg'))
    .map((b) => b.slice(`linux-image-${abi}-`.length).replace(/-unsigned$/, ''));
  assert.ok(images.length > 0, `Sources lists linux-image-${abi}-* for ${pkg.version}`);
  const ours = listDebianFlavours(debianDir).map(
    (id) => (id.featureset === 'none' ? '' : `${id.featureset}-`) + id.flavour,
  );
  assert.deepEqual([...new Set(ours)].sort(), [...new Set(images)].sort());
});

test("trixie: the ABI rule (+deb13, '.N' for a later upload of one upstream version) matches earlier uploads", () => {
  // Cut the changelog at each earlier trixie upload the Sources index still lists, and compare the ABI name
  // computed from that history with the one in that upload's binary package names.
  const text = readFileSync(join(debianDir, 'changelog'), 'utf8');
  const starts = [...text.matchAll(/^linux \(([^)]+)\) (trixie(?:-security)?);/gm)];
  const binaries = aptSourceBinaries('linux', apt);
  const dir = mkdtempSync(join(tmpdir(), 'kdk-abi-'));
  let checked = 0;
  let dotted = 0;
  try {
    mkdirSync(join(dir, 'debian'));
    symlinkSync(join(debianDir, 'config'), join(dir, 'debian', 'config'));
    for (const m of starts) {
      if (!binaries.has(m[1])) continue;
      writeFileSync(join(dir, 'debian', 'changelog'), text.slice(m.index));
      const abi = debianAbiname(join(dir, 'debian'));
      const names = binaries.get(m[1])!.filter((b) => /^linux-image-.*-amd64-unsigned$/.test(b));
      // Known history, read from the archive: 6.12.74-2 was built by an older gencontrol.py that joined the
      // serial with '+' (linux-image-6.12.74+deb13+1-amd64); by 6.12.90-2 it is '.' (6.12.90+deb13.1), the rule
      // the current packaging's gencontrol.py has and kdk follows.
      const older = abi.replace(/\.(\d+)$/, '+$1');
      const want =
        names.includes(`linux-image-${abi}-amd64-unsigned`) ||
        (m[1] === '6.12.74-2' && names.includes(`linux-image-${older}-amd64-unsigned`));
      assert.ok(want, `${m[1]}: ${abi} not in ${names.join(', ')}`);
      checked++;
      if (/\+deb13\.\d+$/.test(abi)) dotted++;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stderr.write(`trixie ABI names checked against Sources: ${checked} uploads (${dotted} with '.N')\n`);
  assert.ok(checked >= 2, `${checked} uploads checked`);
});

test("trixie amd64/none/amd64 composes to Debian's shipped config after olddefconfig (same 6.12 tree both ways)", async () => {
  const tree = debianReleaseSourceTree('trixie', pkg.version);
  const base = composeDebianBase(debianDir, { arch: 'amd64', featureset: 'none', flavour: 'amd64' });
  const shipped = debianShippedConfig('trixie', pkg.version, base.id, base.abiname);
  const ours = evaluateConfig(tree.dir, 'amd64', base.config);
  const theirs = evaluateConfig(tree.dir, 'amd64', readConfigFile(shipped.path));
  // The engine on 6.12's Kconfig is checked against the kernel's own C conf on the same input, byte for byte.
  const oursC = await evaluateConfigC(tree.dir, 'amd64', base.config);
  assert.equal(ours.text, oursC.text, 'Kconfig engine == C conf on the composed trixie base');
  // linux-config-6.12 has the four options rules.real deletes; the headers package's .config keeps them, and
  // then BUILD_SALT ("6.12.N+deb13-amd64") and MODULE_SIG_KEY are compared too.
  for (const m of [ours.config, theirs.config]) for (const k of shipped.stripped) m.delete(k);
  const diff = diffConfigs(theirs.config, ours.config);
  // The shipped file itself differs from both only where Kconfig asks the toolchain (gcc 14 built it; this
  // machine's gcc probes its own version and features): shown, not asserted, as it depends on the machine.
  const raw = diffConfigs(readConfigFile(shipped.path), ours.config).map((d) => d.symbol);
  process.stderr.write(
    `trixie packaging ${pkg.version} vs ${shipped.source} on linux-source-6.12 ${tree.version}: ` +
      `${ours.config.size} symbols compared, ${diff.length} differ${diff.length ? ': ' + JSON.stringify(diff) : ''}; ` +
      `shipped file vs ours before the same-tree pass: ${raw.length} toolchain symbols (${raw.join(' ')})\n`,
  );
  assert.ok(ours.config.size > 9000);
  assert.deepEqual(diff, []);
  if (shipped.stripped.length === 0) assert.equal(ours.config.get('BUILD_SALT'), `"${base.abiname}-amd64"`);
});
