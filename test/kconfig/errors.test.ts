// Bad Kconfig input (test/kconfig/data/bad/<case>/Kconfig): kdk must fail with a KdkError naming the same
// file and line as the C conf reports for that tree, and leave no output behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kconfig, olddefconfig } from '../../src/kconfig/index.js';
import { KdkError } from '../../src/util/errors.js';
import { projectRoot } from '../helpers.js';
import { tmpDir } from './tmp.js';
import { cConf } from './reference.js';

const badDir = join(projectRoot, 'test', 'kconfig', 'data', 'bad');

function kdkError(dir: string): KdkError {
  try {
    Kconfig.load({ srctree: dir, arch: 'x86_64', log: () => {} });
  } catch (e) {
    assert.ok(e instanceof KdkError, `a KdkError, not ${String(e)}`);
    return e;
  }
  assert.fail('kdk accepted a bad tree');
}

/**
 * Where the C tool located the error: bison's generic "syntax error" comes first (one line late, or at
 * "<none>" at end of input), so the specific message that follows it wins when there is one.
 */
function cLocation(stderr: string): { file: string; line: number } | undefined {
  const found: { file: string; line: number; generic: boolean }[] = [];
  for (const l of stderr.split('\n')) {
    const m = /^([^\s:]+):(\d+): ?(.*)$/.exec(l);
    if (m && !m[3].startsWith('warning'))
      found.push({ file: m[1], line: Number(m[2]), generic: m[3] === 'syntax error' });
  }
  return found.find((f) => !f.generic) ?? found[0];
}

for (const name of readdirSync(badDir).sort()) {
  test(`bad tree ${name}: KdkError at the file:line the C conf reports, exit 2`, () => {
    const dir = join(badDir, name);
    const err = kdkError(dir);
    assert.equal(err.exitCode, 2);
    const c = cConf(dir, '', { CC: 'gcc', LD: 'ld', srctree: dir });
    assert.notEqual(c.status, 0, 'the C conf rejects it too');
    const where = cLocation(c.stderr);
    assert.ok(where, `C named a location: ${c.stderr}`);
    assert.equal(err.file, where.file, `${err.format()} vs ${c.stderr}`);
    assert.equal(err.line, where.line, `${err.format()} vs ${c.stderr}`);
  });
}

test('olddefconfig on a bad tree leaves the output file unwritten', () => {
  const out = join(tmpDir('kdk-bad-'), 'out.config');
  assert.throws(
    () =>
      olddefconfig({
        srctree: join(badDir, 'syntax-error'),
        arch: 'x86_64',
        in: join(badDir, 'syntax-error', 'Kconfig'),
        out,
        log: () => {},
      }),
    KdkError,
  );
  assert.equal(existsSync(out), false);
});
