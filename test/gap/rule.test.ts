// The version rule on small hand-written dyads (the edge cases), and version parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { judge, parseDyad, parseKernelArg, parseVersion, compareMainline, type Problem } from '../../src/gap/index.js';
import { KdkError } from '../../src/util/errors.js';

const C = 'a'.repeat(40);
const lines = (...ls: string[]) => parseDyad(ls.map((l) => l.replace(/X/g, C)).join('\n'), 't.dyad', []);
const at = (ls: ReturnType<typeof lines>, k: string) => judge(ls, parseKernelArg(k));

test('mainline order puts every -rc before its release, and 2.6.39 before 3.0', () => {
  const order = ['2.6.12', '2.6.39', '3.0-rc1', '3.0', '6.1-rc1', '6.1-rc8', '6.1', '6.2-rc1', '6.10'];
  for (let i = 1; i < order.length; i++)
    assert.ok(compareMainline(parseVersion(order[i - 1])!, parseVersion(order[i])!) < 0, order[i]);
});

test('an -rc fix in mainline counts as fixed before the branch point', () => {
  const ls = lines('5.10:X:6.1-rc5:X');
  assert.equal(at(ls, '6.1.10').affected, false);
  assert.equal(at(ls, '6.1-rc4').affected, true);
  assert.equal(at(ls, '6.1-rc5').affected, false);
  assert.equal(at(ls, '6.0.9').affected, true, '6.0 branched before the fix and has no fix line');
});

test('a bug that entered in an -rc of the branch release is inherited by the branch', () => {
  const ls = lines('6.1-rc3:X:6.1.20:X', '6.1-rc3:X:6.3:X');
  assert.deepEqual(
    [at(ls, '6.1').affected, at(ls, '6.1.19').fixedIn, at(ls, '6.1.20').affected],
    [true, '6.1.20', false],
  );
  assert.equal(at(ls, '6.0.5').affected, false, 'entered after 6.0 branched');
});

test('0:0 halves, equal-version lines and backports never fixed', () => {
  assert.equal(at(lines('0:0:6.1.50:X', '0:0:6.5:X'), '6.1.49').fixedIn, '6.1.50');
  assert.equal(at(lines('0:0:6.5:X'), '6.1.300').affected, true, 'since the beginning, no 6.1 fix');
  assert.equal(at(lines('6.1.47:X:6.1.47:X', '6.5:X:6.5:X'), '6.1.47').affected, false);
  const bp = lines('6.3:X:6.8:X', '6.1.116:X:0:0');
  assert.deepEqual(
    [at(bp, '6.1.115').affected, at(bp, '6.1.116').affected, at(bp, '6.1.116').fixedIn],
    [false, true, undefined],
  );
});

test('malformed dyad lines are reported with file and line, the others kept', () => {
  const problems: Problem[] = [];
  const ls = parseDyad(
    `# comment\n6.1.4:${C}:6.1.9:${C}\n6.1.x:zz:1:2\nonly:three:parts\n0:0:0:0\n`,
    'bad.dyad',
    problems,
  );
  assert.equal(ls.length, 1);
  assert.deepEqual(
    problems.map((p) => [p.file, p.line]),
    [
      ['bad.dyad', 3],
      ['bad.dyad', 4],
      ['bad.dyad', 5],
    ],
  );
});

test('a version string that is not a kernel version is a usage error (exit 2)', () => {
  for (const bad of ['6', 'six.one', '6.1.192-amd64', '6.1.', '', '1.2.3.4.5']) {
    assert.throws(
      () => parseKernelArg(bad),
      (e: unknown) => e instanceof KdkError && e.exitCode === 2,
      bad,
    );
  }
  assert.equal(parseKernelArg('v6.1.192').text, '6.1.192');
  assert.equal(parseKernelArg('6.1.0').text, '6.1');
});

test('fuzz: parseDyad never throws and every kept line has a version on one side', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (s) => {
      const ls = parseDyad(s, 'f.dyad', []);
      return ls.every((l) => l.vuln || l.fix);
    }),
  );
});
