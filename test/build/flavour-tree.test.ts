// `kdk build --flavour DIR` builds on the tree the flavour was evaluated on (issue 10): a trixie flavour made by
// the real `kdk flavour --release trixie` names linux-source-6.12 in its manifest.json, and the build must use
// that tree, not bookworm's linux-source-6.1, or refuse (exit 2) a --srctree of another kernel. Checked without a
// kernel build: a make goal that does not exist stops make right after `make olddefconfig` has written the
// build's .config, whose header names the kernel version of the tree make ran in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import { debianPackaging, debianReleaseSourceTree, debianSourceTree } from '../../src/distro/index.js';
import { readFlavourManifest } from '../../src/flavour/index.js';
import { recordsDir } from '../../src/build/index.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');
const run = (args: string[]) => spawnSync(process.execPath, [kdk, ...args], { encoding: 'utf8', timeout: 900_000 });

test('kdk build --flavour of a trixie flavour: builds on its 6.12 tree; a 6.1 --srctree is refused with exit 2', () => {
  const trixie = debianReleaseSourceTree('trixie', debianPackaging({ release: 'trixie' }).version).dir;
  const bookworm = debianSourceTree().dir;
  const dir = mkdtempSync(join(tmpdir(), 'kdk-flavour-tree-'));
  try {
    const fl = join(dir, 'fl');
    const f = run(['flavour', '--release', 'trixie', '--arch', 'amd64', '--profile', 'minimal', '--out', fl, '-q']);
    assert.equal(f.status, 0, f.stderr);
    const m = readFlavourManifest(fl)!;
    assert.equal(m.tree.path, trixie);
    assert.match(m.tree.kernelVersion!, /^6\.12\./);
    assert.equal(m.release, 'trixie');
    assert.deepEqual([m.arch, m.debianArch], ['x86_64', 'amd64']);

    const refused = run(['build', '--flavour', fl, '--srctree', bookworm, '--target', 'kdk-no-such-goal']);
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /--srctree .* is Linux 6\.1\.\d+, but this flavour was evaluated on Linux 6\.12\./);
    assert.equal(existsSync(join(fl, 'build')), false, 'refused before make ran');

    const b = run(['build', '--flavour', fl, '--target', 'kdk-no-such-goal', '--jobs', '2']);
    assert.equal(b.status, 1, 'make stops at the goal that does not exist');
    // The failed build's record (kept for the user beside the good ones) is this test's own: remove it.
    const rec = /record: (\S+\.json)/.exec(b.stderr)?.[1];
    if (rec?.startsWith(recordsDir())) rmSync(rec, { force: true });
    const header = readFileSync(join(fl, 'build', '.config'), 'utf8').slice(0, 300);
    assert.match(header, /^# Linux\/\S+ 6\.12\.\d+ Kernel Configuration$/m, 'olddefconfig ran in the 6.12 tree');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
