// Deep nesting in a Kconfig tree: 100,000 nested `if` blocks (and menus, parentheses, `!`, long `&&`/`||`
// chains) used to overflow the parser's or evaluator's stack (exit 70, a kdk bug); now each is an input
// error naming the file and line (exit 2), while the depths real kernels use still parse and evaluate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kconfig, parseConfigText } from '../../src/kconfig/index.js';
import { MAX_CHAIN, MAX_NESTING } from '../../src/kconfig/parser.js';
import { projectRoot } from '../helpers.js';
import { tmpDir } from './tmp.js';

const N = 100_000;
const head = 'config A\n\tbool "a"\n\tdefault y\n';
const cases = (n: number, chain: number): Record<string, string> => ({
  ifs: head + 'if A\n'.repeat(n) + 'config B\n\tbool "b"\n\tdefault y\n' + 'endif\n'.repeat(n),
  menus: head + 'menu "m"\n'.repeat(n) + 'config B\n\tbool "b"\n\tdefault y\n' + 'endmenu\n'.repeat(n),
  parens: head + `config B\n\tbool "b"\n\tdefault y\n\tdepends on ${'('.repeat(n)}A${')'.repeat(n)}\n`,
  nots: head + `config B\n\tbool "b"\n\tdefault y\n\tdepends on ${'!'.repeat(n % 2 ? n - 1 : n)}A\n`,
  ands: head + `config B\n\tbool "b"\n\tdefault y\n\tdepends on A${' && A'.repeat(chain)}\n`,
  ors: head + `config B\n\tbool "b"\n\tdefault y\n\tdepends on A${' || A'.repeat(chain)}\n`,
});

const dir = tmpDir('kdk-nesting-');
const probes = join(dir, 'probes.json');
writeFileSync(probes, JSON.stringify({ kdkProbes: 1, key: 'nest', env: { CC_VERSION_TEXT: 'nest' }, results: {} }));

test('100,000 levels: an input error (exit 2) naming the Kconfig file and line, not a stack overflow', () => {
  for (const [name, text] of Object.entries(cases(N, N))) {
    const tree = join(dir, name);
    writeFileSync(join(dir, `${name}.config`), 'CONFIG_A=y\n');
    spawnSync('mkdir', ['-p', tree]);
    writeFileSync(join(tree, 'Kconfig'), text);
    const r = spawnSync(
      process.execPath,
      [
        join(projectRoot, 'bin', 'kdk.js'),
        'config',
        'olddefconfig',
        '--srctree',
        tree,
        '--arch',
        'x86_64',
        '--probes',
        probes,
        '--in',
        join(dir, `${name}.config`),
        '--out',
        join(dir, `${name}.out`),
      ],
      { encoding: 'utf8', env: { ...process.env, KDK_CACHE: join(dir, 'cache') } },
    );
    assert.equal(r.status, 2, `${name}: ${r.stderr.slice(0, 400)}`);
    assert.match(r.stderr, /Kconfig:\d+: (blocks nested|expression nested|more than \d+ operands)/, name);
  }
});

test('just under the limits, every case parses and evaluates (B is y)', () => {
  for (const [name, text] of Object.entries(cases(MAX_NESTING - 1, MAX_CHAIN - 1))) {
    const tree = join(dir, `ok-${name}`);
    spawnSync('mkdir', ['-p', tree]);
    writeFileSync(join(tree, 'Kconfig'), text);
    const t = Kconfig.load({ srctree: tree, arch: 'x86_64', probes, noSnapshot: true, log: () => {} });
    t.evaluate(parseConfigText('CONFIG_A=y\n', '.config'));
    assert.equal(t.value('B'), 'y', name);
  }
});
