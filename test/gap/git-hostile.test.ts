// A repository built to attack whoever runs git in it: its own .git/config names commands as fsmonitor,
// signature checker, external diff, textconv and clean filter, one commit carries a signature, and refs
// and URLs are made to look like options. kdk reads it (`gap git`, a `--vulns` checkout) and nothing runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import { gitGap } from '../../src/gap/git-scan.js';
import { dirKey } from '../../src/gap/dir-key.js';
import { Repo } from './git-repo.js';
import { tempDir } from './tmp.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');

/** A small history (one missing fix, one carried by patch id: `log -p` runs) with the traps set. */
function hostile(): { r: Repo; marker: string; fixMissing: string } {
  const r = new Repo();
  const s = (x: string) => x.slice(0, 12);
  r.commit('init.c', 'int init;', 'init: first commit');
  const bugA = r.commit('a.c', 'int a = 1;', 'a: add feature');
  const bugB = r.commit('b.c', 'int b = 1;', 'b: add feature');
  r.git('tag', 'v1');
  const fixA = r.commit('a.c', 'a = 2;', `a: fix overflow\n\nFixes: ${s(bugA)} ("a: add feature")`);
  const fixB = r.commit('b.c', 'b = 2;', `b: fix leak\n\nFixes: ${s(bugB)} ("b: add feature")`);
  r.git('checkout', '-q', '-b', 'distro', 'v1');
  r.cherryPick(fixB, 'distro: plug a leak', 'Distro Dev <dd@distro.org>');
  // A signed commit on top (a made-up signature: verifying it is what would run gpg.program).
  const raw = r.git('cat-file', 'commit', 'HEAD');
  const signed = raw.replace(
    /^(committer .*)$/m,
    '$1\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----',
  );
  const file = join(r.dir, '.git', 'signed-commit');
  writeFileSync(file, signed + '\n');
  r.git('update-ref', 'refs/heads/distro', r.git('hash-object', '-t', 'commit', '-w', file));
  const marker = join(r.dir, '..', `${r.dir.split('/').pop()}-MARKER`);
  const script = join(r.dir, '.git', 'evil.sh');
  writeFileSync(script, `#!/bin/sh\necho "ran: $0 $*" >> '${marker}'\ncat\n`);
  chmodSync(script, 0o755);
  const cfg = (k: string, v: string) => r.git('config', k, v);
  cfg('core.fsmonitor', script);
  cfg('log.showSignature', 'true');
  cfg('gpg.program', script);
  cfg('diff.external', script);
  cfg('diff.evil.textconv', script);
  cfg('diff.evil.command', script);
  cfg('filter.evil.clean', script);
  cfg('filter.evil.smudge', script);
  cfg('core.pager', script);
  writeFileSync(join(r.dir, '.git', 'info', 'attributes'), '* diff=evil filter=evil\n');
  for (const hook of ['pre-auto-gc', 'post-checkout', 'reference-transaction'])
    writeFileSync(join(r.dir, '.git', 'hooks', hook), `#!/bin/sh\n'${script}' hook\n`, { mode: 0o755 });
  return { r, marker, fixMissing: fixA };
}

test('the traps are live: plain git in this repository runs the commands', () => {
  const { r, marker } = hostile();
  r.git('log', '-1', 'distro'); // log.showSignature → gpg.program
  r.git('log', '-p', '-1', 'master'); // diff.external
  writeFileSync(join(r.dir, 'a.c'), 'changed\n');
  r.git('status', '--porcelain'); // fsmonitor, clean filter
  const ran = readFileSync(marker, 'utf8');
  assert.match(ran, /ran: .*evil\.sh/);
  assert.ok(ran.split('\n').filter(Boolean).length >= 3, ran);
});

test('gap git in the hostile repository: the same findings, and none of its commands ran', async () => {
  const { r, marker, fixMissing } = hostile();
  const rep = await gitGap({ repo: r.dir, branch: 'distro', upstream: 'master' });
  assert.deepEqual(
    rep.missing.map((m) => m.fixCommit),
    [fixMissing],
  );
  assert.equal(rep.carried[0]?.how, 'patch-id', 'log -p and patch-id ran (with no external diff or textconv)');
  assert.equal(rep.branch, 'distro', 'findings name the branch as given');
  assert.ok(!existsSync(marker), existsSync(marker) ? readFileSync(marker, 'utf8') : '');
});

