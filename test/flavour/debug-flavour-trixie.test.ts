// The syzbot debug flavour on trixie's 6.12: profile data checked against both kernels' Kconfig files, the
// result checked against the kernel's own C conf, and the generated defines.toml packaging files checked by
// composing them into a copy of Debian's real packaging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { readConfigMap as readConfigFile } from '../../src/kconfig/index.js';
import { projectRoot } from '../helpers.js';
import { evaluateConfig, evaluateConfigC } from '../../src/flavour/evaluate.js';
import { composeDebianBase, listDebianFlavours } from '../../src/flavour/debian-hierarchy.js';
import { availableProfiles, loadProfile } from '../../src/flavour/profiles.js';
import { treeSymbols } from '../../src/flavour/tree-symbols.js';
import { debianPackaging, debianReleaseSourceTree, debianSourceTree } from '../../src/distro/index.js';

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

test("kdk flavour --release trixie --profile syzbot: evaluates on 6.12, names what 6.12 lacks, is a fixed point of C conf, and its defines.toml files compose in Debian's packaging", async () => {
  // The command as a user runs it (the built CLI), then its outputs read back.
  const out = mkdtempSync(join(tmpdir(), 'kdk-trixie-flavour-'));
  const args = ['flavour', '--distro', 'debian', '--release', 'trixie', '--arch', 'amd64', '--profile', 'syzbot'];
  const cli = spawnSync(process.execPath, [join(projectRoot, 'bin', 'kdk.js'), ...args, '--out', out, '--json'], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  assert.equal(cli.status, 0, cli.stderr);
  const r = JSON.parse(cli.stdout) as {
    tree: string;
    kernel: string;
    removed: { symbol: string }[];
    requested: { total: number; stuck: number; notStuck: unknown[] };
    base: { files: string[] };
    written: string[];
  };
  const text = readFileSync(join(out, '.config'), 'utf8');
  const stuck = readConfigFile(join(out, 'fragment.config'));
  assert.equal(r.tree, trixieTree, 'evaluated on linux-source-6.12 at the packaging version');
  assert.match(r.kernel, /^6\.12\./);
  assert.deepEqual(r.removed.map((g) => g.symbol).sort(), ['DEBUG_CREDENTIALS', 'UBSAN_SANITIZE_ALL']);
  assert.equal(r.requested.total, r.requested.stuck + r.requested.notStuck.length);
  assert.equal(stuck.size, r.requested.stuck);
  assert.ok(r.base.files.some((f) => f.endsWith('kernelarch-x86/config')));
  const c = await evaluateConfigC(trixieTree, 'amd64', text);
  assert.equal(c.text, text, "the flavour's .config is what the kernel's C conf makes of it");

  // Apply the generated files to a copy of Debian's packaging, as the snippet says, and compose the new flavour.
  const dir = mkdtempSync(join(tmpdir(), 'kdk-trixie-debug-'));
  try {
    cpSync(join(pkg.dir, 'debian', 'config'), join(dir, 'debian', 'config'), { recursive: true });
    cpSync(join(pkg.dir, 'debian', 'changelog'), join(dir, 'debian', 'changelog'));
    for (const path of r.written.filter((p) => p.startsWith(join(out, 'debian')))) {
      const rel = relative(out, path);
      if (rel.endsWith('.append')) appendFileSync(join(dir, rel.replace(/\.append$/, '')), readFileSync(path));
      else if (!rel.endsWith('.snippet')) {
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        cpSync(path, join(dir, rel));
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
    const built = evaluateConfig(trixieTree, 'amd64', base.config).config;
    const lost = [...stuck].filter(([k, v]) => (built.get(k) ?? 'n') !== v);
    assert.deepEqual(lost, []);
    process.stderr.write(
      `trixie syzbot: ${r.requested.total} requested, ${r.requested.stuck} stuck, ${r.removed.length} not in ` +
        `${r.kernel}; debug featureset composed in Debian's packaging keeps all ${stuck.size} stuck options\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
});
