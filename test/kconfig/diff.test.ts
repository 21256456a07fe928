// `config diff` reads .config files through the one line grammar (dotconfig.ts scanConfigLine, the grammar
// test/kconfig/dotconfig.test.ts checks against C conf) but keeps them as positions instead of strings. Checked
// here: the same difference as the plain reading (parseConfigLines into maps) on random and hostile text, and
// a bounded peak memory on a large hostile pair of files (issue 17 item 5: 1M lines took 1.25 GB).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configValues, diffConfigs, type ConfigDiffEntry } from '../../src/kconfig/index.js';
import { projectRoot } from '../helpers.js';
import { tmpDir } from './tmp.js';

/** The difference as the plain reading gives it: one map per file, names sorted as strings. */
function plainDiff(aText: string, bText: string): ConfigDiffEntry[] {
  const a = configValues(aText, 'a');
  const b = configValues(bText, 'b');
  const out: ConfigDiffEntry[] = [];
  for (const n of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const va = a.get(n) ?? null;
    const vb = b.get(n) ?? null;
    if (va !== vb) out.push({ symbol: n, a: va, b: vb });
  }
  return out;
}

// Names that share long prefixes, differ past the packed six characters, or hold latin1 and wider units.
const names = ['A', 'AB', 'ABCDEF', 'ABCDEFG', 'ABCDEFH', 'ABCDE', '', 'ÿÿÿÿÿÿX', 'ÿÿÿÿÿÿ', 'Ā', 'ĀA', 'A B', 'X\r'];
const line = fc.oneof(
  fc
    .tuple(fc.constantFrom(...names), fc.constantFrom('y', 'm', 'n', '"s"', '"a\\"b"', '"open', '', '0x1f', 'y\r'))
    .map(([n, v]) => `CONFIG_${n}=${v}`),
  fc.constantFrom(...names).map((n) => `# CONFIG_${n} is not set`),
  fc.constantFrom('#CONFIG_A is not set', '# CONFIG_A', 'CONFIG_A', ' CONFIG_A=y', '\r', '', '# CONFIG_ is not set'),
  fc.string({ maxLength: 20, unit: 'binary' }),
);
const text = fc.array(line, { maxLength: 30 }).map((l) => l.join('\n'));

test('fuzz: config diff gives the plain reading of the same grammar', () => {
  fc.assert(
    fc.property(text, text, (a, b) => {
      assert.deepEqual(diffConfigs(a, b), plainDiff(a, b));
    }),
    { numRuns: 2000 },
  );
});

test('config diff on the .config cases checked against C conf gives the plain reading', () => {
  const dir = join(projectRoot, 'test', 'kconfig', 'data', 'dotconfig');
  const inputs = readdirSync(dir).map((c) => readFileSync(join(dir, c, 'input.config'), 'latin1'));
  for (const a of inputs) for (const b of [...inputs, '']) assert.deepEqual(diffConfigs(a, b), plainDiff(a, b));
});

/** Peak RSS in kB of `kdk config diff` in a child, read by the child itself as it exits. */
function diffPeak(...args: string[]): { status: number | null; stdout: string; peakKb: number } {
  const dir = tmpDir('kdk-diff-rss-');
  const rss = join(dir, 'rss');
  const hook = `import{writeFileSync}from'node:fs';process.on('exit',()=>writeFileSync(${JSON.stringify(rss)},String(process.resourceUsage().maxRSS)))`;
  const r = spawnSync(
    process.execPath,
    [`--import=data:text/javascript,${encodeURIComponent(hook)}`, join(projectRoot, 'bin', 'kdk.js'), ...args],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  return { status: r.status, stdout: r.stdout, peakKb: Number(readFileSync(rss, 'utf8')) };
}

test('config diff of two 300,000-line hostile configs stays under 170 MB', { timeout: 120_000 }, () => {
  // Every symbol distinct and different on each side: the worst case for memory (before: 294 MB at this size,
  // 663 MB at 1M lines; now about 110 MB here, the Node process itself about 53 MB of it).
  const n = 300_000;
  const dir = tmpDir('kdk-diff-big-');
  const a = join(dir, 'a.config');
  const b = join(dir, 'b.config');
  const pad = 'X'.repeat(12);
  const al: string[] = [];
  const bl: string[] = [];
  for (let i = 0; i < n; i++) {
    al.push(`CONFIG_${pad}${i}=y`);
    bl.push(i % 2 ? `CONFIG_${pad}${i}="v\\"${i}"` : `# CONFIG_${pad}${i} is not set`);
  }
  writeFileSync(a, al.join('\n') + '\n');
  writeFileSync(b, bl.join('\n') + '\n');
  const human = diffPeak('config', 'diff', a, b);
  assert.equal(human.status, 1);
  assert.equal(human.stdout.split('\n').length - 1, n);
  assert.ok(human.peakKb < 170 * 1024, `peak ${human.peakKb} kB`);
  const json = diffPeak('config', 'diff', '--json', a, b);
  assert.equal(json.status, 1);
  const d = JSON.parse(json.stdout) as ConfigDiffEntry[];
  assert.equal(d.length, n);
  assert.deepEqual(d[1], { symbol: `${pad}1`, a: 'y', b: 'v"1' });
  assert.ok(json.peakKb < 170 * 1024, `peak ${json.peakKb} kB`);
});
