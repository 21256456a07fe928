// `kdk gap match`: crash titles against the crash titles CVE descriptions quote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './tmp.js';
import { spawnSync } from 'node:child_process';
import { projectRoot, sharedDir, skipIf, haveShared } from '../helpers.js';
import { normaliseTitle, parseKernelArg } from '../../src/gap/index.js';
import { quotedCrashes } from '../../src/gap/quoted-crashes.js';
import { matchCrashes } from '../../src/gap/match.js';
import { crashesFromFile } from '../../src/gap/crash-input.js';
import { snapshotIndex, snapshotMissing } from './snapshot.js';

const corpusMissing = haveShared('corpora', 'syzkaller-report', 'report')
  ? undefined
  : '../shared/corpora/syzkaller-report is missing';

test('console lines and syzkaller titles of one crash normalise to the same key', () => {
  const same: [string, string][] = [
    [
      'BUG: KASAN: slab-use-after-free in __blk_rq_map_sg+0x18f/0x7c0',
      'KASAN: slab-use-after-free Read in __blk_rq_map_sg',
    ],
    [
      '[   78.622699][ T8947] BUG: KASAN: use-after-free in ip6_fragment+0x5d/0x60',
      'KASAN: use-after-free Write in ip6_fragment',
    ],
    [
      'WARNING: CPU: 1 PID: 207 at lib/refcount.c:25 refcount_warn_saturate+0xbc/0x110',
      'WARNING in refcount_warn_saturate',
    ],
    [
      'BUG: KMSAN: uninit-value in qrtr_tx_resume+0x185/0x1f0 net/qrtr/af_qrtr.c:230',
      'KMSAN: uninit-value in qrtr_tx_resume',
    ],
    ['UBSAN: shift-out-of-bounds in fs/jfs/jfs_dmap.c:799:12', 'UBSAN: shift-out-of-bounds in fs/jfs/jfs_dmap.c'],
  ];
  for (const [a, b] of same) assert.equal(normaliseTitle(a), normaliseTitle(b), `${a} ~ ${b}`);
  assert.equal(normaliseTitle('BUG: memory leak'), undefined, 'too generic alone');
  const q = quotedCrashes(
    '  kernel BUG at include/linux/scatterlist.h:115!\n  Oops: invalid opcode: 0000 [#1]\n  RIP: 0010:__blk_rq_map_sg+0x339/0x4a0\n',
  );
  assert.deepEqual(q[0].keys, ['kernel BUG at include/linux/scatterlist.h', 'kernel BUG in __blk_rq_map_sg']);
});

test(
  'a report JSON: the CVE for a quoted title, with its fix and the kernel verdict; none for a made-up one',
  { skip: skipIf(snapshotMissing) },
  () => {
    const dir = tempDir('kdk-match-');
    const file = join(dir, 'report.json');
    writeFileSync(
      file,
      JSON.stringify({
        reports: [
          { title: 'KASAN: slab-use-after-free Read in __blk_rq_map_sg' },
          { title: 'KASAN: use-after-free Read in kdk_made_up_function_xyzzy' },
        ],
      }),
    );
    const r = spawnSync(
      process.execPath,
      [join(projectRoot, 'bin', 'kdk.js'), 'gap', 'match', file, '--kernel', '6.6.10', '--json'],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 1, r.stderr); // 6.6.10 lacks a fix
    const out = JSON.parse(r.stdout) as {
      crashes: {
        verdict: string;
        bugs: { cve: string; affected: boolean; fixedIn?: string; fixCommits: string[] }[];
      }[];
    };
    const [known, made] = out.crashes;
    const bug = known.bugs.find((b) => b.cve === 'CVE-2024-26616');
    assert.ok(bug, JSON.stringify(known));
    assert.deepEqual([bug.affected, bug.fixedIn, bug.fixCommits[0].slice(0, 12)], [true, '6.6.15', 'f546c4282673']);
    assert.equal(made.verdict, 'no known upstream bug');
    assert.equal(made.bugs.length, 0);
  },
);

test(
  'a console log goes through the report parser: syzkaller title, then the CVE quoting it',
  { skip: skipIf(snapshotMissing || (haveShared('corpora', 'syzkaller-report') ? undefined : 'no syzkaller corpus')) },
  async () => {
    // report/475: the raw KASAN line names kfree_skb_list; syzkaller's title (and the CVE) name ip6_fragment.
    const text = readFileSync(sharedDir('corpora', 'syzkaller-report', 'report', '475'), 'latin1');
    const dir = tempDir('kdk-match-');
    const log = join(dir, 'console.log');
    writeFileSync(log, text.slice(text.indexOf('\n\n') + 2));
    const crashes = await crashesFromFile(log);
    assert.equal(crashes[0].title, 'KASAN: use-after-free Read in ip6_fragment');
    const [m] = matchCrashes(await snapshotIndex(), crashes, parseKernelArg('6.1.150'));
    const bug = m.bugs.find((b) => b.cve === 'CVE-2022-48956');
    assert.ok(bug, JSON.stringify(m));
    assert.equal(bug.affected, false, 'fixed in mainline 6.1 itself, so 6.1.150 has the fix');
    assert.equal(
      matchCrashes(await snapshotIndex(), crashes, parseKernelArg('5.15.80'))[0].bugs.find(
        (b) => b.cve === 'CVE-2022-48956',
      )!.fixedIn,
      '5.15.83',
    );
  },
);

