// Fuzzing the parser: random bytes and mutated corpus logs never make it throw, and what it returns is
// well-formed (offsets inside the log, titles printable and short), whichever way the input is chunked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ReportStream, parseLog, type CrashReport } from '../../src/report/index.js';
import { haveShared, skipIf } from '../helpers.js';
import { caseNames, loadReportCase } from './corpus.js';

const missing = haveShared('corpora', 'syzkaller-report') ? undefined : '../shared/corpora/syzkaller-report is missing';

function wellFormed(reps: CrashReport[], len: number): void {
  let prevStart = -1;
  for (const r of reps) {
    assert.ok(r.start >= 0 && r.start <= r.end && r.end <= len, `offsets ${r.start}-${r.end} of ${len}`);
    assert.ok(r.start >= prevStart, 'reports in log order');
    prevStart = r.start;
    assert.ok(r.title.length > 0 && r.title.length <= 120, `title ${JSON.stringify(r.title)}`);
    assert.match(r.title, /^[\x20-\x7e]+$/);
    assert.equal(typeof r.text, 'string');
    assert.equal(r.corrupted, r.corruptedReason !== undefined);
  }
}

test('random bytes never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
      const buf = Buffer.from(bytes);
      wellFormed(parseLog(buf), buf.length);
    }),
    { numRuns: 300 },
  );
});

// Console-ish fragments make random inputs reach deep into the rules (headers, frames, prefixes).
const FRAGMENTS = [
  '[   12.345678] ',
  '[   12.345678][ T123] ',
  '[   12.345678][  C0] ',
  'BUG: KASAN: use-after-free in foo+0x1/0x2\n',
  'WARNING: CPU: 0 PID: 1 at net/core/dev.c:1 bar+0x3/0x4\n',
  'Call Trace:\n',
  ' baz+0x5/0x6\n',
  ' ? qux+0x7/0x8\n',
  'RIP: 0010:foo+0x1/0x2\n',
  'Kernel panic - not syncing: panic_on_warn set\n',
  'INFO: task syz:1 blocked for more than 143 seconds.\n',
  'general protection fault: 0000 [#1]\n',
  'backtrace:\n',
  'Read of size 8 at addr ffff by task x/1\n',
  '\n',
  '\r',
  '\0',
  '\xff\xfe',
];

test('console-like random text never throws, streamed or whole', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 40 })), { maxLength: 200 }),
      fc.integer({ min: 1, max: 64 }),
      (parts, chunk) => {
        const buf = Buffer.from(parts.join(''), 'latin1');
        const whole = parseLog(buf);
        wellFormed(whole, buf.length);
        const s = new ReportStream();
        const streamed: CrashReport[] = [];
        for (let i = 0; i < buf.length; i += chunk) streamed.push(...s.push(buf.subarray(i, i + chunk)));
        streamed.push(...s.end());
        assert.deepEqual(
          streamed.map((r) => r.title),
          whole.map((r) => r.title),
        );
      },
    ),
    { numRuns: 300 },
  );
});

test('mutated corpus logs never throw', { skip: skipIf(missing) }, () => {
  const logs = caseNames('report')
    .filter((_, i) => i % 10 === 0)
    .map((n) => loadReportCase(n).log);
  const mutation = fc.record({
    file: fc.nat(logs.length - 1),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    cut: fc.nat(2000),
    insert: fc.uint8Array({ maxLength: 64 }),
    dup: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (muts) => {
      let buf = logs[muts[0].file];
      for (const m of muts) {
        const at = Math.floor(m.at * buf.length);
        const tail = buf.subarray(Math.min(buf.length, at + m.cut));
        buf = Buffer.concat([buf.subarray(0, at), Buffer.from(m.insert), m.dup ? buf.subarray(at) : tail]);
      }
      wellFormed(parseLog(buf), buf.length);
    }),
    { numRuns: 200 },
  );
});
