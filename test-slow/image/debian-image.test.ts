// Slow (minutes, downloads a Debian base system): `kdk image debian` builds a bookworm disk image with
// debootstrap, and Debian's stock kernel with its own initrd boots it to the serial console's login prompt.
// (Logging in over the forwarded ssh port with the generated key is not checked yet.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { kdk, noQemuWith, stockKernel, tag, tmp } from '../../test/vm/fixtures.js';
import { skipIf } from '../../test/helpers.js';
import { isRoot } from '../../src/util/deps.js';

test(
  'kdk image debian: ext4 image with ssh key, booting to a login prompt',
  { skip: skipIf(isRoot() ? undefined : 'debootstrap needs root') },
  async () => {
    const out = join(tmp('kdk-debian-'), 'bookworm');
    const r = await kdk(['image', 'debian', '--release', 'bookworm', '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    for (const f of ['disk.img', 'id_ed25519', 'id_ed25519.pub', 'image.json']) assert.ok(existsSync(join(out, f)), f);
    assert.equal(statSync(join(out, 'id_ed25519')).mode & 0o777, 0o600);
    const kernel = stockKernel();
    const initrd = join(
      '/boot',
      readdirSync('/boot')
        .filter((n) => n.startsWith('initrd.img-'))
        .sort()
        .pop()!,
    );
    const t = tag();
    const b = await kdk([
      'boot',
      '--kernel',
      kernel,
      '--initramfs',
      initrd,
      '--image',
      join(out, 'disk.img'),
      '--append',
      t,
      '--timeout',
      '300',
      '--json',
    ]);
    assert.equal(b.code, 0, b.stderr);
    const res = JSON.parse(b.stdout);
    assert.equal(res.booted, true);
    assert.equal(res.reason, 'login prompt reached');
    assert.deepEqual(await noQemuWith(t), []);
  },
);
