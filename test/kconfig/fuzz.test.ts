// Fuzzing the parser and the .config reader with fast-check: random token soup, mutations of the test
// trees, and random .config text must either work or fail with kdk's own KdkError — never a crash.
// Probes come from a frozen probe file, so a mutated $(shell,...) never runs anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kconfig, parseConfigText } from '../../src/kconfig/index.js';
import { KdkError } from '../../src/util/errors.js';
import { projectRoot } from '../helpers.js';
import { tmpDir } from './tmp.js';

const dir = tmpDir('kdk-fuzz-');
const probes = join(dir, 'probes.json');
writeFileSync(probes, JSON.stringify({ kdkProbes: 1, key: 'fuzz', env: { CC_VERSION_TEXT: 'fuzz' }, results: {} }));
const treesDir = join(projectRoot, 'test', 'kconfig', 'data', 'trees');
const samples = readdirSync(treesDir).map((n) => readFileSync(join(treesDir, n, 'Kconfig'), 'latin1'));

/** Parse `text` as a tree's Kconfig and evaluate `config` on it; only KdkError may escape. */
function tryTree(text: string, config: string): void {
  writeFileSync(join(dir, 'Kconfig'), text, 'latin1');
  try {
    const tree = Kconfig.load({ srctree: dir, arch: 'x86_64', probes, noSnapshot: true, log: () => {} });
    tree.evaluate(parseConfigText(config, '.config'));
    const out = tree.writeConfig();
    assert.equal(typeof out, 'string');
  } catch (e) {
    if (!(e instanceof KdkError)) throw e;
  }
}

const tokens = [
  'config',
  'menuconfig',
  'choice',
  'endchoice',
  'menu',
  'endmenu',
  'if',
  'endif',
  'comment',
  'source',
  'mainmenu',
  'bool',
  'tristate',
  'int',
  'hex',
  'string',
  'prompt',
  'default',
  'def_bool',
  'def_tristate',
  'depends',
  'on',
  'select',
  'imply',
  'visible',
  'range',
  'help',
  'modules',
  'optional',
  'option',
  'env=',
  '&&',
  '||',
  '!',
  '=',
  '!=',
  '<',
  '>=',
  '(',
  ')',
  ':=',
  '+=',
  '"str"',
  "'q'",
  '"',
  '$(',
  ')',
  '$(info,x)',
  '$(1)',
  '$(foo,a,b)',
  '$(shell,echo y)',
  'A',
  'B',
  'FOO',
  'y',
  'm',
  'n',
  '0x10',
  '42',
  '-1',
  '\n',
  '\n',
  '\n',
  '\t',
  ' ',
  '\\\n',
  '#c',
];

const soup = fc.array(fc.constantFrom(...tokens), { maxLength: 120 }).map((t) => t.join(' '));
const configText = fc
  .array(
    fc.oneof(
      fc
        .constantFrom('A', 'B', 'FOO', 'MODULES', 'B1', 'T1', 'STR', 'BASE')
        .chain((n) =>
          fc.constantFrom(
            `CONFIG_${n}=y`,
            `CONFIG_${n}=m`,
            `# CONFIG_${n} is not set`,
            `CONFIG_${n}="x\\"y"`,
            `CONFIG_${n}=0x1f`,
            `CONFIG_${n}=`,
          ),
        ),
      fc.string({ maxLength: 30 }),
    ),
    { maxLength: 20 },
  )
  .map((l) => l.join('\n'));

/** A mutation of a real test tree: delete, duplicate or replace a slice, or insert random text. */
const mutated = fc
  .tuple(fc.constantFrom(...samples), fc.nat(), fc.nat(), fc.string({ maxLength: 12 }), fc.nat(3))
  .map(([s, a, b, ins, op]) => {
    const i = a % (s.length + 1);
    const j = Math.min(s.length, i + (b % 40));
    if (op === 0) return s.slice(0, i) + s.slice(j);
    if (op === 1) return s.slice(0, j) + s.slice(i, j) + s.slice(j);
    if (op === 2) return s.slice(0, i) + ins + s.slice(j);
    return s.slice(0, i) + ins + s.slice(i);
  });

test('fuzz: random Kconfig token soup only ever fails with KdkError', () => {
  fc.assert(
    fc.property(soup, configText, (k, c) => tryTree(k, c)),
    { numRuns: 300 },
  );
});

test('fuzz: mutated test trees only ever fail with KdkError', () => {
  fc.assert(
    fc.property(mutated, configText, (k, c) => tryTree(k, c)),
    { numRuns: 300 },
  );
});

test('fuzz: random .config text on a real small tree never crashes', () => {
  const tree = Kconfig.load({ srctree: join(treesDir, 'choices'), arch: 'x86_64', log: () => {} });
  fc.assert(
    fc.property(configText, fc.string({ maxLength: 200 }), (c, junk) => {
      tree.evaluate(parseConfigText(c + '\n' + junk, '.config'));
      assert.match(tree.writeConfig(), /^#\n# Automatically generated file; DO NOT EDIT\.\n/);
    }),
    { numRuns: 300 },
  );
});
