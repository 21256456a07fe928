// Opt-in (npm run test:slow; about 10 min on 2 cores): a kernel made by `kdk flavour --profile minimal
// --profile +lkdtm` and built by `kdk build` boots under `kdk run`, and its KASAN is live: LKDTM's
// write-after-free gives syzkaller's KASAN title. The base is the vm stage's small test kernel config
// (tinyconfig + console/initramfs/debugfs), small enough to build in minutes; measured in docs/flavour.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, skipIf } from '../../test/helpers.js';
import { cacheDir } from '../../src/util/cache.js';
import { smallTestKernel } from '../../src/build/index.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');
const kdkRun = (args: string[]) =>
  spawnSync(process.execPath, [kdk, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

const UAF = `#include <fcntl.h>
#include <string.h>
#include <unistd.h>
int main(void) {
  int fd = open("/sys/kernel/debug/provoke-crash/DIRECT", O_WRONLY);
  if (fd < 0) return 2;
  write(fd, "WRITE_AFTER_FREE", strlen("WRITE_AFTER_FREE"));
  return 0;
}
`;

test(
  'a kdk-built minimal+lkdtm flavour boots and LKDTM WRITE_AFTER_FREE gives a KASAN use-after-free title',
  { skip: skipIf(process.env.KDK_SLOW ? undefined : 'set KDK_SLOW=1 (npm run test:slow): a kernel build') },
  async () => {
    const base = await smallTestKernel();
    const fl = join(cacheDir('kernels'), 'slow-small-minimal-lkdtm');
    const f = kdkRun(
      ['flavour', '--distro', 'flat', '--config', base.config, '--arch', 'amd64'].concat([
        '--profile',
        'minimal',
        '--profile',
        '+lkdtm',
        '--out',
        fl,
        '--json',
      ]),
    );
    assert.equal(f.status, 0, `kdk flavour exit ${f.status}: a required option did not stick`);
    const b = kdkRun(['build', '--flavour', fl, '--jobs', '2', '--target', 'bzImage', '--json']);
    assert.equal(b.status, 0, 'kdk build');
    const rec = JSON.parse(b.stdout);
    assert.match(rec.kernelVersion, /-kdk-kasan-minimal-lkdtm$/);
    const dir = join(fl, 'repro');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'uaf.c'), UAF);
    const bz = join(fl, 'build', 'arch', 'x86', 'boot', 'bzImage');
    const r = kdkRun(['run', '--kernel', bz, '--repro', join(dir, 'uaf.c'), '--timeout', '240', '--json']);
    assert.equal(r.status, 1, 'kdk run exit 1: the run crashed');
    const run = JSON.parse(r.stdout).runs[0];
    assert.equal(run.verdict, 'crash', run.reason);
    assert.equal(run.crashes[0].title, 'KASAN: use-after-free Write in lkdtm_WRITE_AFTER_FREE');
  },
);
