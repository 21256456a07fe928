import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, populateDirAtomic } from '../../src/util/atomic.js';

test('writeFileAtomic replaces the file and leaves no temp file behind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-atomic-'));
  const f = join(dir, 'out.config');
  writeFileSync(f, 'old');
  writeFileAtomic(f, 'new');
  assert.equal(readFileSync(f, 'utf8'), 'new');
  assert.deepEqual(readdirSync(dir), ['out.config']);
});

test('populateDirAtomic keeps the previous content when filling fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-atomic-'));
  const target = join(dir, 'tree');
  assert.throws(() =>
    populateDirAtomic(target, (tmp) => {
      writeFileSync(join(tmp, 'half'), 'x');
      throw new Error('boom');
    }),
  );
  assert.deepEqual(readdirSync(dir), []);
  populateDirAtomic(target, (tmp) => writeFileSync(join(tmp, 'whole'), 'y'));
  assert.deepEqual(readdirSync(target), ['whole']);
});
