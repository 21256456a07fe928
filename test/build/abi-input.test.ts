// Hostile input to the ABI check: malformed Module.symvers lines and ignore patterns are refused with the file and
// line; a JSON dump is validated like text; glob rules are buildcheck.py's (`*` within a path component).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KdkError } from '../../src/util/errors.js';
import { ignorePattern, loadAbi, parseSymvers, readIgnoreFile, formatAbi } from '../../src/build/index.js';

const good = '0x1a2b3c4d\tcommit_creds\tvmlinux\tEXPORT_SYMBOL\t\n';
const bad: [string, string, RegExp][] = [
  ['four fields', good + '0x1a2b3c4d\tx\tvmlinux\tEXPORT_SYMBOL\n', /m\.symvers:2: expected 5 tab-separated fields/],
  ['crc not hex', good + '0xZZ\tx\tvmlinux\tEXPORT_SYMBOL\t\n', /m\.symvers:2: not a CRC/],
  ['name with a space', good + '0x00000001\ta b\tvmlinux\tEXPORT_SYMBOL\t\n', /:2: not a symbol name/],
  ['escape in module', good + '0x00000001\tx\tvm\u001b[2J\tEXPORT_SYMBOL\t\n', /:2: not a module name/],
  ['unknown export', good + '0x00000001\tx\tvmlinux\tSYMBOL\t\n', /:2: not an export type/],
  ['listed twice', good + good, /:2: symbol commit_creds is listed twice \(first on line 1\)/],
];

for (const [what, text, re] of bad)
  test(`Module.symvers: ${what} is refused with its line`, () => {
    assert.throws(
      () => parseSymvers(text, 'm.symvers'),
      (e: unknown) => e instanceof KdkError && re.test(e.format()),
    );
  });

test('ignore patterns: * stays within a path component, ** crosses, the whole name must match', () => {
  const m = (p: string, s: string) => ignorePattern(p).re.test(s);
  assert.ok(m('perf_*', 'perf_event_read'));
  assert.ok(!m('perf_*', 'xperf_event'));
  assert.ok(!m('drivers/*', 'drivers/net/e1000'));
  assert.ok(m('drivers/**', 'drivers/net/e1000'));
  assert.ok(m('a.b', 'a.b') && !m('a.b', 'axb'), 'other characters are literal');
  assert.equal(ignorePattern('module:fs/*').field, 'module');
  assert.throws(
    () => ignorePattern('type:x', 'defines', 3),
    (e: unknown) => e instanceof KdkError && /^defines:3: .*unknown type 'type'/.test(e.format()),
  );
});

test('ignore files: defines, defines.toml and a plain list; a JSON dump is validated like text', () => {
  const d = mkdtempSync(join(tmpdir(), 'kdk-abi-in-'));
  try {
    writeFileSync(join(d, 'defines'), '[base]\narches: amd64\n\n[abi]\nignore-changes:\n perf_*\n module:drivers/**\n');
    writeFileSync(join(d, 'defines.toml'), "[abi]\nignore-changes = ['perf_*']\n");
    writeFileSync(join(d, 'list'), '# ours\nperf_*  cxl_*\n');
    assert.deepEqual(
      readIgnoreFile(join(d, 'defines')).map((p) => p.text),
      ['perf_*', 'module:drivers/**'],
    );
    assert.deepEqual(
      readIgnoreFile(join(d, 'defines.toml')).map((p) => p.text),
      ['perf_*'],
    );
    assert.deepEqual(
      readIgnoreFile(join(d, 'list')).map((p) => p.text),
      ['perf_*', 'cxl_*'],
    );
    const syms = parseSymvers(good, 'x');
    writeFileSync(join(d, 'dump.json'), JSON.stringify({ source: 'x', symbols: syms }));
    assert.equal(formatAbi(loadAbi(join(d, 'dump.json')).symbols), good);
    writeFileSync(join(d, 'evil.json'), JSON.stringify({ symbols: [{ ...syms[0], crc: 7 }] }));
    assert.throws(
      () => loadAbi(join(d, 'evil.json')),
      (e: unknown) => e instanceof KdkError && /evil\.json:1: not a CRC/.test(e.format()),
    );
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
