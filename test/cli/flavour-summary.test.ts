// What `kdk flavour` tells a maintainer (issue 16 item 5): which Debian packaging version was evaluated on which
// tree (a warning when they differ), the knock-on changes by name, and the next command to run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import { debianPackaging } from '../../src/distro/index.js';
import { debianSourceTree } from '../../src/distro/index.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');
const run = (args: string[]) => spawnSync(process.execPath, [kdk, ...args], { encoding: 'utf8', timeout: 600_000 });
// The installed tree's version as dpkg reports it, not as kdk computes it.
const dpkgVersion = () =>
  spawnSync('dpkg-query', ['-W', '-f=${Version}', 'linux-source-6.1'], { encoding: 'utf8' }).stdout.trim();

test('kdk flavour evaluates the packaging of the installed tree and says so (summary and report.json)', () => {
  debianSourceTree();
  const out = mkdtempSync(join(tmpdir(), 'kdk-flavour-'));
  try {
    const r = run(['flavour', '--profile', 'minimal', '--out', join(out, 'fl')]);
    assert.equal(r.status, 0, r.stderr);
    const tree = dpkgVersion();
    const report = JSON.parse(readFileSync(join(out, 'fl', 'report.json'), 'utf8'));
    assert.equal(report.packaging.treeVersion, tree);
    // The archive serves the tree's own packaging here; when it does not, the mismatch test below applies.
    assert.equal(report.packaging.version, tree);
    assert.equal(report.packaging.matches, true);
    assert.deepEqual(report.warnings, []);
    assert.match(r.stdout, new RegExp(`packaging ${tree} evaluated on tree ${tree}`));
    assert.match(r.stdout, new RegExp(`^next: kdk build --flavour-dir ${join(out, 'fl')}$`, 'm'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('kdk flavour warns when the packaging and the tree differ, and names the knock-on changes', () => {
  const tree = debianSourceTree();
  // Another packaging version than the tree's: the newest the archive serves that is not the tree's.
  const other = debianPackaging({ version: '6.1.187-1' });
  assert.notEqual(other.version, tree.version);
  const out = mkdtempSync(join(tmpdir(), 'kdk-flavour-'));
  try {
    const r = run(['flavour', '--debian-dir', other.dir, '--profile', 'syzbot', '--out', join(out, 'fl')]);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(readFileSync(join(out, 'fl', 'report.json'), 'utf8'));
    assert.deepEqual(report.packaging, {
      version: other.version,
      treeVersion: dpkgVersion(),
      kernel: dpkgVersion().replace(/-[^-]*$/, ''),
      matches: false,
    });
    assert.equal(report.warnings.length, 1);
    assert.match(
      r.stdout,
      new RegExp(`WARNING: Debian packaging ${other.version} evaluated on a ${tree.version} tree`),
    );
    // syzbot asks for RANDOMIZE_BASE=n, and RANDOMIZE_MEMORY (depends on RANDOMIZE_BASE) goes with it: a base value
    // nobody asked to change, which a maintainer must see.
    const knock = report.baseChanges.knockOn.find((c: { symbol: string }) => c.symbol === 'RANDOMIZE_MEMORY');
    assert.deepEqual([knock.base, knock.final], ['y', 'n']);
    assert.match(r.stdout, /base values changed as a consequence \(\d+\):\n(?:\s+.*\n)*?\s+.*RANDOMIZE_MEMORY y→n/);
    assert.match(r.stdout, /newly set through dependencies \(\d+\):\n(?:\s+.*\n)*?\s+.*KASAN_SHADOW_OFFSET=0x/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
