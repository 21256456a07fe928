// `kdk gap git` on a real repository built here: every kind of fix is reported the way it should be.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import { gitGap } from '../../src/gap/git-scan.js';
import { Repo } from './git-repo.js';

function build() {
  const r = new Repo();
  const s = (x: string) => x.slice(0, 12);
  r.commit('init.c', 'int init;', 'init: first commit');
  const bugA = r.commit('a.c', 'int a = 1;', 'a: add feature');
  const bugB = r.commit('b.c', 'int b = 1;', 'b: add feature');
  const bugC = r.commit('c.c', 'int c = 1;', 'c: add feature');
  const bugE = r.commit('e.c', 'int e = 1;', 'e: add feature');
  r.git('tag', 'v6.1');
  const fixA = r.commit(
    'a.c',
    'a = 2; /* fix */',
    `a: fix overflow\n\nFixes: ${s(bugA)} ("a: add feature")\nCc: stable@vger.kernel.org`,
  );
  const fixB = r.commit(
    'b.c',
    'b = 2; /* fix */',
    `b: fix use-after-free\n\nReported-by: syzbot+0123abcd@syzkaller.appspotmail.com\nFixes: ${s(bugB)} ("b: add feature")`,
  );
  const fixC = r.commit('c.c', 'c = 2; /* fix */', `c: fix leak\n\nFixes: ${s(bugC)} ("c: add feature")`);
  const bugD = r.commit('d.c', 'int d = 1;', 'd: add feature');
  const fixD = r.commit(
    'd.c',
    'd = 2; /* fix */',
    `d: fix null deref\n\nThis is CVE-2099-0001.\nFixes: ${s(bugD)} ("d: add feature")`,
  );
  const fixE = r.commit(
    'e.c',
    'e = 2; /* fix */',
    `e: fix race\n\nFixes: ${s(bugE)} ("e: add feature")`,
    'Dev Two <dev2@example.org>',
  );
  const fixA2 = r.commit(
    'a.c',
    'a = 3; /* second fix */',
    `a: fix another overflow\n\nFixes: ${bugA} ("a: add feature")`,
  );
  const bugF = r.commit('f.c', 'int f = 1;', 'f: add feature');
  const fixF = r.commit('f.c', 'f = 2;', `f: fix\n\nFixes: ${s(bugF)} ("f: add feature")`);
  // The stable branch: backports that name their upstream commit; one brings bug D in.
  r.git('checkout', '-q', '-b', 'linux-6.1.y', 'v6.1');
  const bpA = r.cherryPick(fixA, `a: fix overflow\n\ncommit ${fixA} upstream.\n\nFixes: ${s(bugA)} ("a: add feature")`);
  const bpD = r.cherryPick(bugD, `d: add feature\n\n[ Upstream commit ${bugD} ]`);
  // The distro branch: its own patches on top of stable.
  r.git('checkout', '-q', '-b', 'distro', 'linux-6.1.y');
  const ownB = r.cherryPick(fixB, 'distro: plug b crash seen in testing', 'Distro Dev <dd@distro.org>');
  const bpC = r.cherryPick(fixC, `c: fix leak\n\ncommit ${fixC} upstream.`);
  const revC = r.git('revert', '--no-edit', bpC) && r.git('rev-parse', 'HEAD');
  const ownE = r.cherryPick(fixE, 'e: fix race', 'Dev Two <dev2@example.org>');
  return { r, bugA, fixA, fixB, fixC, fixD, fixE, fixA2, fixF, bpA, bpD, ownB, bpC, revC, ownE };
}

