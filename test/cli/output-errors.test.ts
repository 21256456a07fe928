// Ordinary output mistakes are input or environment errors naming the path, never a stack trace (issue 16 item
// 4), and a failed `kdk flavour --out DIR` leaves DIR exactly as it was (item 3). The failures are real: a file
// where a directory should be, a directory where a file should be, a read-only tmpfs, and a tmpfs too small
// for a second copy of the outputs (mounted as root; skipped with the reason where mount is not allowed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot, skipIf } from '../helpers.js';
import { debianConfig, debianSourceTree } from '../../src/distro/index.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');
const run = (args: string[]) => spawnSync(process.execPath, [kdk, ...args], { encoding: 'utf8', timeout: 600_000 });
const flavour = (out: string, profile = 'minimal') =>
  run(['flavour', '-q', '--config', debianConfig('amd64').path, '--profile', profile, '--out', out]);
const noStack = (stderr: string) => assert.doesNotMatch(stderr, /^\s+at .*:\d+:\d+\)?$/m, 'a message, no stack trace');

function mountTmpfs(opts: string): { dir: string; done: () => void } | string {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-out-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return `cannot mount a tmpfs (${r.stderr.trim() || 'mount failed'}): needs root`;
  }
  return {
    dir,
    done: () => {
      spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
const probe = mountTmpfs('size=64k');
const noMount = typeof probe === 'string' ? probe : (probe.done(), undefined);

/** Every file under `dir` with its content, to compare a directory before and after. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    try {
      out[f] = readFileSync(join(dir, f), 'utf8');
    } catch {
      out[f] = '<dir>';
    }
  }
  return out;
}

test('kdk flavour --out naming an existing file: exit 2 naming it, no stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-out-'));
  try {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'mine\n');
    const r = flavour(file);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`kdk: error: ${file}: exists and is not a directory`));
    noStack(r.stderr);
    assert.equal(readFileSync(file, 'utf8'), 'mine\n', 'the file is untouched');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'kdk flavour --out on a read-only file system: exit 3 saying read-only (not ENOENT)',
  { skip: skipIf(noMount) },
  () => {
    const ro = mountTmpfs('size=64k,ro') as { dir: string; done: () => void };
    try {
      const r = flavour(join(ro.dir, 'fl'));
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stderr, new RegExp(`kdk: error: ${ro.dir}/fl: read-only file system`));
      noStack(r.stderr);
    } finally {
      ro.done();
    }
  },
);

test('kdk config olddefconfig --out DIR: exit 2 naming DIR, nothing left in it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-out-'));
  try {
    const tree = debianSourceTree().dir;
    const r = run(
      ['config', 'olddefconfig', '-q', '--srctree', tree, '--arch', 'x86_64'].concat([
        '--in',
        debianConfig('amd64').path,
        '--out',
        dir,
      ]),
    );
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`kdk: error: ${dir}: is a directory`));
    noStack(r.stderr);
    assert.deepEqual(readdirSync(dir), [], 'no temp file left in the directory');
    assert.deepEqual(
      readdirSync(join(dir, '..')).filter((f) => f.includes('.tmp-')),
      [],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'a failed kdk flavour --out DIR leaves DIR as it was: no report.json of the new run beside the old .config',
  { skip: skipIf(noMount) },
  () => {
    const disk = mountTmpfs('size=4m') as { dir: string; done: () => void };
    try {
      const out = join(disk.dir, 'fl');
      const first = flavour(out, 'minimal');
      assert.equal(first.status, 0, first.stderr);
      // Kept across runs: what kdk build puts in a flavour directory.
      mkdirSync(join(out, 'build'));
      writeFileSync(join(out, 'build', 'vmlinux.o'), 'object\n');
      const before = snapshot(out);
      // Room for one more small file but not a second copy of the outputs: the old per-file writes managed
      // report.json, fragment.config and debian/ and then failed on .config, leaving a mix.
      const used = Number(
        spawnSync('df', ['--output=used', '-B1', disk.dir], { encoding: 'utf8' }).stdout.split('\n')[1],
      );
      const remount = spawnSync('mount', ['-o', `remount,size=${used + 96 * 1024}`, disk.dir], { encoding: 'utf8' });
      assert.equal(remount.status, 0, remount.stderr);
      const second = flavour(out, 'syzbot');
      assert.equal(second.status, 3, second.stderr);
      assert.match(second.stderr, new RegExp(`kdk: error: ${out}/[^:]+: no space left on device`));
      noStack(second.stderr);
      assert.deepEqual(snapshot(out), before, 'the old outputs, byte for byte, and nothing else');
      assert.deepEqual(readdirSync(disk.dir), ['fl'], 'no staging directory left beside it');
      // With room again the new run replaces the outputs as a whole and keeps the build tree.
      spawnSync('mount', ['-o', 'remount,size=4m', disk.dir]);
      const third = flavour(out, 'syzbot');
      assert.equal(third.status, 0, third.stderr);
      assert.match(readFileSync(join(out, 'report.json'), 'utf8'), /"syzbot"/);
      assert.equal(readFileSync(join(out, 'build', 'vmlinux.o'), 'utf8'), 'object\n');
      assert.deepEqual(readdirSync(disk.dir), ['fl']);
    } finally {
      disk.done();
    }
  },
);
