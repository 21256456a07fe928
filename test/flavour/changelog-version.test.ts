// The --debian-dir changelog's version names a cache directory (another release's source tree): it must be
// a Debian version, never a path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import { changelogVersion } from '../../src/flavour/debug-flavour.js';

function packaging(version: string): string {
  const d = mkdtempSync(join(tmpdir(), 'kdk-changelog-'));
  mkdirSync(join(d, 'debian'));
  writeFileSync(join(d, 'debian', 'changelog'), `linux (${version}) unstable; urgency=medium\n\n  * x\n`);
  return d;
}

test('Debian versions are read; paths and other junk are input errors naming changelog line 1', () => {
  for (const v of ['6.12.57-1', '6.1.158-1', '6.12.57-1~bpo12+1', '1:2.3~rc1+dfsg-1ubuntu2']) {
    const d = packaging(v);
    assert.equal(changelogVersion(join(d, 'debian', 'changelog')), v);
    rmSync(d, { recursive: true });
  }
  for (const v of ['6.12.1/../../../../tmp/x-1', '../x', 'abc', '6.1\x1b[2J']) {
    const d = packaging(v);
    assert.throws(
      () => changelogVersion(join(d, 'debian', 'changelog')),
      (e: Error & { line?: number }) => /is not a Debian version/.test(e.message) && e.line === 1,
      v,
    );
    rmSync(d, { recursive: true });
  }
});

test('kdk flavour --release trixie --debian-dir with a path for a version: exit 2 before any cache path', () => {
  const d = packaging('6.12.1/../../../../tmp/kdk-evil-1');
  const cache = mkdtempSync(join(tmpdir(), 'kdk-cache-'));
  const r = spawnSync(
    process.execPath,
    [join(projectRoot, 'bin', 'kdk.js'), 'flavour', '--release', 'trixie', '--debian-dir', d, '--out', join(d, 'out')],
    { encoding: 'utf8', env: { ...process.env, KDK_CACHE: cache } },
  );
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /debian\/changelog:1: "6\.12\.1\/\.\.\/\.\.\/.*" is not a Debian version/);
  assert.ok(!existsSync(join(cache, 'debian')), 'nothing was made under the cache');
  rmSync(d, { recursive: true });
  rmSync(cache, { recursive: true });
});
