// Bad input and broken guests: each ends within its timeout with a clear verdict or error, and no QEMU left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cFile, kdk, noQemuWith, stockKernel, tag, tmp } from './fixtures.js';

const kernel = stockKernel();
const nothing = cFile('nothing.c', 'int main(void) { return 0; }\n');

test('a missing kernel: exit 2 naming the file, before any QEMU', async () => {
  const missing = join(tmp(), 'bzImage');
  for (const cmd of [['boot'], ['run', '--repro', nothing]]) {
    const r = await kdk([...cmd, '--kernel', missing]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`${missing}: kernel not found`));
  }
});

test('a file that is not a kernel: exit 2 saying what was expected', async () => {
  const notKernel = join(tmp(), 'vmlinuz');
  writeFileSync(notKernel, 'this is text, not a kernel\n'.repeat(100));
  const r = await kdk(['boot', '--kernel', notKernel]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /not a bootable kernel for x86_64: expected an x86 bzImage/);
});

test("a reproducer that does not compile: exit 2 with the compiler's error", async () => {
  const bad = cFile('bad.c', '#include <unistd.h>\nint main(void) {\n  return no_such_symbol;\n}\n');
  const r = await kdk(['run', '--kernel', kernel, '--repro', bad]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`${bad}:3: reproducer does not compile`));
  assert.match(r.stderr, /bad\.c:3:\d+: error: .no_such_symbol. undeclared/);
});

test("a guest that never reaches kdk's userspace: boot-failure by the silence watchdog", async () => {
  const t = tag();
  const tmpdir = tmp('kdk-tmpdir-');
  // rdinit=/bin/sh: the kernel starts a shell that waits on the console for input, so kdk's /init never runs.
  const r = await kdk(
    [
      'boot',
      '--kernel',
      kernel,
      '--append',
      `${t} rdinit=/bin/sh`,
      '--timeout',
      '90',
      '--silence-timeout',
      '15',
      '--json',
    ],
    { env: { TMPDIR: tmpdir } },
  );
  assert.equal(r.code, 1);
  const res = JSON.parse(r.stdout);
  assert.deepEqual(readdirSync(tmpdir), [], 'no kdk-vm-* directory left after a failed boot');
  assert.equal(res.booted, false);
  assert.equal(res.verdict, 'boot-failure');
  assert.match(res.reason, /no console output for 15 s/);
  assert.ok(r.seconds < 90, `ended in ${r.seconds} s`);
  assert.deepEqual(await noQemuWith(t), []);
});

test('a kernel with no init to run: boot-failure with the panic titled', async () => {
  const t = tag();
  const r = await kdk([
    'boot',
    '--kernel',
    kernel,
    '--append',
    `${t} rdinit=/nope init=/nope`,
    '--timeout',
    '60',
    '--json',
  ]);
  assert.equal(r.code, 1);
  const res = JSON.parse(r.stdout);
  assert.equal(res.verdict, 'boot-failure');
  assert.match(res.crashes[0]?.title ?? '', /kernel panic: No working init found|kernel panic: VFS/);
  assert.deepEqual(await noQemuWith(t), []);
});

test('a guest flooding the console: stopped by its timeout, log capped, verdict timeout', async () => {
  const t = tag();
  const flood = cFile(
    'flood.c',
    '#include <string.h>\n#include <unistd.h>\nint main(void) {\n  char b[4096];\n  memset(b, 65, sizeof b);\n' +
      '  b[sizeof b - 1] = 10;\n  for (;;) write(1, b, sizeof b);\n}\n',
  );
  const r = await kdk(['run', '--kernel', kernel, '--repro', flood, '--append', t, '--timeout', '20', '--json']);
  assert.equal(r.code, 1);
  const run = JSON.parse(r.stdout).runs[0];
  assert.equal(run.verdict, 'timeout');
  assert.match(run.reason, /timeout|flood/);
  assert.ok(r.seconds < 35, `ended in ${r.seconds} s`);
  assert.ok(statSync(run.consoleLog).size <= 32 * 1024 * 1024);
  assert.deepEqual(await noQemuWith(t), []);
});

test('a program that hangs quietly: the no-output watchdog ends the run with verdict timeout', async () => {
  const t = tag();
  const hang = cFile('hang.c', '#include <unistd.h>\nint main(void) { pause(); return 0; }\n');
  const r = await kdk([
    'run',
    '--kernel',
    kernel,
    '--repro',
    hang,
    '--append',
    t,
    '--timeout',
    '90',
    '--silence-timeout',
    '15',
    '--json',
  ]);
  assert.equal(r.code, 1);
  const run = JSON.parse(r.stdout).runs[0];
  assert.equal(run.verdict, 'timeout');
  assert.match(run.reason, /no console output for 15 s/);
  assert.deepEqual(run.programs, [{ name: '01-repro' }]);
  assert.deepEqual(await noQemuWith(t), []);
});
