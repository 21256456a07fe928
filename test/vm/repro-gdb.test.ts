// `kdk repro --gdb` (issue 16 item 17): the crashed guest stays stopped at its crash with QEMU's gdb stub open,
// kdk prints the gdb command with the bundle's vmlinux, and a real `gdb -batch` attached with that command reads
// a backtrace through the crash site. The small test kernel has frame pointers and DWARF, so each frame names its
// source line, and the crash site's line is the tree's own write after kfree().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kdk, lkdtmSource, noQemuWith, smallKernel, tag, tmp } from './fixtures.js';
import { debianSourceTree } from '../../src/distro/index.js';

const kernel = await smallKernel();

test('kdk repro --gdb: gdb attached to the held crash reads a backtrace through lkdtm_WRITE_AFTER_FREE', async () => {
  const dir = join(tmp('kdk-gdb-bundle-'), 'bug');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'bug.json'),
    JSON.stringify({ title: 'KASAN: use-after-free Write in lkdtm_WRITE_AFTER_FREE', repeat: 1 }),
  );
  writeFileSync(join(dir, 'repro.c'), lkdtmSource('WRITE_AFTER_FREE'));
  copyFileSync(kernel.bzImage, join(dir, 'bzImage'));
  copyFileSync(kernel.vmlinux, join(dir, 'vmlinux'));
  const t = tag();
  let bt = '';
  let command = '';
  const t0 = Date.now();
  const r = await kdk(['repro', dir, '--gdb', '--json', '--append', t, '--timeout', '180', '--gdb-hold', '300'], {
    onStderr: (text, child) => {
      const m = /crashed guest held for gdb \(Ctrl-C ends it\): gdb (.*)\n/.exec(text);
      if (command || !m) return;
      command = m[1];
      // The printed command, pasted into a shell as a user would, in batch mode with `bt` added at the end.
      const g = spawnSync('bash', ['-c', `gdb -batch -nx ${command} -ex bt -ex detach`], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      bt = g.stdout + g.stderr;
      child.kill('SIGINT');
    },
  });
  process.stderr.write(`repro --gdb: crash held and backtrace read in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  assert.ok(command, `no gdb command printed:\n${r.stderr}`);
  assert.match(command, new RegExp(`-ex 'target remote 127\\.0\\.0\\.1:\\d+' ${join(dir, 'vmlinux')}$`));
  assert.match(r.stderr, /no CONFIG_GDB_SCRIPTS/, 'says why lx-dmesg is not offered for this kernel');
  // The stack of the held guest: the panic it is stopped in, KASAN's report, and the crash site below them.
  assert.match(bt, /in panic \(/, bt);
  assert.match(bt, /in kasan_report \(/, bt);
  assert.match(bt, /in vfs_write \(/, bt);
  // DWARF: the crash site's frame names a line of drivers/misc/lkdtm/heap.c, and that line of the tree is the
  // store into the freed buffer.
  const site = /in lkdtm_WRITE_AFTER_FREE \(\) at \S*drivers\/misc\/lkdtm\/heap\.c:(\d+)/.exec(bt);
  assert.ok(site, bt);
  const heap = readFileSync(join(debianSourceTree().dir, 'drivers', 'misc', 'lkdtm', 'heap.c'), 'utf8').split('\n');
  assert.match(heap[Number(site[1]) - 1], /^\s*base\[offset\] = 0x0abcdef0;/);
  assert.equal(r.code, 130, 'Ctrl-C ends the held guest');
  // The result is printed all the same: the crash reproduced, and Ctrl-C came while the guest was held.
  const result = JSON.parse(r.stdout) as { verdict?: string; interrupted?: boolean; state?: string };
  assert.deepEqual([result.verdict, result.interrupted, result.state], ['reproduced', true, 'held-for-gdb'], r.stdout);
  assert.deepEqual(await noQemuWith(t), []);
});
