// Pure parts of the runner: QEMU command lines (x86_64 and the arm64 design), kernel file checks, bundles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { qemuArgs, kernelCmdline } from '../../src/vm/qemu-args.js';
import { ARCHES, checkKernelFile, loadBundle } from '../../src/vm/index.js';
import { KdkError } from '../../src/util/errors.js';

const base = { kernel: '/k', initramfs: '/i', memoryMb: 512, smp: 1 };

test('x86_64 under TCG: serial console on stdio, no default devices, -no-reboot, panic=-1', () => {
  const a = qemuArgs({ ...base, profile: ARCHES.x86_64, accel: 'tcg' });
  assert.deepEqual(a.slice(0, 2), ['-accel', 'tcg']);
  for (const f of ['-nodefaults', '-no-reboot', '-display']) assert.ok(a.includes(f), f);
  assert.equal(a[a.indexOf('-serial') + 1], 'stdio');
  assert.match(a[a.indexOf('-append') + 1], /^console=ttyS0 panic=-1/);
  assert.ok(!a.includes('-cpu'), 'KVM/TCG x86 use the default CPU model (-cpu host aborts on some hosts)');
});

test('arm64 is designed in: qemu-system-aarch64 -machine virt -cpu cortex-a57, console ttyAMA0', () => {
  const p = ARCHES.arm64;
  const a = qemuArgs({ ...base, profile: p, accel: 'tcg' });
  assert.equal(p.qemu, 'qemu-system-aarch64');
  assert.deepEqual(a.slice(2, 6), ['-machine', 'virt', '-cpu', 'cortex-a57']);
  assert.match(a[a.indexOf('-append') + 1], /console=ttyAMA0/);
});

test("gdb stub, ssh forward and the user's --append (last, so it wins)", () => {
  const i = { ...base, profile: ARCHES.x86_64, accel: 'tcg' as const, gdbPort: 1234, sshPort: 2222, append: 'foo=1' };
  const a = qemuArgs(i);
  assert.equal(a[a.indexOf('-gdb') + 1], 'tcp:127.0.0.1:1234');
  assert.match(a[a.indexOf('-netdev') + 1], /hostfwd=tcp:127.0.0.1:2222-:22/);
  assert.match(kernelCmdline(i), / foo=1$/);
});

test('kernel files: missing, a directory, and not a kernel are input errors naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-kf-'));
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'not a kernel\n'.repeat(200));
  for (const [path, re] of [
    [join(dir, 'missing'), /not found/],
    [dir, /not a regular file/],
    [text, /not a bootable kernel for x86_64/],
    ['/bin/sh', /not a bootable kernel/],
  ] as const) {
    assert.throws(
      () => checkKernelFile(path, ARCHES.x86_64),
      (e: unknown) => e instanceof KdkError && e.exitCode === 2 && e.file === path && re.test(e.message),
    );
  }
});

test('bundles: bug.json is validated (field named), repro.c and a kernel or .config are required', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-bundle-'));
  const expectErr = (re: RegExp) =>
    assert.throws(
      () => loadBundle(dir),
      (e: unknown) => e instanceof KdkError && e.exitCode === 2 && re.test(e.message),
    );
  expectErr(/no bug\.json/);
  writeFileSync(join(dir, 'bug.json'), '{"title": ');
  expectErr(/not valid JSON/);
  writeFileSync(join(dir, 'bug.json'), JSON.stringify({ title: 'x', repeat: -1 }));
  expectErr(/field "repeat"/);
  writeFileSync(join(dir, 'bug.json'), JSON.stringify({ title: 'WARNING in f', kernel: { commit: 'abc' } }));
  expectErr(/no repro\.c/);
  writeFileSync(join(dir, 'repro.c'), 'int main(){return 0;}');
  expectErr(/neither a kernel/);
  writeFileSync(join(dir, '.config'), 'CONFIG_X=y\n');
  const b = loadBundle(dir);
  assert.equal(b.bug.title, 'WARNING in f');
  assert.equal(b.bug.kernel?.commit, 'abc');
  assert.equal(b.bzImage, undefined);
  mkdirSync(join(dir, 'sub'));
});
