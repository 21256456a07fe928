// Debian's stock kernel (linux-image-amd64 from apt) in real QEMU: the accelerator probe, a boot to kdk's
// initramfs, and a sysrq crash with its title.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseAccel } from '../../src/vm/index.js';
import { DEFAULT_GUEST_ARCH } from '../../src/util/arch.js';
import { cFile, kdk, noQemuWith, stockKernel, tag, tmp } from './fixtures.js';

const kernel = stockKernel();

test('the accelerator is chosen by a real probe boot, cached per host and reported', async () => {
  // A fresh cache, so this run really probes (the KVM attempt is cut off after PROBE_TIMEOUT_S).
  const cache = tmp('kdk-probe-cache-');
  const saved = process.env.KDK_CACHE;
  process.env.KDK_CACHE = cache;
  try {
    const first = await chooseAccel(kernel);
    assert.equal(first.source === 'probe' || first.source === 'static', true, JSON.stringify(first));
    if (first.source === 'probe') {
      assert.match(first.reason, /userspace/);
      const files = readdirSync(join(cache, 'probes'));
      assert.equal(files.length, 1);
      const again = await chooseAccel(kernel);
      assert.equal(again.source, 'cache');
      assert.equal(again.accel, first.accel);
      const stored = JSON.parse(readFileSync(join(cache, 'probes', files[0]), 'utf8'));
      assert.equal(stored.accel, first.accel);
      process.stderr.write(`accelerator verdict: ${first.accel}: ${first.reason}\n`);
    }
  } finally {
    if (saved === undefined) delete process.env.KDK_CACHE;
    else process.env.KDK_CACHE = saved;
  }
});

test('a TCG boot slower than the KVM probe bound still settles the verdict, which is cached', async () => {
  // The KVM bound cut to 2 s, below this kernel's TCG boot (4 s quiet, more under load): before the TCG
  // confirmation had a bound of its own, a slow TCG boot cached nothing and every later VM probed again.
  const cache = tmp('kdk-probe-slow-');
  const saved = process.env.KDK_CACHE;
  process.env.KDK_CACHE = cache;
  try {
    const first = await chooseAccel(kernel, DEFAULT_GUEST_ARCH, () => {}, { kvmS: 2, tcgS: 180 });
    if (first.source === 'static') return; // no usable /dev/kvm: nothing is probed, the verdict is TCG outright
    assert.equal(first.source, 'probe', JSON.stringify(first));
    assert.equal(readdirSync(join(cache, 'probes')).length, 1, first.reason);
    if (first.accel === 'tcg') assert.ok(first.tcgBootSeconds! > 2, first.reason);
    assert.equal((await chooseAccel(kernel)).source, 'cache');
  } finally {
    if (saved === undefined) delete process.env.KDK_CACHE;
    else process.env.KDK_CACHE = saved;
  }
});

test("kdk boot: the stock kernel reaches kdk's initramfs and the result says so", async () => {
  const t = tag();
  const r = await kdk(['boot', '--kernel', kernel, '--append', t, '--timeout', '90', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.equal(res.booted, true);
  assert.equal(res.verdict, 'no-crash');
  assert.ok(res.bootSeconds > 0 && res.bootSeconds < 90);
  assert.match(res.accelerator, /^(kvm|tcg)$/);
  assert.equal(res.accelVerdict.accel, res.accelerator);
  assert.ok(existsSync(res.consoleLog));
  assert.match(readFileSync(res.consoleLog, 'utf8'), /##KDK## userspace 6\.1\.\d+/);
  process.stderr.write(`stock kernel boot to userspace: ${res.bootSeconds.toFixed(1)} s (${res.accelerator})\n`);
  assert.deepEqual(await noQemuWith(t), []);
});

test('echo c > /proc/sysrq-trigger from a program gives a titled crash', async () => {
  const t = tag();
  const repro = cFile(
    'sysrq.c',
    '#include <fcntl.h>\n#include <unistd.h>\nint main(void) {\n' +
      '  int fd = open("/proc/sysrq-trigger", O_WRONLY);\n  write(fd, "c", 1);\n  return 0;\n}\n',
  );
  const r = await kdk(['run', '--kernel', kernel, '--repro', repro, '--append', t, '--timeout', '120', '--json']);
  assert.equal(r.code, 1, 'a crash is the failure `kdk run` was asked about');
  const res = JSON.parse(r.stdout);
  assert.equal(res.summary.verdict, 'crash');
  const crash = res.runs[0].crashes[0];
  assert.equal(crash.title, 'kernel panic: sysrq triggered crash');
  assert.equal(crash.panicked, true);
  assert.deepEqual(await noQemuWith(t), []);
});
