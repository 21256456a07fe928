// The streaming reader: same reports however the log is chunked, bounded memory on huge input,
// and sensible results on bad input (garbage, NUL bytes, invalid UTF-8, empty logs). Cases that are only a log
// and its expected report are data files in test/report/data/report/ (cases.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReportStream, parseLog, type CrashReport } from '../../src/report/index.js';
import { haveShared, skipIf } from '../helpers.js';
import { caseNames, loadReportCase } from './corpus.js';

const missing = haveShared('corpora', 'syzkaller-report') ? undefined : '../shared/corpora/syzkaller-report is missing';

function streamInChunks(log: Buffer, sizes: (i: number) => number): CrashReport[] {
  const s = new ReportStream();
  const out: CrashReport[] = [];
  for (let i = 0, n = 0; i < log.length; n++) {
    const len = Math.max(1, sizes(n));
    out.push(...s.push(log.subarray(i, i + len)));
    i += len;
  }
  out.push(...s.end());
  return out;
}

const KASAN = [
  '[   10.000001] ==================================================================',
  '[   10.000002] BUG: KASAN: use-after-free in ip6_send_skb+0x2f5/0x330',
  '[   10.000003] Read of size 8 at addr ffff88004fab1858 by task syz-executor0/30168',
  '[   10.000004] CPU: 0 PID: 30168 Comm: syz-executor0 Not tainted 4.12.0-rc3+ #3',
  '[   10.000005] Call Trace:',
  '[   10.000006]  dump_stack+0x292/0x395',
  '[   10.000007]  kasan_report+0x230/0x340',
  '[   10.000008]  ip6_send_skb+0x2f5/0x330',
  '[   10.000009]  ip6_push_pending_frames+0xb8/0xe0',
  '[   10.000010]  rawv6_sendmsg+0x2ede/0x4400',
  '[   10.000011]  inet_sendmsg+0x169/0x5c0',
  '[   10.000012] ==================================================================',
].join('\n');

test('every corpus log gives the same reports streamed in odd-sized chunks', { skip: skipIf(missing) }, () => {
  const names = caseNames('report');
  for (const name of names.filter((_, i) => i % 3 === 0)) {
    const log = loadReportCase(name).log;
    const whole = parseLog(log);
    const sizes = [1, 7, 4093];
    const streamed = streamInChunks(log, (n) => sizes[n % 3] * (1 + (n % 5)));
    assert.deepEqual(streamed, whole, `report/${name}`);
  }
});

test('a log with no crash, and an empty log, give no reports', () => {
  assert.deepEqual(parseLog(''), []);
  assert.deepEqual(parseLog(Buffer.alloc(0)), []);
  assert.deepEqual(parseLog('[    0.000000] Linux version 6.1.0\n[    1.0] systemd[1]: Started.\n'), []);
});

test('a KASAN report is found with its title, type, frames, offsets and text', () => {
  const log = `[    9.9] booting\n${KASAN}\n[   11.0] after\n`;
  const [r, ...rest] = parseLog(log);
  assert.equal(rest.length, 0);
  assert.equal(r.title, 'KASAN: use-after-free Read in ip6_send_skb');
  assert.deepEqual(r.altTitles, ['bad-access in ip6_send_skb']);
  assert.equal(r.type, 'KASAN-USE-AFTER-FREE-READ');
  assert.equal(r.guiltyFrame, 'ip6_send_skb');
  assert.equal(r.corrupted, false);
  assert.equal(log.slice(r.start).split('\n')[0], KASAN.split('\n')[1]);
  assert.ok(r.end > r.start && r.end <= log.length);
  assert.ok(r.text.startsWith('booting\n===='), 'prefix lines come first, timestamps cut');
  assert.deepEqual(r.frames[2], { function: 'ip6_send_skb', offset: 0x2f5, size: 0x330 });
});

test('two reports in one log come out in order, each with its own title', () => {
  const warn = [
    '[   20.0] WARNING: CPU: 1 PID: 42 at net/core/dev.c:123 dev_foo+0x10/0x20',
    '[   20.1] RIP: 0010:dev_foo+0x10/0x20',
    '[   20.2] Call Trace:',
    '[   20.3]  bar_baz+0x1/0x2',
    '[   20.4]  do_syscall_64+0x1/0x2',
  ].join('\n');
  const reps = parseLog(`${KASAN}\n${warn}\n`);
  assert.deepEqual(
    reps.map((r) => r.title),
    ['KASAN: use-after-free Read in ip6_send_skb', 'WARNING in dev_foo'],
  );
  assert.ok(reps[0].end <= reps[1].start);
});

test('NUL bytes, invalid UTF-8 and CRs around a report do not hide it', () => {
  const junk = Buffer.from([0, 0xff, 0xfe, 0xc3, 0x28, 0x00, 0x0d, 0x0a, 0xe2, 0x82, 0x0a]);
  const log = Buffer.concat([junk, Buffer.from(KASAN.replaceAll('\n', '\r\n')), Buffer.from('\n'), junk]);
  const [r] = parseLog(log);
  assert.equal(r.title, 'KASAN: use-after-free Read in ip6_send_skb');
  assert.equal(typeof r.text, 'string');
});

test('a 100 MB line without newline streams through in bounded memory', () => {
  const s = new ReportStream();
  const mb = Buffer.alloc(1 << 20, 'A');
  let peak = 0;
  const out: CrashReport[] = [];
  out.push(...s.push(Buffer.from('[    1.0] BUG: KASAN: use-after-free in foo_bar+0x1/0x2 ')));
  for (let i = 0; i < 100; i++) {
    out.push(...s.push(mb));
    peak = Math.max(peak, s.retainedBytes);
  }
  out.push(...s.push(Buffer.from(`\n${KASAN}\n`)));
  out.push(...s.end());
  console.log(`100 MB line: at most ${(peak / 2 ** 10).toFixed(0)} KiB retained by the stream`);
  // One chunk in flight plus the capped line: far below the line's size.
  assert.ok(peak < 2 * 2 ** 20, `the stream retained ${peak} bytes`);
  assert.ok(out[0].title.startsWith('KASAN: use-after-free in foo_bar'), out[0].title);
  assert.equal(out[0].corrupted, true);
  assert.equal(out.at(-1)!.title, 'KASAN: use-after-free Read in ip6_send_skb');
  assert.ok(out.at(-1)!.start > 100 * 2 ** 20, 'offsets count the dropped bytes');
});

test('binary garbage gives no exception and well-formed reports', () => {
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  const buf = Buffer.alloc(4 << 20);
  for (let i = 0; i < buf.length; i++) buf[i] = rnd() & 0xff;
  const reps = parseLog(buf);
  for (const r of reps) assert.ok(r.start <= r.end && r.end <= buf.length);
});

test('flush hands over finished reports at once; inReport tells a report is being read', () => {
  const s = new ReportStream();
  assert.deepEqual(s.push(`${KASAN}\n`), []);
  assert.equal(s.inReport, true);
  // The crash output is over once 100 of its lines show no stack frame; it is then held for a panic.
  const noise = Array.from({ length: 120 }, (_, i) => `[   20.${i}] audit: type=1400 msg ${i}\n`).join('');
  assert.deepEqual(s.push(noise), []);
  assert.equal(s.inReport, false);
  assert.deepEqual(
    s.flush().map((r) => r.title),
    ['KASAN: use-after-free Read in ip6_send_skb'],
  );
  assert.deepEqual(s.end(), []);
});
