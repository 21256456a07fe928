// Big consoles through the built CLI: `report parse --json` and `gap match` on a log of a real corpus crash
// repeated with console noise between, run at two sizes. Bounded memory means the peak RSS of the larger run
// is not much above the smaller one's (whatever V8's heap sizing adds); kept in memory, the reports and their
// JSON grow with the log. `gap match` prints one row per distinct crash title, with its count.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveShared, projectRoot, sharedDir, skipIf } from '../helpers.js';
import { snapshotMissing } from '../gap/snapshot.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');
const missing = haveShared('corpora', 'syzkaller-report') ? undefined : '../shared/corpora/syzkaller-report is missing';
const dir = mkdtempSync(join(tmpdir(), 'kdk-big-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** report/475 (a KASAN use-after-free) and 200 lines of audit noise, repeated to `mib` MiB; returns the count. */
function bigLog(file: string, mib: number): number {
  const text = readFileSync(sharedDir('corpora', 'syzkaller-report', 'report', '475'), 'latin1');
  const noise = Array.from({ length: 200 }, (_, i) => `[  100.${i}] audit: type=1400 avc: denied pid=${i}\n`);
  const unit = Buffer.from(text.slice(text.indexOf('\n\n') + 2) + noise.join(''), 'latin1');
  const fd = openSync(file, 'w');
  let n = 0;
  for (; n * unit.length < mib * 2 ** 20; n++) writeSync(fd, unit);
  closeSync(fd);
  return n;
}

/** Runs the CLI with a preload that prints the process's peak RSS on exit. */
function runMeasured(args: string[]): { status: number | null; stdout: string; stderr: string; rssMiB: number } {
  const preload = join(dir, 'rss.mjs');
  writeFileSync(
    preload,
    "process.on('exit', () => process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\\n`));\n",
  );
  const r = spawnSync(process.execPath, ['--import', preload, kdk, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const kib = Number(/maxRSS=(\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, rssMiB: kib / 1024 };
}

test(
  'report parse --json on a big console streams: peak RSS does not grow with the log',
  { skip: skipIf(missing), timeout: 300_000 },
  () => {
    const sizes = [16, 64];
    const rss: number[] = [];
    for (const mib of sizes) {
      const file = join(dir, `console-${mib}.log`);
      const n = bigLog(file, mib);
      const r = runMeasured(['report', 'parse', file, '--json']);
      assert.equal(r.status, 0, r.stderr.slice(-2000));
      // The output is one valid document with every report: read it line by line (it is large).
      const lines = r.stdout.split('\n');
      assert.equal(lines[0], '{"reports":[');
      assert.equal(lines.at(-2), ']}');
      const reports = lines.slice(1, -2);
      assert.equal(reports.length, n);
      assert.equal(
        (JSON.parse(reports[n - 1].replace(/,$/, '')) as { title: string }).title,
        'KASAN: use-after-free Read in ip6_fragment',
      );
      rss.push(r.rssMiB);
      rmSync(file);
    }
    console.log(`peak RSS: ${sizes.map((s, i) => `${s} MiB log ${rss[i].toFixed(0)} MiB`).join(', ')}`);
    assert.ok(rss[1] - rss[0] < 48, `peak RSS grew from ${rss[0].toFixed(0)} to ${rss[1].toFixed(0)} MiB`);
  },
);

test(
  'gap match on a big console prints one row per distinct crash title, with its count',
  { skip: skipIf(missing || snapshotMissing), timeout: 300_000 },
  () => {
    const file = join(dir, 'console-gap.log');
    const n = bigLog(file, 8);
    const r = runMeasured(['gap', 'match', file, '--kernel', '5.15.80', '--json']);
    assert.equal(r.status, 1, r.stderr.slice(-2000));
    const out = JSON.parse(r.stdout) as { crashes: { title: string; count: number; bugs: { cve: string }[] }[] };
    assert.equal(out.crashes.length, 1);
    assert.equal(out.crashes[0].title, 'KASAN: use-after-free Read in ip6_fragment');
    assert.equal(out.crashes[0].count, n);
    assert.ok(out.crashes[0].bugs.some((b) => b.cve === 'CVE-2022-48956'));
    const text = runMeasured(['gap', 'match', file, '--kernel', '5.15.80']);
    assert.ok(text.stdout.includes(`KASAN: use-after-free Read in ip6_fragment (x${n})`), text.stdout.slice(0, 2000));
    assert.ok(text.stdout.split('\n').length < 20, 'a handful of rows, not one per report');
  },
);
