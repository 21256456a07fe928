// The git wrapper: every git kdk runs goes through it, and what it refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import { checkCloneUrl, checkRevision, gitArgs } from '../../src/util/git.js';

function sources(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (n.endsWith('.ts')) out.push(p);
  }
  return out;
}

test('no source file but util/git.ts starts git itself', () => {
  const offenders = sources(join(projectRoot, 'src'))
    .filter((f) => !f.endsWith(join('util', 'git.ts')))
    .filter((f) => /\b(?:spawn|spawnSync|run|execFile|execFileSync)\(\s*['"`]git['"`]/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders, []);
});

test('the hardening comes before the command, after -C', () => {
  const a = gitArgs('/r', ['log']);
  assert.deepEqual(a.slice(0, 2), ['-C', '/r']);
  assert.equal(a.at(-1), 'log');
  for (const kv of [
    'core.fsmonitor=false',
    'core.hooksPath=/dev/null',
    'log.showSignature=false',
    'protocol.allow=never',
  ])
    assert.ok(a.includes(kv), kv);
});

test('revisions and URLs that git would read as options are refused', () => {
  for (const bad of ['--output=/tmp/x', '-u', '', 'a b', 'x\n--all'])
    assert.throws(() => checkRevision(bad, '--branch'), /not a branch/);
  for (const ok of ['master', 'v6.1', 'HEAD~3', 'origin/linux-6.1.y', 'a'.repeat(40)]) checkRevision(ok, '--branch');
  for (const bad of ['-uevil@host:x', '--upload-pack=x', 'ext::sh -c x', 'fd::3'])
    assert.throws(() => checkCloneUrl(bad, '--from'), /not a git URL/);
  for (const ok of ['https://git.kernel.org/pub/scm/linux/security/vulns.git', 'git@host:vulns', 'file:///srv/v.git'])
    checkCloneUrl(ok, '--from');
});
