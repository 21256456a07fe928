// A full disk: kdk names the file and the cause, exits 3 (the machine's problem, not the input), leaves no
// half-written or temp files, and keeps the previous good build record. The disk is a real, deliberately tiny
// tmpfs (mounted as root; skipped with the reason where mount is not allowed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot, skipIf } from '../helpers.js';
import { debianConfig, debianSourceTree } from '../../src/distro/index.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');
const run = (args: string[]) => spawnSync(process.execPath, [kdk, ...args], { encoding: 'utf8', timeout: 600_000 });

/** A tmpfs of `size` mounted on a fresh directory, or the reason there cannot be one. */
function tinyDisk(size: string): { dir: string; done: () => void } | string {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-full-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return `cannot mount a small tmpfs to fill (${r.stderr.trim() || 'mount failed'}): needs root`;
  }
  return {
    dir,
    done: () => {
      spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const probe = tinyDisk('64k');
const noMount = typeof probe === 'string' ? probe : (probe.done(), undefined);

const tempFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tmp-\d+-/.test(f));

test(
  'kdk flavour --out on a full disk: exit 3 naming the file, no .config, no temp files',
  { skip: skipIf(noMount) },
  () => {
    const disk = tinyDisk('64k') as { dir: string; done: () => void };
    try {
      const out = join(disk.dir, 'fl');
      const r = run(['flavour', '--config', debianConfig('amd64').path, '--profile', 'minimal', '--out', out]);
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stderr, /kdk: error: .*fl\/[^:]+: no space left on device/);
      assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'a message, not a stack trace');
      assert.equal(existsSync(join(out, '.config')), false, 'the .config is written last, so it is not there');
      assert.deepEqual(tempFiles(disk.dir), []);
    } finally {
      disk.done();
    }
  },
);

test('kdk build on a full disk: exit 3 saying so, the previous good record kept', { skip: skipIf(noMount) }, () => {
  const tree = debianSourceTree();
  const disk = tinyDisk('1m') as { dir: string; done: () => void };
  const cfg = mkdtempSync(join(tmpdir(), 'kdk-tiny-'));
  try {
    const made = spawnSync('make', ['-s', '-C', tree.dir, `O=${cfg}`, 'ARCH=x86_64', 'tinyconfig'], {
      encoding: 'utf8',
    });
    assert.equal(made.status, 0, made.stderr);
    const fl = join(disk.dir, 'fl');
    mkdirSync(fl);
    writeFileSync(join(fl, '.config'), readFileSync(join(cfg, '.config')));
    const good = '{"note": "the previous good build record of this flavour"}\n';
    writeFileSync(join(fl, 'build-record.json'), good);
    const r = run(['build', '--flavour', fl, '--target', 'bzImage', '--jobs', '2', '--cache', join(cfg, 'ccache')]);
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /build failed \(no space left on device\)/);
    assert.match(r.stderr, /No space left on device/, "the compiler's or make's own line is shown");
    assert.equal(readFileSync(join(fl, 'build-record.json'), 'utf8'), good);
    assert.deepEqual(tempFiles(fl), []);
  } finally {
    disk.done();
    rmSync(cfg, { recursive: true, force: true });
  }
});