test('gap git: missing fixes (direct and via a backported bug), carried ones, and a reverted fix', async () => {
  const h = build();
  const rep = await gitGap({ repo: h.r.dir, branch: 'distro', upstream: 'master' });
  const missing = Object.fromEntries(rep.missing.map((m) => [m.fixCommit, m]));
  assert.deepEqual(Object.keys(missing).sort(), [h.fixA2, h.fixD].sort(), 'exactly the two uncarried fixes');
  assert.equal(missing[h.fixD].fixes[0].via, 'backport');
  assert.equal(missing[h.fixD].fixes[0].presentAs, h.bpD);
  assert.deepEqual(missing[h.fixD].cves, ['CVE-2099-0001']);
  assert.equal(missing[h.fixA2].fixes[0].via, 'direct');
  const carried = Object.fromEntries(rep.carried.map((c) => [c.fixCommit, c]));
  assert.deepEqual(carried[h.fixA], {
    fixCommit: h.fixA,
    subject: 'a: fix overflow',
    how: 'backport-reference',
    by: h.bpA,
  });
  assert.equal(carried[h.fixB].how, 'patch-id', 'different subject and author, same patch');
  assert.equal(carried[h.fixB].by, h.ownB);
  assert.equal(carried[h.fixE].how, 'subject+author');
  assert.ok(!(h.fixF in carried) && !(h.fixF in missing), 'a fix for a bug the branch never had is not reported');
  assert.equal(rep.reverted.length, 1);
  assert.equal(rep.reverted[0].fixCommit, h.fixC);
  assert.match(
    rep.reverted[0].evidence,
    new RegExp(`carried as ${h.bpC.slice(0, 12)}, reverted by ${h.revC.slice(0, 12)}`),
  );
});

test('gap git: a reverted revert or a new backport re-applies the fix; --since limits the upstream range', async () => {
  const h = build();
  h.r.git('revert', '--no-edit', h.revC);
  const rep = await gitGap({ repo: h.r.dir, branch: 'distro', upstream: 'master' });
  assert.equal(rep.reverted.length, 0);
  h.r.git('revert', '--no-edit', 'HEAD'); // revert the revert of the revert: reverted again
  assert.equal((await gitGap({ repo: h.r.dir, branch: 'distro', upstream: 'master' })).reverted.length, 1);
  h.r.cherryPick(h.fixC, `c: fix leak\n\ncommit ${h.fixC} upstream.`); // backported anew
  assert.equal((await gitGap({ repo: h.r.dir, branch: 'distro', upstream: 'master' })).reverted.length, 0);
  const since = await gitGap({ repo: h.r.dir, branch: 'distro', upstream: 'master', since: h.fixE });
  assert.deepEqual(
    since.missing.map((m) => m.fixCommit),
    [h.fixA2],
  );
});

test('gap git CLI: --json, and a repository without the named branch is a clear usage error', () => {
  const h = build();
  const kdk = join(projectRoot, 'bin', 'kdk.js');
  const ok = spawnSync(
    process.execPath,
    [kdk, 'gap', 'git', '--repo', h.r.dir, '--branch', 'distro', '--upstream', 'master', '--json'],
    { encoding: 'utf8' },
  );
  assert.equal(ok.status, 1, ok.stderr);
  assert.equal((JSON.parse(ok.stdout) as { missing: unknown[] }).missing.length, 2);
  const bad = spawnSync(
    process.execPath,
    [kdk, 'gap', 'git', '--repo', h.r.dir, '--branch', 'debian/6.1', '--upstream', 'master'],
    { encoding: 'utf8' },
  );
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--branch debian\/6\.1: no such branch or commit/);
  assert.equal(bad.stdout, '');
});

test('gap git against a stable branch: a stable fix the distro carries under its mainline id is not missing', async () => {
  const h = build();
  // Stable gets a backport of fixA2 (naming its mainline id); the distro carries fixA2 under the same mainline id.
  h.r.git('checkout', '-q', 'linux-6.1.y');
  const stableA2 = h.r.cherryPick(
    h.fixA2,
    `a: fix another overflow (stable)\n\ncommit ${h.fixA2} upstream.\n\nFixes: ${h.bugA} ("a")`,
  );
  h.r.git('checkout', '-q', 'distro');
  h.r.cherryPick(h.fixA2, `a: fix another overflow\n\n[ Upstream commit ${h.fixA2} ]`);
  const rep = await gitGap({ repo: h.r.dir, branch: 'distro', upstream: 'linux-6.1.y' });
  assert.ok(!rep.missing.some((m) => m.fixCommit === stableA2), JSON.stringify(rep.missing));
  assert.deepEqual(rep.carried.find((c) => c.fixCommit === stableA2)?.how, 'backport-reference');
});
