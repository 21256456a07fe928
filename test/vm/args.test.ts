// Pure parts of the runner: QEMU command lines (x86_64 and the arm64 design), kernel file checks, bundles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { qemuArgs, kernelCmdline } from '../../src/vm/qemu-args.js';
import { spawnSync } from 'node:child_process';
import {
  ARCHES,
  checkKernelFile,
  distroInitrd,
  gdbSession,
  loadBundle,
  MAX_TIMEOUT_S,
  runVm,
} from '../../src/vm/index.js';
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

test("a comma in the disk image path is QEMU's ',,' escape, not extra drive options", () => {
  const image = '/tmp/a,b/disk.img,snapshot=off,format=qcow2';
  const a = qemuArgs({ ...base, profile: ARCHES.x86_64, accel: 'tcg', image });
  assert.equal(
    a[a.indexOf('-drive') + 1],
    'file=/tmp/a,,b/disk.img,,snapshot=off,,format=qcow2,format=raw,if=virtio,snapshot=on',
  );
});

test('QEMU itself reads the escaped path as one file name (opened, not parsed as options)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-comma-'));
  const image = join(dir, 'disk,readonly=on,format=qcow2.img');
  writeFileSync(image, Buffer.alloc(1024 * 1024));
  const drive = qemuArgs({ ...base, profile: ARCHES.x86_64, accel: 'tcg', image });
  const value = drive[drive.indexOf('-drive') + 1];
  // -machine none -S: QEMU parses and opens the drive, then waits; `quit` on the monitor ends it.
  const r = spawnSync(
    'qemu-system-x86_64',
    [
      '-machine',
      'none',
      '-S',
      '-display',
      'none',
      '-nodefaults',
      '-monitor',
      'stdio',
      '-drive',
      value.replace('if=virtio', 'if=none'),
    ],
    { input: 'info block\nquit\n', encoding: 'utf8', timeout: 30_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.includes(image), `QEMU opened ${image}:\n${r.stdout}`);
});

test('bug.json timeout is bounded (past 24.8 days Node timers fire at once): exit 2 naming the field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-bundle-'));
  writeFileSync(join(dir, 'repro.c'), 'int main(){return 0;}');
  writeFileSync(join(dir, '.config'), 'CONFIG_X=y\n');
  writeFileSync(join(dir, 'bug.json'), JSON.stringify({ title: 'x', timeout: 3e6 }));
  assert.throws(
    () => loadBundle(dir),
    (e: unknown) => e instanceof KdkError && e.exitCode === 2 && /field "timeout"/.test(e.message),
  );
  writeFileSync(join(dir, 'bug.json'), JSON.stringify({ title: 'x', timeout: MAX_TIMEOUT_S }));
  assert.equal(loadBundle(dir).bug.timeout, MAX_TIMEOUT_S);
});

test('VM timeouts past the bound are input errors before QEMU starts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-kf-'));
  const kernel = join(dir, 'bzImage');
  const head = Buffer.alloc(0x400);
  head.write('HdrS', 0x202, 'latin1');
  writeFileSync(kernel, head);
  for (const key of ['runTimeoutS', 'bootTimeoutS', 'totalTimeoutS'] as const) {
    await assert.rejects(
      runVm({ kernel, [key]: 2 ** 31 / 1000 + 1 }, 'tcg'),
      (e: unknown) => e instanceof KdkError && e.exitCode === 2 && /out of range/.test(e.message),
    );
  }
});

test('a distro kernel (vmlinuz-VERSION) boots a disk image with its own initrd; a built bzImage with none', () => {
  const boot = mkdtempSync(join(tmpdir(), 'kdk-boot-'));
  const kernel = join(boot, 'vmlinuz-6.1.0-99-amd64');
  writeFileSync(kernel, 'k');
  assert.throws(
    () => distroInitrd(kernel),
    (e: unknown) =>
      e instanceof KdkError && e.exitCode === 2 && /initrd\.img-6\.1\.0-99-amd64 is missing/.test(e.message),
  );
  writeFileSync(join(boot, 'initrd.img-6.1.0-99-amd64'), 'i');
  assert.equal(distroInitrd(kernel), join(boot, 'initrd.img-6.1.0-99-amd64'));
  assert.equal(distroInitrd(join(boot, 'bzImage')), undefined);
});

test("the gdb command loads the kernel's own helpers when it has them (CONFIG_GDB_SCRIPTS), and says so when not", () => {
  const withHelpers = gdbSession(4321, '/k/vmlinux', '/k/vmlinux-gdb.py');
  assert.deepEqual(withHelpers.args, [
    '-iex',
    'add-auto-load-safe-path /k',
    '-ex',
    'target remote 127.0.0.1:4321',
    '-ex',
    'source /k/vmlinux-gdb.py',
    '/k/vmlinux',
  ]);
  assert.equal(
    withHelpers.command,
    "gdb -iex 'add-auto-load-safe-path /k' -ex 'target remote 127.0.0.1:4321' -ex 'source /k/vmlinux-gdb.py' /k/vmlinux",
  );
  assert.match(withHelpers.hint, /lx-dmesg/);
  const plain = gdbSession(4321, '/k/vmlinux');
  assert.equal(plain.command, "gdb -ex 'target remote 127.0.0.1:4321' /k/vmlinux");
  assert.match(plain.hint, /no CONFIG_GDB_SCRIPTS/);
  assert.match(gdbSession(4321).hint, /no vmlinux/);
});
