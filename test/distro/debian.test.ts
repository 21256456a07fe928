import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debianSourceTreeAt } from '../../src/distro/index.js';
import { KdkError } from '../../src/util/errors.js';

// Fetching another linux-source-6.1 is a 139 MB download plus a minute of unpacking, so the default run checks
// only the version check and the version-keyed cache lookup; the real fetch is measured in docs/flavour.md.
test('debianSourceTreeAt refuses a string that is not a Debian version (exit 2) before running apt', () => {
  for (const bad of ['', '../6.1', '6.1 190', '-1', 'latest']) {
    assert.throws(
      () => debianSourceTreeAt(bad, () => {}),
      (e: unknown) => e instanceof KdkError && e.exitCode === 2,
      bad,
    );
  }
});

test('debianSourceTreeAt reuses a tree already extracted under its version-keyed directory', () => {
  const cache = mkdtempSync(join(tmpdir(), 'kdk-treeat-'));
  const saved = process.env.KDK_CACHE;
  process.env.KDK_CACHE = cache;
  try {
    const top = join(cache, 'trees', 'linux-source-6.1_6.1.190-1', 'linux-source-6.1');
    mkdirSync(top, { recursive: true });
    writeFileSync(join(top, 'Makefile'), 'VERSION = 6\n');
    const logs: string[] = [];
    assert.deepEqual(
      debianSourceTreeAt('6.1.190-1', (l) => logs.push(l)),
      { dir: top, version: '6.1.190-1' },
    );
    assert.ok(!logs.some((l) => /apt-get download|extracting/.test(l)), 'no download, no extraction');
  } finally {
    if (saved === undefined) delete process.env.KDK_CACHE;
    else process.env.KDK_CACHE = saved;
    rmSync(cache, { recursive: true, force: true });
  }
});
