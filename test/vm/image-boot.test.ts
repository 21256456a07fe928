// `kdk boot --image` with Debian's stock kernel: the distro initrd matching the kernel is booted with it (the
// stock kernel has virtio_blk and ext4 as modules; without the initrd it panics "VFS: Unable to mount root fs").
// The disk is a small ext4 image made here with mkfs.ext4 -d (busybox and an /sbin/init that prints a getty's
// prompt), so this runs in the default suite; the full debootstrap image is in test-slow/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ensurePackages } from '../../src/util/deps.js';
import { kdk, noQemuWith, stockKernel, tag, tmp } from './fixtures.js';

const kernel = stockKernel();

function tinyRootImage(): string {
  ensurePackages(['e2fsprogs', 'busybox-static']);
  const dir = tmp('kdk-rootimg-');
  const root = join(dir, 'root');
  for (const d of ['bin', 'sbin', 'dev', 'proc', 'sys', 'tmp']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'));
  chmodSync(join(root, 'bin', 'busybox'), 0o755);
  writeFileSync(
    join(root, 'sbin', 'init'),
    '#!/bin/busybox sh\n/bin/busybox echo "root on $(/bin/busybox cat /proc/cmdline 2>/dev/null)"\n' +
      '/bin/busybox echo "kdk-guest login: "\n/bin/busybox sleep 600\n',
  );
  chmodSync(join(root, 'sbin', 'init'), 0o755);
  const img = join(dir, 'disk.img');
  const r = spawnSync('mkfs.ext4', ['-q', '-F', '-d', root, img, '64M'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return img;
}

test("kdk boot --image with the stock kernel: its initrd mounts the disk's root and the prompt is reached", async () => {
  const t = tag();
  const image = tinyRootImage();
  const r = await kdk(['boot', '--kernel', kernel, '--image', image, '--append', t, '--timeout', '150', '--json']);
  const res = JSON.parse(r.stdout || '{}');
  const log = res.consoleLog ? readFileSync(res.consoleLog, 'utf8') : r.stderr;
  assert.equal(r.code, 0, `${res.reason}\n${log.slice(-3000)}`);
  assert.equal(res.booted, true);
  assert.equal(res.initramfs, join('/boot', basename(kernel).replace('vmlinuz-', 'initrd.img-')));
  assert.doesNotMatch(log, /Unable to mount root fs/);
  assert.match(log, /kdk-guest login:/);
  process.stderr.write(`stock kernel + initrd on a disk image: prompt after ${res.bootSeconds.toFixed(1)} s\n`);
  assert.deepEqual(await noQemuWith(t), []);
});
