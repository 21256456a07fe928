// The VM command groups' command line: help with an example, and bad flag values as usage errors (exit 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kdk } from '../vm/fixtures.js';

for (const cmd of [['boot'], ['run'], ['repro'], ['image', 'initramfs'], ['image', 'debian']]) {
  test(`kdk ${cmd.join(' ')} --help shows an example`, async () => {
    const r = await kdk([...cmd, '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Examples? ?[^\n]*:\n\s+kdk /);
  });
}

test('bad flag values are usage errors naming the flag', async () => {
  for (const [args, re] of [
    [['boot', '--kernel', '/boot', '--timeout', 'soon'], /--timeout wants a positive number/],
    [['boot', '--kernel', '/boot', '--accel', 'hvf'], /--accel: expected auto, kvm or tcg/],
    [['boot', '--kernel', '/boot', '--arch', 'mips'], /--arch: unknown architecture "mips"/],
    [['boot', '--kernel', '/boot', '--arch', 'sparc'], /--arch: unknown architecture "sparc"/],
    [['run', '--kernel', '/boot'], /give --repro <file\.c> or --module <file\.ko>/],
  ] as const) {
    const r = await kdk([...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
});
