// The config commands end to end through bin/kdk.js: explain, diff, olddefconfig, exit codes and
// atomic output on errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import { tmpDir } from './tmp.js';
import { debianConfig } from '../../src/distro/index.js';
import { kernelTree } from './reference.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');
const run = (...args: string[]) => spawnSync(process.execPath, [kdk, ...args], { encoding: 'utf8' });

test('config explain says why KCSAN is off in a KASAN config and what would change it', () => {
  const dir = tmpDir('kdk-cli-');
  const cfg = join(dir, 'kasan.config');
  writeFileSync(cfg, readFileSync(debianConfig('amd64').path, 'latin1') + 'CONFIG_KASAN=y\nCONFIG_KCSAN=y\n', 'latin1');
  const r = run(
    'config',
    'explain',
    '--json',
    '-q',
    '--srctree',
    kernelTree().dir,
    '--arch',
    'x86_64',
    '--config',
    cfg,
    'KCSAN',
    'NO_SUCH_SYMBOL_X',
  );
  assert.equal(r.status, 1, 'an undefined symbol makes explain exit 1');
  const [kcsan, none] = JSON.parse(r.stdout);
  assert.equal(kcsan.value, 'n');
  assert.equal(kcsan.type, 'bool');
  assert.match(kcsan.definedAt[0], /^lib\/Kconfig\.kcsan:\d+$/);
  assert.ok(
    kcsan.dependsOn.operands.some((o: { symbol: string; value: string }) => o.symbol === 'KASAN' && o.value === 'y'),
  );
  assert.ok(kcsan.toChange.some((t: string) => t.includes('!KASAN')));
  assert.equal(none.defined, false);
});

test('config diff lists symbol-level changes and exits 1 when configs differ', () => {
  const dir = tmpDir('kdk-cli-');
  writeFileSync(join(dir, 'a'), 'CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_S="x"\n');
  writeFileSync(join(dir, 'b'), '# comment\nCONFIG_A=m\nCONFIG_S="x"\nCONFIG_C=y\n');
  const r = run('config', 'diff', '--json', join(dir, 'a'), join(dir, 'b'));
  assert.equal(r.status, 1);
  assert.deepEqual(JSON.parse(r.stdout), [
    { symbol: 'A', a: 'y', b: 'm' },
    { symbol: 'B', a: 'n', b: null },
    { symbol: 'C', a: null, b: 'y' },
  ]);
  assert.equal(run('config', 'diff', join(dir, 'a'), join(dir, 'a')).status, 0);
});

test('config olddefconfig on lines conf does not expect: warns as conf does and carries on (issue 16 item 15)', () => {
  const dir = tmpDir('kdk-cli-');
  const input = join(dir, 'in.config');
  writeFileSync(input, 'CONFIG_A=y\nthis is not a config line\n  CONFIG_EXPERT=y\n');
  const out = join(dir, 'out.config');
  const r = run(
    'config',
    'olddefconfig',
    '--srctree',
    kernelTree().dir,
    '--arch',
    'x86_64',
    '--in',
    input,
    '--out',
    out,
  );
  assert.equal(r.status, 0, r.stderr);
  // confdata.c's conf_warning(): "<file>:<line>:warning: unexpected data: <line>".
  assert.ok(r.stderr.includes(`${input}:2:warning: unexpected data: this is not a config line\n`), r.stderr);
  assert.ok(r.stderr.includes(`${input}:3:warning: unexpected data:   CONFIG_EXPERT=y\n`), r.stderr);
  assert.equal(existsSync(out), true);
});

test('config olddefconfig and config diff refuse a binary file with one printable message; an empty file is flagged', () => {
  const dir = tmpDir('kdk-cli-');
  const empty = join(dir, 'empty.config');
  writeFileSync(empty, '');
  const tree = ['--srctree', kernelTree().dir, '--arch', 'x86_64'];
  for (const r of [
    run('config', 'olddefconfig', ...tree, '--in', '/bin/ls', '--out', join(dir, 'out.config')),
    run('config', 'diff', '/bin/ls', empty),
  ]) {
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /\/bin\/ls: binary file, not a \.config \(NUL byte at offset \d+\)/);
    assert.doesNotMatch(r.stderr, /[\x00-\x08\x0e-\x1f\x7f]/, 'printable');
    assert.equal(r.stdout, '');
  }
  assert.equal(existsSync(join(dir, 'out.config')), false);
  const d = run('config', 'diff', empty, empty);
  assert.equal(d.status, 0);
  assert.ok(d.stderr.includes(`${empty}:1:warning: empty file: no config lines`), d.stderr);
});

test('config olddefconfig with a missing srctree exits 2 and says so', () => {
  const dir = tmpDir('kdk-cli-');
  writeFileSync(join(dir, 'in'), 'CONFIG_A=y\n');
  const r = run(
    'config',
    'olddefconfig',
    '--srctree',
    join(dir, 'nope'),
    '--arch',
    'x86_64',
    '--in',
    join(dir, 'in'),
    '--out',
    join(dir, 'out'),
  );
  assert.equal(r.status, 2);
  assert.match(r.stderr, /kernel source tree not found/);
  assert.equal(existsSync(join(dir, 'out')), false);
});

test('config --help shows an example', () => {
  const r = run('config', 'merge', '--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Example/);
});
