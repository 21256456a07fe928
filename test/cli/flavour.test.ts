import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import { debianConfig } from '../../src/distro/index.js';
import { parseConfigMap as parseConfig } from '../../src/kconfig/index.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');
const run = (args: string[]) => spawnSync(process.execPath, [kdk, ...args], { encoding: 'utf8', timeout: 600_000 });

test('kdk flavour (defaults: debian bookworm amd64, --profile syzbot +kmemleak) writes .config, report, Debian files', () => {
  const out = mkdtempSync(join(tmpdir(), 'kdk-flavour-'));
  try {
    const r = run(['flavour', '--profile', 'syzbot', '--profile', '+kmemleak', '--out', out, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    const config = parseConfig(readFileSync(join(out, '.config'), 'utf8'));
    for (const s of [
      'KCOV',
      'KCOV_INSTRUMENT_ALL',
      'KASAN',
      'KASAN_INLINE',
      'PROVE_LOCKING',
      'DEBUG_KMEMLEAK',
      'KFENCE',
    ]) {
      assert.equal(config.get(s), 'y', `CONFIG_${s}=y in the written .config`);
    }
    assert.equal(doc.requiredMissing.length, 0);
    assert.equal(doc.requested.total, doc.requested.stuck + doc.requested.notStuck.length);
    assert.ok(doc.baseChanges.requested.some((c: { symbol: string }) => c.symbol === 'KASAN'));
    // Knock-on changes are real Kconfig consequences, e.g. KASAN brings its shadow offset.
    assert.ok(doc.baseChanges.knockOn.some((c: { symbol: string }) => c.symbol === 'KASAN_SHADOW_OFFSET'));
    const frag = readFileSync(join(out, 'debian/config/featureset-debug/config'), 'utf8');
    assert.match(frag, /^CONFIG_KCOV=y$/m);
    assert.match(readFileSync(join(out, 'debian/config/amd64/debug/defines'), 'utf8'), /flavours:\n amd64/);
    // The flavour passes syzkaller's check (what Debian's own config fails).
    assert.equal(run(['syzbot', 'check', join(out, '.config')]).status, 0);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('kdk flavour: a required option that cannot stick (KMSAN needs clang) exits 1 with the Kconfig reason', () => {
  const out = mkdtempSync(join(tmpdir(), 'kdk-flavour-'));
  try {
    const r = run(['flavour', '--profile', 'kmsan', '--out', out, '--json']);
    assert.equal(r.status, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.requiredMissing, ['KMSAN']);
    const why = doc.requested.notStuck[0].reason;
    assert.equal(why.kind, 'unmet-dependency');
    assert.match(why.text, /HAVE_KMSAN_COMPILER=n/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('kdk flavour bad input: conflicting sanitizers, unknown profile/arch/distro → exit 2, nothing written', () => {
  const out = mkdtempSync(join(tmpdir(), 'kdk-flavour-'));
  const target = join(out, 'o');
  try {
    const conflict = run(['flavour', '--profile', 'syzbot', '--profile', '+kcsan', '--out', target]);
    assert.equal(conflict.status, 2);
    assert.match(conflict.stderr, /cannot share one kernel.*KCSAN depends on !KASAN/);
    assert.equal(run(['flavour', '--profile', 'nope', '--out', target]).status, 2);
    const arch = run(['flavour', '--arch', 'vax', '--out', target]);
    assert.equal(arch.status, 2);
    assert.match(arch.stderr, /unknown arch 'vax'/);
    assert.equal(run(['flavour', '--distro', 'gentoo', '--out', target]).status, 2);
    assert.equal(existsSync(target), false, 'no output directory on failure');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('kdk flavour --config: a flat base config works the same way', () => {
  const out = mkdtempSync(join(tmpdir(), 'kdk-flavour-'));
  try {
    writeFileSync(join(out, 'bad.config'), 'CONFIG_A=y\ngarbage\n');
    const bad = run(['flavour', '--config', join(out, 'bad.config'), '--profile', 'minimal', '--out', join(out, 'o')]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /bad\.config:2: not a config line/);
    const r = run([
      'flavour',
      '--config',
      debianConfig('amd64').xz,
      '--profile',
      'minimal',
      '--out',
      join(out, 'flat'),
      '--json',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(readFileSync(join(out, 'flat', '.config'), 'utf8'), /^CONFIG_KCOV=y$/m);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