test(
  'kdk report parse --json output feeds kdk gap match',
  { skip: skipIf(snapshotMissing || (haveShared('corpora', 'syzkaller-report') ? undefined : 'no syzkaller corpus')) },
  () => {
    const text = readFileSync(sharedDir('corpora', 'syzkaller-report', 'report', '475'), 'latin1');
    const dir = tempDir('kdk-match-');
    const log = join(dir, 'console.log');
    writeFileSync(log, text.slice(text.indexOf('\n\n') + 2));
    const kdk = join(projectRoot, 'bin', 'kdk.js');
    const parsed = spawnSync(process.execPath, [kdk, 'report', 'parse', log, '--json'], { encoding: 'utf8' });
    assert.equal(parsed.status, 0, parsed.stderr);
    const reportFile = join(dir, 'report.json');
    writeFileSync(reportFile, parsed.stdout);
    const r = spawnSync(process.execPath, [kdk, 'gap', 'match', reportFile, '--kernel', '5.15.80', '--json'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { crashes: { title: string; bugs: { cve: string; affected: boolean }[] }[] };
    assert.equal(out.crashes[0].title, 'KASAN: use-after-free Read in ip6_fragment');
    assert.ok(out.crashes[0].bugs.some((b) => b.cve === 'CVE-2022-48956' && b.affected));
  },
);

test('fuzz: title normalisation and oops-line extraction never throw', async () => {
  const fc = (await import('fast-check')).default;
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (s) => {
      normaliseTitle(s);
      normaliseTitle(`BUG: KASAN: ${s}`);
      return quotedCrashes(`${s}\nWARNING: CPU: 0 PID: 1 at ${s}\n RIP: 0010:${s}+0x1/0x2\n`).every((q) =>
        Array.isArray(q.keys),
      );
    }),
  );
});

test("quoted oops lines are the report stage's: every header of its rules, its suppressions honoured", async () => {
  const { LINUX_OOPSES } = await import('../../src/report/rules.js');
  const { compile } = await import('../../src/report/compiled.js');
  for (const o of LINUX_OOPSES) {
    const line = `${o.header} something went wrong`;
    if (o.suppressions.some((s) => compile(s).test(line))) continue;
    assert.equal(quotedCrashes(`  ${line}\n`).length, 1, o.header);
  }
  // Lines the report rules know and a restated list did not: arm64's and SLUB's oops lines.
  assert.deepEqual(
    quotedCrashes('  Internal error: synchronous external abort: 96000210 [#1] PREEMPT SMP\n').map((q) => q.title),
    ['Internal error: synchronous external abort: 96000210 [#1] PREEMPT SMP'],
  );
  assert.equal(quotedCrashes('  BUG kmalloc-128 (Not tainted): Poison overwritten\n').length, 1);
  // A suppression of the rules, and prose that only starts like a title, are not crashes.
  assert.deepEqual(quotedCrashes('INFO: lockdep is turned off.\nmemory leak in the error path of foo_probe()\n'), []);
});

// Ground truth: syzkaller's own titles for the KASAN reports of its corpus. Where syzkaller's title names the
// function on the `BUG: KASAN:` line itself (it skips helper frames such as lock_acquire otherwise, a rule of
// its own), the console line and the title must give one key: older kernels' `double-free or invalid-free`,
// `** N printk messages dropped **` before the line, and `.part.23` clone suffixes included.
test(
  'a KASAN console line keys as syzkaller titles it (syzkaller report corpus)',
  { skip: skipIf(corpusMissing) },
  () => {
    const dir = sharedDir('corpora', 'syzkaller-report', 'report');
    let compared = 0;
    for (const f of readdirSync(dir)) {
      const text = readFileSync(join(dir, f), 'latin1');
      const title = /^TITLE: (KASAN: .*)$/m.exec(text)?.[1];
      const line = /^.*BUG: KASAN: .*$/m.exec(text.slice(text.indexOf('\n\n')))?.[0];
      const titleFn = title && / in (\S+)(?: at addr ADDR)?$/.exec(title)?.[1];
      const lineFn = line && / in ([\w.]+)\+0x/.exec(line)?.[1].replace(/\.\d+/g, '.NUM');
      if (!titleFn || titleFn !== lineFn) continue;
      compared++;
      assert.equal(normaliseTitle(line!), normaliseTitle(title!), `${f}: ${line} ~ ${title}`);
      assert.ok(normaliseTitle(title!), `${f}: ${title} keys`);
    }
    assert.ok(compared >= 10, `only ${compared} corpus reports compared`);
    assert.equal(normaliseTitle('KASAN: null-ptr-deref in range [0x0000000000000010-0x0000000000000017]'), undefined);
  },
);
