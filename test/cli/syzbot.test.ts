import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import { debianConfig, debianPackaging, debianShippedConfig } from '../../src/distro/index.js';
import { ManagerConfig } from '../../src/syzbot/index.js';
import { debianAbiname } from '../../src/flavour/debian-hierarchy.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');
const run = (args: string[]) => spawnSync(process.execPath, [kdk, ...args], { encoding: 'utf8', timeout: 120_000 });

test("kdk syzbot check: Debian's shipped amd64 config lacks KCOV and KASAN → exit 1, listed", () => {
  const r = run(['syzbot', 'check', debianConfig('amd64').xz, '--json']);
  assert.equal(r.status, 1, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual([...doc.requiredMissing].sort(), [
    'KASAN',
    'KCOV',
    'KCOV_ENABLE_COMPARISONS',
    'KCOV_INSTRUMENT_ALL',
  ]);
  // Debian already has what it shares with syzkaller's list: debugfs, kallsyms, namespaces.
  const met = doc.items.filter((i: { met: boolean }) => i.met).map((i: { symbol: string }) => i.symbol);
  for (const s of ['DEBUG_FS', 'KALLSYMS_ALL', 'USER_NS', 'NET_NS']) assert.ok(met.includes(s), s);
});

test("kdk syzbot check on trixie's shipped 6.12 config: options gone from 6.12 are listed apart, not as missing", () => {
  const pkg = debianPackaging({ release: 'trixie' });
  const id = { arch: 'amd64', featureset: 'none', flavour: 'amd64' };
  const shipped = debianShippedConfig('trixie', pkg.version, id, debianAbiname(join(pkg.dir, 'debian')));
  const r = run(['syzbot', 'check', shipped.path, '--json']);
  assert.equal(r.status, 1, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.match(doc.kernel, /^6\.12\./);
  assert.deepEqual(doc.removed.map((g: { symbol: string }) => g.symbol).sort(), [
    'DEBUG_CREDENTIALS',
    'UBSAN_SANITIZE_ALL',
  ]);
  const listed = doc.items.map((i: { symbol: string }) => i.symbol);
  assert.ok(!listed.includes('UBSAN_SANITIZE_ALL') && !doc.recommendedMissing.includes('DEBUG_CREDENTIALS'));
  assert.deepEqual([...doc.requiredMissing].sort(), [
    'KASAN',
    'KCOV',
    'KCOV_ENABLE_COMPARISONS',
    'KCOV_INSTRUMENT_ALL',
  ]);
});

test('kdk syzbot check: a config with every requirement passes (exit 0); missing file → exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-syz-'));
  try {
    const lines = ['KCOV', 'KCOV_INSTRUMENT_ALL', 'KCOV_ENABLE_COMPARISONS', 'DEBUG_FS', 'KALLSYMS', 'KALLSYMS_ALL']
      .concat(['DEBUG_INFO', 'KASAN'])
      .map((s) => `CONFIG_${s}=y`);
    writeFileSync(join(dir, 'c'), lines.join('\n') + '\n');
    const r = run(['syzbot', 'check', join(dir, 'c'), '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).requiredMissing, []);
    assert.equal(run(['syzbot', 'check', join(dir, 'nope')]).status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kdk syzbot manager-config: syz-manager JSON with the qemu VM type, strict field names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-syz-'));
  try {
    mkdirSync(join(dir, 'obj'));
    writeFileSync(join(dir, 'img'), '');
    writeFileSync(join(dir, 'key'), '');
    const out = join(dir, 'syz.cfg');
    const args = ['--kernel-obj', join(dir, 'obj'), '--image', join(dir, 'img'), '--sshkey', join(dir, 'key')];
    const r = run(['syzbot', 'manager-config', ...args, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const cfg = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(cfg.type, 'qemu');
    assert.equal(cfg.target, 'linux/amd64');
    assert.equal(cfg.vm.kernel, join(dir, 'obj', 'arch/x86/boot/bzImage'));
    assert.ok(ManagerConfig.safeParse(cfg).success);
    assert.equal(ManagerConfig.safeParse({ ...cfg, kernel_objs: 'x' }).success, false, 'unknown field rejected');
    assert.equal(ManagerConfig.safeParse({ ...cfg, vm: { ...cfg.vm, mem: 64 } }).success, false, 'qemu mem >= 128');
    const bad = run([
      'syzbot',
      'manager-config',
      ...args.slice(0, 2),
      '--image',
      join(dir, 'missing'),
      ...args.slice(4),
    ]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--image .*missing: file not found/);
    assert.equal(run(['syzbot', 'manager-config', '--image', 'x']).status, 2, 'missing required flags');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
