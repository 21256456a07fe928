// The syzbot debug flavour on trixie's 6.12: profile data checked against both kernels' Kconfig files, the
// result checked against the kernel's own C conf, and the generated defines.toml packaging files checked by
// composing them into a copy of Debian's real packaging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { makeDebugFlavour } from '../../src/flavour/debug-flavour.js';
import { olddefconfig, olddefconfigC } from '../../src/flavour/evaluate.js';
import { composeDebianBase, listDebianFlavours } from '../../src/flavour/debian-hierarchy.js';
import { availableProfiles, loadProfile } from '../../src/flavour/profiles.js';
import { treeSymbols } from '../../src/flavour/tree-symbols.js';
import { debianPackaging } from '../../src/util/debian-source.js';
import { debianReleaseSourceTree, debianSourceTree } from '../../src/util/debian.js';

const pkg = debianPackaging({ release: 'trixie' });
const trixieTree = debianReleaseSourceTree('trixie', pkg.version).dir;

test("every profile option exists in 6.12 or says it was removed, and every removal is true (6.1 has it, 6.12 doesn't)", () => {
  const s61 = treeSymbols(debianSourceTree().dir);
  const s612 = treeSymbols(trixieTree);
  const removed: string[] = [];
  for (const n of availableProfiles()) {
    for (const o of loadProfile(n).options) {
      if (o.removed) {
        removed.push(o.symbol);
        assert.ok(s61.has(o.symbol), `${n}: CONFIG_${o.symbol} exists in 6.1`);
        assert.ok(!s612.has(o.symbol), `${n}: CONFIG_${o.symbol} is declared removed but 6.12 has it`);
      } else assert.ok(s612.has(o.symbol), `${n}: CONFIG_${o.symbol} exists in 6.12 (or needs a 'removed' entry)`);
    }
  }
  assert.deepEqual(removed.sort(), ['DEBUG_CREDENTIALS', 'UBSAN_SANITIZE_ALL']);
});

test("trixie syzbot flavour: evaluates on 6.12, names what 6.12 lacks, is a fixed point of C conf, and its defines.toml files compose in Debian's packaging", async () => {
  const r = await makeDebugFlavour({ distro: 'debian', release: 'trixie', arch: 'amd64', profiles: ['syzbot'] });
  assert.equal(r.tree, trixieTree, 'evaluated on linux-source-6.12 at the packaging version');
  assert.match(r.kernel ?? '', /^6\.12\./);
  assert.deepEqual(r.removed.map((g) => g.symbol).sort(), ['DEBUG_CREDENTIALS', 'UBSAN_SANITIZE_ALL']);
  assert.equal(r.requested.total, r.requested.stuck + r.requested.notStuck.length);
  assert.ok(r.base.files.some((f) => f.endsWith('kernelarch-x86/config')));
  const c = await olddefconfigC(trixieTree, 'amd64', r.text);
  assert.equal(c.text, r.text, "the flavour's .config is what the kernel's C conf makes of it");

  // Apply the generated files to a copy of Debian's packaging, as the snippet says, and compose the new flavour.
  const dir = mkdtempSync(join(tmpdir(), 'kdk-trixie-debug-'));
  try {
    cpSync(join(pkg.dir, 'debian', 'config'), join(dir, 'debian', 'config'), { recursive: true });
    cpSync(join(pkg.dir, 'debian', 'changelog'), join(dir, 'debian', 'changelog'));
    for (const [rel, text] of Object.entries(r.debianFiles)) {
      if (rel.endsWith('.append')) appendFileSync(join(dir, rel.replace(/\.append$/, '')), text);
      else if (!rel.endsWith('.snippet')) {
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        writeFileSync(join(dir, rel), text);
      }
    }
    const d = join(dir, 'debian');
    const id = { arch: 'amd64', featureset: 'debug', flavour: 'amd64' };
    assert.ok(listDebianFlavours(d).some((f) => f.featureset === 'debug' && f.flavour === 'amd64'));
    const base = composeDebianBase(d, id);
    assert.deepEqual(
      base.files.map((f) => relative(dir, f)),
      [
        'debian/config/config',
        'debian/config/kernelarch-x86/config',
        'debian/config/amd64/config',
        'debian/config/featureset-debug/config',
      ],
    );
    assert.equal(base.config.get('BUILD_SALT'), `"${base.abiname}-debug-amd64"`);
    // Every option that stuck in kdk's evaluation sticks when Debian's build composes the featureset.
    const built = olddefconfig(trixieTree, 'amd64', base.config).config;
    const lost = r.stuck.filter((v) => (built.get(v.symbol) ?? 'n') !== v.final);
    assert.deepEqual(lost, []);
    process.stderr.write(
      `trixie syzbot: ${r.requested.total} requested, ${r.requested.stuck} stuck, ${r.removed.length} not in ` +
        `${r.kernel}; debug featureset composed in Debian's packaging keeps all ${r.stuck.length} stuck options\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
