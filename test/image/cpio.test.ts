// The newc writer checked against GNU cpio (the reference reader): listing, modes, device numbers, contents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { newcArchive, type CpioEntry } from '../../src/image/cpio.js';
import { ensurePackages } from '../../src/util/deps.js';

ensurePackages(['cpio']);

const entries: CpioEntry[] = [
  { kind: 'dir', path: 'bin' },
  { kind: 'file', path: 'bin/hello', data: Buffer.from('#!/bin/sh\necho hi\n'), mode: 0o755 },
  { kind: 'file', path: 'odd-size', data: Buffer.from('abcde') },
  { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
  { kind: 'dir', path: 'dev' },
  { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
];

test('GNU cpio lists the archive with the right types, modes and device numbers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-cpio-'));
  const arc = join(dir, 'a.cpio');
  writeFileSync(arc, newcArchive(entries));
  const r = spawnSync('cpio', ['-itv', '--quiet', '-F', arc], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, entries.length);
  assert.match(lines[1], /^-rwxr-xr-x .* bin\/hello$/);
  assert.match(lines[3], /^lrwxrwxrwx .* bin\/sh -> busybox$/);
  assert.match(lines[5], /^crw------- .* 5,\s+1 .* dev\/console$/);
});

test('extracting with GNU cpio gives back the same contents', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-cpio-'));
  const arc = join(dir, 'a.cpio');
  writeFileSync(arc, newcArchive(entries.filter((e) => e.kind !== 'chardev')));
  const out = join(dir, 'x');
  const r = spawnSync('sh', ['-c', `mkdir -p "$1" && cd "$1" && cpio -idm --quiet < "$2"`, 'sh', out, arc], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(join(out, 'bin/hello'), 'utf8'), '#!/bin/sh\necho hi\n');
  assert.equal(readFileSync(join(out, 'odd-size'), 'utf8'), 'abcde');
  assert.equal(readlinkSync(join(out, 'bin/sh')), 'busybox');
});

test('any file names and contents round-trip through GNU cpio (property)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-cpio-'));
  fc.assert(
    fc.property(
      fc.uniqueArray(
        fc.stringMatching(/^[a-z0-9_.-]{1,40}$/).filter((s) => s !== '.' && s !== '..'),
        {
          minLength: 1,
          maxLength: 8,
        },
      ),
      fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 8, maxLength: 8 }),
      (names, blobs) => {
        const arc = join(dir, 'p.cpio');
        writeFileSync(arc, newcArchive(names.map((n, i) => ({ kind: 'file', path: n, data: blobs[i] }))));
        const r = spawnSync('cpio', ['-it', '--quiet', '-F', arc], { encoding: 'utf8' });
        assert.equal(r.status, 0);
        assert.deepEqual(r.stdout.trim().split('\n'), names);
      },
    ),
    { numRuns: 40 },
  );
});

test('the archive is reproducible: same entries, same bytes', () => {
  assert.deepEqual(newcArchive(entries), newcArchive(entries));
});
