// libabigail's leaf-changes report read by kdk's parser, on reports libabigail really printed (fixtures/abigail/,
// README there says how each was made): the test kernels' DEBUG_CREDENTIALS pair, and small C objects with a
// struct, union and enum change, an own-signature change, added and removed functions, arrays and function
// pointers among the impacted interfaces. A damaged or hostile report is never fatal and never yields a name
// that could not be a symbol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { declaredName, parseAbigailReport } from '../../src/build/index.js';
import { abiFixtures } from './abi-helpers.js';

const fixtures = join(abiFixtures, '..', 'abigail');
const read = (f: string) => readFileSync(join(fixtures, f), 'utf8');

test('the test kernels: struct cred changed, with the exports it reaches', () => {
  const r = parseAbigailReport(read('kernel-cred.leaf.txt'));
  assert.equal(r.unrecognised, 0, r.unrecognisedSample.join('\n'));
  assert.equal(r.types.length, 1);
  const [cred] = r.types;
  assert.equal(cred.type, 'struct cred');
  assert.equal(cred.where, 'cred.h:110:1');
  assert.equal(cred.summary, 'size 1408 -> 1600 bits, 3 data members inserted, data members changed');
  for (const s of ['commit_creds', 'prepare_creds', 'override_creds', 'revert_creds', 'acpi_debugfs_dir'])
    assert.ok(cred.impacted.includes(s), s);
  assert.ok(!cred.impacted.includes('crc7_be'));
  // The header's count is the number of names read.
  const n = /^ {2}(\d+) impacted interfaces:$/m.exec(read('kernel-cred.leaf.txt'))![1];
  assert.equal(cred.impacted.length, Number(n));
  assert.ok(cred.details.length <= 40, 'details are bounded');
  assert.match(r.summaryLines[0], /^Leaf changes summary: /);
});

test('small objects: each kind of change, and names out of C declarators', () => {
  const x = parseAbigailReport(read('x.leaf.txt'));
  assert.equal(x.unrecognised, 0);
  assert.equal(x.types[0].summary, 'size 64 -> 256 bits, 3 data members inserted');
  assert.deepEqual([...x.types[0].impacted].sort(), [
    'commit_creds',
    'cred_array',
    'cred_hook',
    'get_handler',
    'hooks2',
    'init_task',
    'prepare_creds',
    'task_pid',
    'wrap',
  ]);
  assert.deepEqual(
    x.symbols.map((s) => [s.symbol, s.kind, s.what]),
    [['cred_array', 'changed', 'variable']],
  );
  const y = parseAbigailReport(read('y.leaf.txt'));
  assert.equal(y.unrecognised, 0);
  assert.deepEqual(
    y.types.map((t) => [t.type, t.summary, t.impacted]),
    [
      ['enum mode', '1 enumerator inserted', ['useenum']],
      ['struct s', 'data members changed', ['reorder']],
      ['union u', 'size 32 -> 64 bits, 1 data member inserted', ['useunion']],
    ],
  );
  assert.deepEqual(
    y.symbols.map((s) => [s.symbol, s.kind]),
    [
      ['removed_fn', 'removed'],
      ['added_fn', 'added'],
      ['direct', 'changed'],
    ],
  );
  assert.equal(y.symbols[2].summary, "return type changed, parameter 1 of type 'int' changed");
  assert.equal(declaredName('function int (cred*)* get_handler(task*)'), 'get_handler');
  assert.equal(declaredName('cred* (task*)* hooks2[2]'), 'hooks2');
  assert.equal(declaredName('function void f(int'), undefined, 'unbalanced');
});

test('a damaged or hostile report: counted, bounded, never a non-symbol name', () => {
  const real = read('kernel-cred.leaf.txt');
  // Cut anywhere: still parses.
  for (const cut of [0, 100, 1000, real.length >> 1, real.length - 3]) parseAbigailReport(real.slice(0, cut));
  const evil = real
    .replace('    function int commit_creds(cred*)', '    function int commit\u001b[2Jcreds(cred*)')
    .replace('    function cred* prepare_creds()', '    $(reboot) \u0007\n    function cred* prepare_creds()')
    .concat('x'.repeat(100_000), '\n');
  const r = parseAbigailReport(evil);
  assert.ok(r.unrecognised >= 2);
  assert.ok(r.unrecognisedSample.every((l) => l.length <= 1000));
  for (const t of r.types) for (const s of t.impacted) assert.match(s, /^[A-Za-z_][A-Za-z0-9_.$]*$/);
  assert.ok(!r.types[0].impacted.includes('commit_creds'), 'a name with an escape is no symbol');
  assert.ok(r.types[0].impacted.includes('prepare_creds'), 'the lines after an odd one still count');
  assert.throws(() => parseAbigailReport('x'.repeat(64 * 1024 * 1024 + 1)), /over/);
});
