import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableProfiles, composeProfiles, loadProfile } from '../../src/flavour/profiles.js';
import { treeSymbols } from '../../src/flavour/tree-symbols.js';
import { debianSourceTree } from '../../src/distro/index.js';
import { KdkError } from '../../src/util/errors.js';

test('every profile in profiles/ validates and gives each option a reason and a cost class', () => {
  const names = availableProfiles();
  for (const want of ['syzbot', 'kasan', 'lockdep', 'kmemleak', 'minimal', 'kcsan', 'kmsan']) {
    assert.ok(names.includes(want), `profiles/${want}.json exists`);
  }
  for (const n of names) {
    const p = loadProfile(n);
    for (const o of p.options) assert.ok(o.reason.length > 10, `${n}: ${o.symbol} has a real reason`);
  }
});

test("every profile option is a symbol Debian's 6.1 tree defines (ground truth: its Kconfig files)", () => {
  const syms = treeSymbols(debianSourceTree().dir);
  for (const n of availableProfiles()) {
    for (const o of loadProfile(n).options) assert.ok(syms.has(o.symbol), `${n}: CONFIG_${o.symbol} exists in 6.1`);
  }
});

test('syzbot includes minimal, kasan and lockdep, and covers what syzkaller documents', () => {
  const c = composeProfiles(['syzbot']);
  assert.deepEqual(c.profiles, ['kasan', 'minimal', 'lockdep', 'syzbot']);
  assert.equal(c.sanitizer, 'KASAN');
  const get = (s: string) => c.options.find((o) => o.symbol === s);
  for (const s of ['KCOV', 'KCOV_INSTRUMENT_ALL', 'KCOV_ENABLE_COMPARISONS', 'DEBUG_FS', 'KALLSYMS_ALL', 'KASAN']) {
    assert.equal(get(s)?.level, 'required', s);
  }
  for (const s of [
    'KASAN_INLINE',
    'UBSAN_BOUNDS',
    'UBSAN_SHIFT',
    'KFENCE',
    'PROVE_LOCKING',
    'DEBUG_OBJECTS',
    'FAILSLAB',
  ]) {
    assert.equal(get(s)?.value, 'y', s);
  }
  assert.equal(get('RANDOMIZE_BASE')?.value, 'n');
  assert.equal(get('DEFAULT_HUNG_TASK_TIMEOUT')?.value, '140');
});

test('composition: --profile syzbot --profile +kmemleak adds kmemleak; the order decides overrides', () => {
  const c = composeProfiles(['syzbot', '+kmemleak']);
  assert.equal(c.profiles.at(-1), 'kmemleak');
  assert.equal(c.options.find((o) => o.symbol === 'DEBUG_KMEMLEAK')?.profile, 'kmemleak');
  assert.equal(c.overrides.length, 0);
  const minimalOnly = composeProfiles(['minimal']);
  assert.ok(minimalOnly.options.length < c.options.length / 5, 'minimal is much smaller than syzbot');
});

test('KASAN, KCSAN and KMSAN profiles are refused together, with the Kconfig reason', () => {
  for (const [a, b, dep] of [
    ['syzbot', '+kcsan', '!KASAN'],
    ['kasan', 'kmsan', '!KASAN'],
    ['kcsan', 'kmsan', '!KCSAN'],
  ]) {
    assert.throws(
      () => composeProfiles([a, b]),
      (e: unknown) => e instanceof KdkError && e.exitCode === 2 && e.message.includes(dep),
      `${a} + ${b}`,
    );
  }
});

test('bad profiles: unknown name, include loop, invalid JSON (with line), unknown field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-prof-'));
  try {
    const opt = { symbol: 'KCOV', value: 'y', cost: 'low', reason: 'coverage for the fuzzer' };
    writeFileSync(
      join(dir, 'a.json'),
      JSON.stringify({ name: 'a', description: 'd', includes: ['b'], options: [opt] }),
    );
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ name: 'b', description: 'd', includes: ['a'], options: [] }));
    writeFileSync(join(dir, 'bad.json'), '{\n  "name": "bad",\n  "options": [,]\n}\n');
    writeFileSync(join(dir, 'extra.json'), JSON.stringify({ name: 'extra', description: 'd', options: [], x: 1 }));
    assert.throws(() => composeProfiles(['nope'], dir), /unknown profile 'nope'/);
    assert.throws(() => composeProfiles(['a'], dir), /include loop: a -> b -> a/);
    assert.throws(
      () => loadProfile('bad', dir),
      (e: unknown) => e instanceof KdkError && e.file!.endsWith('bad.json') && e.line === 3,
    );
    assert.throws(() => loadProfile('extra', dir), /invalid profile/);
    assert.throws(() => composeProfiles([], dir), /no profile given/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
