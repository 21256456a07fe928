import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDefines, definesGet } from '../../src/flavour/debian-defines.js';
import { KdkError } from '../../src/util/errors.js';

test('defines: sections, key: value and key = value, continuation lists, comments (RawConfigParser syntax)', () => {
  const d = parseDefines(
    '# top comment\n[base]\narches:\n alpha\n# inside\n amd64\nkernel-arch = x86\n\n[cloud-amd64_image]\nconfigs:\n config.cloud\n amd64/config.cloud-amd64\n',
    'defines',
  );
  assert.deepEqual(definesGet(d, 'base', 'arches')?.items, ['alpha', 'amd64']);
  assert.equal(definesGet(d, 'base', 'kernel-arch')?.raw, 'x86');
  assert.deepEqual(definesGet(d, 'cloud-amd64_image', 'configs')?.items, ['config.cloud', 'amd64/config.cloud-amd64']);
  assert.equal(definesGet(d, 'cloud-amd64_image', 'configs')?.line, 10);
});

test('defines errors name file and line', () => {
  for (const [text, line] of [
    ['key: before section\n', 1],
    ['[base]\n continuation first\n', 2],
    ['[base]\nno separator here\n', 2],
  ] as const) {
    assert.throws(
      () => parseDefines(text, 'x/defines'),
      (e: unknown) => e instanceof KdkError && e.file === 'x/defines' && e.line === line,
      text,
    );
  }
});
