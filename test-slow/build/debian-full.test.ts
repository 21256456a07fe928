// Opt-in (npm run test:slow): the full Debian amd64 kernel with the syzbot profile, built into .debs by
// `kdk build`. Many hours on 2 cores (thousands of modules, DWARF debug info), so never in the default run.
// Reproduce by hand: see docs/flavour.md, "Measured builds".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, skipIf } from '../../test/helpers.js';
import { cacheDir } from '../../src/util/cache.js';
import { BuildRecord } from '../../src/build/record.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');
const kdkRun = (args: string[]) =>
  spawnSync(process.execPath, [kdk, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

test(
  "Debian's amd64 config + syzbot profile builds with kdk build into image and -dbg .debs with a full record",
  { skip: skipIf(process.env.KDK_SLOW ? undefined : 'set KDK_SLOW=1 (npm run test:slow): a many-hour build') },
  () => {
    // Kept in the cache: an interrupted run resumes the build (O= tree) instead of starting over.
    const fl = join(cacheDir('kernels'), 'slow-debian-amd64-syzbot');
    const f = kdkRun(
      ['flavour', '--distro', 'debian', '--release', 'bookworm', '--arch', 'amd64'].concat([
        '--profile',
        'syzbot',
        '--out',
        fl,
        '--json',
      ]),
    );
    // Exit 1 would mean a required syzbot option did not stick on Debian's config: a finding, not a pass.
    assert.equal(f.status, 0, 'kdk flavour: every required syzbot option sticks on Debian amd64');
    const flavour = JSON.parse(f.stdout);
    assert.equal(flavour.requiredMissing?.length ?? 0, 0);

    const b = kdkRun(['build', '--flavour', fl, '--jobs', String(Number(process.env.KDK_JOBS ?? 2)), '--json']);
    assert.equal(b.status, 0, 'kdk build exit status');
    const rec = BuildRecord.parse(JSON.parse(b.stdout));
    assert.equal(rec.exitStatus, 0);
    assert.equal(rec.profile.split('+').includes('syzbot'), true, `profile recorded: ${rec.profile}`);
    assert.match(rec.kernelVersion, /^6\.1\.\d+-kdk-/);
    assert.ok(rec.cpuSeconds > rec.wallSeconds, 'a parallel build: CPU time above wall time');
    assert.ok(rec.artifacts.bzImage > 5e6, 'a distro-sized bzImage');
    assert.ok(rec.artifacts.vmlinux > rec.artifacts.bzImage, 'vmlinux with DWARF is larger than the bzImage');
    assert.ok(rec.artifacts.modules > 50e6, "Debian's thousands of modules were built");
    const debs = Object.keys(rec.artifacts).filter((k) => k.endsWith('.deb'));
    assert.ok(
      debs.some((d) => /^linux-image-.*-dbg_/.test(d)),
      `a -dbg package among ${debs.join(', ')}`,
    );
    assert.ok(
      debs.some((d) => /^linux-image-(?!.*-dbg_)/.test(d)),
      'the image package',
    );
    for (const d of debs) assert.ok(existsSync(join(fl, d)), `${d} is next to the flavour`);
    // The record is where kdk plan reads it, and the same as the one next to the flavour.
    const saved = BuildRecord.parse(JSON.parse(readFileSync(join(fl, 'build-record.json'), 'utf8')));
    assert.equal(saved.configHash, rec.configHash);
    assert.ok(readdirSync(cacheDir('builds')).some((n) => n.includes(rec.configHash)));
  },
);
