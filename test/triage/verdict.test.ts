// Fix verdicts decided by commit on a real git history (gap's scanner): the fix merged, backported with a
// `commit <sha> upstream` line, carried under another id with the same patch-id, absent, or unknown to the
// repository; then `kdk triage verdicts` on a store of a real console, through the built CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixVerdict } from '../../src/triage/index.js';
import { openStore } from '../../src/store/index.js';
import { Repo } from '../gap/git-repo.js';
import { loadReportCase } from '../report/corpus.js';
import { haveCorpus } from '../store/corpus-logs.js';
import { tempDir } from '../store/tmp.js';
import { projectRoot, skipIf } from '../helpers.js';

function history() {
  const r = new Repo();
  r.commit('ip6_output.c', 'int ip6_fragment(void) { return 0; }', 'ipv6: add ip6_fragment');
  const bad = r.commit('ip6_output.c', 'static void use_after_free(void) {}', 'ipv6: speed up fragments');
  const other = r.commit('dev.c', 'int dev(void) { return 1; }', 'net: unrelated change');
  const fix = r.commit(
    'ip6_output.c',
    'static void no_use_after_free(void) {}',
    `ipv6: fix use-after-free in ip6_fragment\n\nFixes: ${bad.slice(0, 12)} ("ipv6: speed up fragments")\n`,
  );
  r.git('branch', 'direct', fix);
  for (const b of ['backport', 'patchid', 'missing']) r.git('branch', b, other);
  r.git('checkout', '-q', 'backport');
  r.cherryPick(fix, `ipv6: fix use-after-free in ip6_fragment\n\ncommit ${fix} upstream.\n`);
  r.git('checkout', '-q', 'patchid');
  r.cherryPick(fix, 'distro: ipv6 fragment fix (reworded, no reference)', 'Distro Dev <d@example.org>');
  r.git('checkout', '-q', 'missing');
  r.commit('dev.c', 'int dev2(void) { return 2; }', 'net: another unrelated change');
  return { r, fix };
}

test('verdicts by commit: present, as backport (reference or patch-id), missing, unknown', async () => {
  const { r, fix } = history();
  assert.equal((await fixVerdict(r.dir, 'direct', [fix])).verdict, 'fix-present');
  const bp = await fixVerdict(r.dir, 'backport', [fix.slice(0, 12)]);
  assert.equal(bp.verdict, 'fix-present-as-backport');
  assert.match(bp.evidence, /backport-reference/);
  const pid = await fixVerdict(r.dir, 'patchid', [fix]);
  assert.equal(pid.verdict, 'fix-present-as-backport');
  assert.match(pid.evidence, /patch-id/);
  assert.equal((await fixVerdict(r.dir, 'missing', [fix])).verdict, 'fix-missing');
  assert.equal((await fixVerdict(r.dir, 'missing', ['0123456789abcdef0123456789abcdef01234567'])).verdict, 'unknown');
  assert.equal((await fixVerdict(r.dir, 'direct', [])).verdict, 'unknown');
  // Every fix must be accounted for: one the repository does not know leaves the answer unknown.
  assert.equal(
    (await fixVerdict(r.dir, 'backport', [fix, 'fedcba9876543210fedcba9876543210fedcba98'])).verdict,
    'unknown',
  );
  await assert.rejects(fixVerdict(r.dir, 'no-such-branch', [fix]), /no-such-branch/);
});

test(
  'kdk triage verdicts stores a verdict per kernel; the bug list shows it',
  {
    skip: skipIf(haveCorpus() ? undefined : 'no ../shared/corpora/syzkaller-report'),
  },
  async () => {
    const { r, fix } = history();
    const dir = tempDir();
    const db = join(dir, 'kdk.db');
    const log = join(dir, '475.log');
    writeFileSync(log, loadReportCase('475').log);
    const syz = join(dir, 'syzbot.json');
    // syzbot's bug-page shape, written here by hand with the fix commit of the history above.
    writeFileSync(
      syz,
      JSON.stringify({
        version: 1,
        title: 'KASAN: use-after-free Read in ip6_fragment',
        id: 'x1',
        'fix-commits': [{ title: 'fix', hash: fix }],
      }),
    );
    const kdk = (...args: string[]) =>
      spawnSync(process.execPath, [join(projectRoot, 'bin', 'kdk.js'), ...args, '--db', db], { encoding: 'utf8' });
    for (const k of ['deb-missing', 'deb-backport']) assert.equal(kdk('ingest', '--kernel', k, log).status, 0);
    // The same console under two kernel names is one occurrence: file a second, different one for the other kernel.
    writeFileSync(log, Buffer.concat([loadReportCase('475').log, Buffer.from('\n')]));
    assert.equal(kdk('ingest', '--kernel', 'deb-backport', log).status, 0);
    assert.equal(kdk('triage', 'import-syzbot', syz).status, 0);
    const miss = kdk('triage', 'verdicts', '--kernel', 'deb-missing', '--repo', r.dir, '--branch', 'missing', '--json');
    assert.equal(miss.status, 1, miss.stderr);
    assert.equal(JSON.parse(miss.stdout).verdicts[0].verdict, 'fix-missing');
    const bp = kdk('triage', 'verdicts', '--kernel', 'deb-backport', '--repo', r.dir, '--branch', 'backport', '--json');
    assert.equal(bp.status, 0, bp.stderr);
    const bugs = JSON.parse(kdk('triage', 'bugs', '--json').stdout).bugs;
    assert.equal(bugs.length, 1);
    assert.deepEqual(bugs[0].fixVerdict, { 'deb-backport': 'fix-present-as-backport', 'deb-missing': 'fix-missing' });
    const s = await openStore(db);
    const d = (await s.getBug(bugs[0].id))!;
    assert.match(
      d.verdictEvidence['deb-backport'],
      new RegExp(`${fix.slice(0, 12)} as [0-9a-f]{12} \\(backport-reference\\)`),
    );
    await s.close();
  },
);
