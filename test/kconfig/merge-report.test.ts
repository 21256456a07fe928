// `kdk config merge` on Debian amd64 + test/kconfig/data/debug-fragment.config (once profiles/debug.config, the
// no-argument default): its report must name what did not stick and why, with the reasons the kernel's Kconfig
// files give (the tree is Debian's real one). The no-argument run now merges a profile and reports no failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import type { ConfigReport } from '../../src/kconfig/index.js';
import { debianConfig } from '../../src/distro/index.js';
import { kernelTree } from './reference.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');
let report: ConfigReport[] | undefined;

function defaultMerge(): ConfigReport[] {
  if (report) return report;
  const frag = join(projectRoot, 'test', 'kconfig', 'data', 'debug-fragment.config');
  const args = ['config', 'merge', '--srctree', kernelTree().dir, '--arch', 'x86_64', '--json', '-q'];
  const r = spawnSync(process.execPath, [kdk, ...args, debianConfig('amd64').path, frag], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { report: ConfigReport[] };
  report = doc.report;
  return report;
}

const entry = (sym: string): ConfigReport => {
  const e = defaultMerge().find((x) => x.symbol === sym);
  assert.ok(e, `the report mentions ${sym}`);
  return e;
};

test('`kdk config merge` of the debug fragment reports KCSAN as blocked by !KASAN', () => {
  const e = entry('KCSAN');
  assert.equal(e.origin, 'fragment');
  assert.equal(e.requested, 'y');
  assert.equal(e.final, 'n');
  assert.equal(e.reason.kind, 'unmet-dependency');
  assert.match(e.reason.expression!, /!KASAN/);
  assert.deepEqual(
    e.reason.operands!.find((o) => o.symbol === 'KASAN'),
    { symbol: 'KASAN', value: 'y' },
  );
});

test('REFCOUNT_FULL is reported as no such symbol in this kernel', () => {
  const e = entry('REFCOUNT_FULL');
  assert.equal(e.reason.kind, 'no-such-symbol');
  assert.equal(e.final, 'undefined');
});

test("VMAP_STACK (Debian's base value) is reported as dropped by KASAN", () => {
  const e = entry('VMAP_STACK');
  assert.equal(e.origin, 'base');
  assert.equal(e.requested, 'y');
  assert.equal(e.final, 'n');
  assert.equal(e.reason.kind, 'unmet-dependency');
  assert.ok(e.reason.operands!.some((o) => o.symbol === 'KASAN' && o.value === 'y'));
});

test('the lock debugging options PROVE_LOCKING selects are reported as selected by it', () => {
  const selected = defaultMerge().filter((e) => e.reason.kind === 'selected' && e.reason.by?.includes('PROVE_LOCKING'));
  const names = selected.map((e) => e.symbol);
  for (const s of ['DEBUG_LOCK_ALLOC', 'DEBUG_MUTEXES', 'DEBUG_SPINLOCK', 'DEBUG_RWSEMS'])
    assert.ok(names.includes(s), `${s} reported as selected by PROVE_LOCKING (got ${names.join(', ')})`);
  for (const e of selected) {
    assert.equal(e.origin, 'base');
    assert.equal(e.final, 'y');
  }
});

test('requested values that stuck are not reported', () => {
  const syms = defaultMerge().map((e) => e.symbol);
  for (const s of ['KASAN', 'KCOV', 'LOCKDEP', 'PROVE_LOCKING', 'KFENCE']) assert.ok(!syms.includes(s), `${s} stuck`);
});

test('`kdk config merge` with no arguments merges the syzbot profile and reports no failure (issue 16 item 11)', () => {
  kernelTree();
  const r = spawnSync(process.execPath, [kdk, 'config', 'merge', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { fragments: string[]; report: ConfigReport[] };
  assert.match(doc.fragments[0], /profile-syzbot-[0-9a-f]+\.config$/);
  assert.match(r.stderr, /merging the syzbot profile into Debian's amd64 config/);
  assert.deepEqual(
    doc.report.filter((e) => e.origin === 'fragment').map((e) => `${e.symbol}: ${e.reason.kind}`),
    [],
  );
});
