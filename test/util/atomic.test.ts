import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, populateDirAtomic, replaceDirAtomic } from '../../src/util/atomic.js';

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

test('replaceDirAtomic: a failing fill leaves the old directory as it was; a good one replaces it whole', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-atomic-'));
  const target = join(dir, 'out');
  mkdirSync(join(target, 'build'), { recursive: true });
  writeFileSync(join(target, 'report.json'), 'old report');
  writeFileSync(join(target, 'stale'), 'old only');
  writeFileSync(join(target, 'build', 'obj'), 'kept');
  assert.throws(
    () =>
      replaceDirAtomic(target, (tmp) => {
        writeFileSync(join(tmp, 'report.json'), 'new report');
        throw new Error('boom');
      }),
    /boom/,
  );
  assert.equal(readFileSync(join(target, 'report.json'), 'utf8'), 'old report');
  assert.deepEqual(readdirSync(dir), ['out'], 'no staging directory left');
  replaceDirAtomic(target, (tmp) => writeFileSync(join(tmp, 'report.json'), 'new report'));
  assert.equal(readFileSync(join(target, 'report.json'), 'utf8'), 'new report');
  assert.equal(readFileSync(join(target, 'build', 'obj'), 'utf8'), 'kept', 'entries the new output lacks are kept');
  assert.deepEqual(readdirSync(dir), ['out']);
});

test('replaceDirAtomic names the path the caller gave, not the staging directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-atomic-'));
  const target = join(dir, 'out');
  try {
    replaceDirAtomic(target, (tmp) => {
      mkdirSync(join(tmp, 'sub'));
      writeFileSync(join(tmp, 'sub'), 'x'); // EISDIR
    });
    assert.fail('should throw');
  } catch (e) {
    assert.equal((e as NodeJS.ErrnoException).path, join(target, 'sub'));
  }
});
