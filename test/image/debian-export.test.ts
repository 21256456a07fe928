// `kdk image debian --out DIR` copies the cached image out: the disk stays sparse (a 2 GiB ext4 image holds a few
// hundred MB; the old copy allocated every zero), byte-identical, and the private key stays private.
// The debootstrap itself is in test-slow/; here a sparse file stands in for the cached disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportDebianImage } from '../../src/image/index.js';

test('the exported disk.img is as sparse as the cached one and identical to it', async () => {
  const work = mkdtempSync(join(tmpdir(), 'kdk-export-'));
  const cached = join(work, 'cached');
  mkdirSync(cached);
  const size = 512 * 1024 * 1024;
  const disk = join(cached, 'disk.img');
  const fd = openSync(disk, 'w');
  // A few MiB of data spread over a 512 MiB file, the rest holes (as mkfs.ext4 -d leaves an image).
  for (const at of [0, 64, 200, 511])
    writeSync(fd, Buffer.alloc(1024 * 1024, (at % 250) + 1), 0, 1024 * 1024, at * 1024 * 1024);
  closeSync(fd);
  for (const f of ['id_ed25519', 'id_ed25519.pub', 'image.json']) writeFileSync(join(cached, f), `${f}\n`);
  const out = join(work, 'out');
  await exportDebianImage({ dir: cached, disk, key: 'k', release: 'bookworm', sizeMb: 512 }, out);
  const src = statSync(disk);
  const dst = statSync(join(out, 'disk.img'));
  assert.equal(dst.size, size);
  const allocated = dst.blocks * 512;
  process.stderr.write(`disk.img: ${size >> 20} MiB, allocated ${(allocated / 2 ** 20).toFixed(1)} MiB\n`);
  assert.ok(allocated <= src.blocks * 512 + 1024 * 1024, `allocated ${allocated} bytes of ${size}`);
  assert.equal(spawnSync('cmp', [disk, join(out, 'disk.img')]).status, 0, 'same bytes');
  assert.equal(statSync(join(out, 'id_ed25519')).mode & 0o777, 0o600);
});
