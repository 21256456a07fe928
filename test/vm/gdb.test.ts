// `kdk boot --gdb`: the printed gdb line works: a gdb batch session connects to the stub and reads
// linux_banner from the guest's memory, using the built vmlinux's symbols; Ctrl-C then ends the held guest and
// the --json result is still printed, saying it was interrupted while held.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { kdk, noQemuWith, smallKernel, tag } from './fixtures.js';

const kernel = await smallKernel();

test('gdb connects to the stub and reads linux_banner', async () => {
  const t = tag();
  let gdbOut = '';
  let vmlinux = '';
  let started = false;
  const r = await kdk(['boot', '--kernel', kernel.bzImage, '--gdb', '--json', '--append', t, '--timeout', '180'], {
    onStderr: (text, child) => {
      // The printed line as `kdk repro --gdb` prints it: gdb -ex 'target remote 127.0.0.1:PORT' VMLINUX.
      const m = /gdb stub ready: gdb -ex 'target remote 127\.0\.0\.1:(\d+)' (\S+)$/m.exec(text);
      if (started || !m || !/userspace reached/.test(text)) return;
      started = true;
      vmlinux = m[2];
      const g = spawnSync(
        'gdb',
        ['-batch', '-nx', '-ex', `target remote 127.0.0.1:${m[1]}`, '-ex', 'x/s &linux_banner', '-ex', 'detach', m[2]],
        { encoding: 'utf8', timeout: 60_000 },
      );
      gdbOut = g.stdout + g.stderr;
      child.kill('SIGINT');
    },
  });
  assert.ok(started, r.stderr);
  assert.equal(vmlinux, kernel.vmlinux, 'the printed line names the vmlinux beside the bzImage');
  assert.match(gdbOut, /<linux_banner>:\s+"Linux version 6\.1\.\d+/);
  assert.equal(r.code, 130, 'Ctrl-C ends the held guest');
  const result = JSON.parse(r.stdout) as { interrupted?: boolean; state?: string; booted?: boolean };
  assert.equal(result.interrupted, true, r.stdout);
  assert.equal(result.state, 'held-for-gdb');
  assert.equal(result.booted, true);
  assert.deepEqual(await noQemuWith(t), []);
});