test('a --vulns checkout with a hostile .git/config: its key is read without running anything', () => {
  const { r, marker } = hostile();
  const pub = join(r.dir, 'cve', 'published', '2024');
  mkdirSync(pub, { recursive: true });
  writeFileSync(join(pub, 'CVE-2024-0001.dyad'), `6.1:${'a'.repeat(40)}:6.2:${'b'.repeat(40)}\n`);
  r.git('add', '-f', 'cve');
  r.git('-c', 'user.name=C', '-c', 'user.email=c@example.org', 'commit', '-q', '-m', 'cve');
  writeFileSync(join(pub, 'CVE-2024-0001.dyad'), `6.1:${'a'.repeat(40)}:6.3:${'b'.repeat(40)}\n`); // dirty
  const key = dirKey(join(r.dir, 'cve', 'published'));
  assert.match(key, /^files:/, 'a changed checkout is keyed by its files');
  r.git('checkout', '-q', '--', 'cve'); // (this plain git runs the smudge filter: the marker is reset below)
  if (existsSync(marker)) writeFileSync(marker, '');
  // Clean, but a clean filter is configured: git would run it to check, so the files key the index.
  assert.match(dirKey(join(r.dir, 'cve', 'published')), /^files:/);
  assert.equal(existsSync(marker) ? readFileSync(marker, 'utf8') : '', '');
  // Without filter drivers the commit keys it (fsmonitor and the rest are still set, and still off).
  r.git('config', '--remove-section', 'filter.evil');
  assert.match(dirKey(join(r.dir, 'cve', 'published')), /^git:[0-9a-f]{40}$/);
  assert.equal(existsSync(marker) ? readFileSync(marker, 'utf8') : '', '');
});

test('refs and URLs that look like options are refused with exit 2, and no file is touched', () => {
  const { r, marker } = hostile();
  const victim = join(tempDir('kdk-victim-'), 'precious.txt');
  writeFileSync(victim, 'keep me\n');
  const env = { ...process.env, KDK_CACHE: tempDir('kdk-cache-') };
  for (const args of [
    ['--branch', 'distro', `--upstream=--output=${victim}`],
    [`--branch=--output=${victim}`, '--upstream', 'master'],
    ['--branch', 'distro', '--upstream', 'master', `--since=--output=${victim}`],
  ]) {
    const res = spawnSync(process.execPath, [kdk, 'gap', 'git', '--repo', r.dir, ...args], { encoding: 'utf8', env });
    assert.equal(res.status, 2, `${args.join(' ')}: ${res.stderr}`);
    assert.match(res.stderr, /not a branch, tag or commit name/);
  }
  assert.equal(readFileSync(victim, 'utf8'), 'keep me\n');
  const up = spawnSync(process.execPath, [kdk, 'gap', 'update', '--from', `-u${marker}.sh@host:x`], {
    encoding: 'utf8',
    env,
  });
  assert.equal(up.status, 2, up.stderr);
  assert.ok(!existsSync(marker));
});

test('commit subjects with terminal escapes and table pipes print inert, as text and as Markdown', () => {
  const { r, marker } = hostile();
  r.git('checkout', '-q', 'master');
  const bug = r.git('rev-parse', 'v1');
  r.commit('init.c', 'x;', `init: fix \x1b]0;owned\x07\x1b[2J| cell | *bold*\n\nFixes: ${bug.slice(0, 12)} ("b")`);
  rmSync(marker, { force: true }); // the plain git above ran the repository's filters and hooks
  const env = { ...process.env, KDK_CACHE: tempDir('kdk-cache-') };
  for (const format of ['text', 'markdown']) {
    const res = spawnSync(
      process.execPath,
      [kdk, 'gap', 'git', '--repo', r.dir, '--branch', 'distro', '--upstream', 'master', '--format', format],
      { encoding: 'utf8', env },
    );
    assert.equal(res.status, 1, res.stderr);
    assert.doesNotMatch(res.stdout + res.stderr, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/, format);
    const shown =
      format === 'text' ? /init: fix \\x1b\]0;owned\\x07\\x1b\[2J/ : /init: fix \\x1b\\\]0;owned\\x07\\x1b\\\[2J/;
    assert.match(res.stdout, shown);
    if (format === 'markdown') {
      const row = res.stdout.split('\n').find((l) => l.includes('init: fix'))!;
      assert.equal(row.split(/(?<!\\)\|/).length, 7, `one row of five cells: ${row}`);
    }
  }
  assert.ok(!existsSync(marker));
});
