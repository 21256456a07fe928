import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');

test('kdk --help lists the program and exits 0', () => {
  const r = spawnSync(process.execPath, [kdk, '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Kernel Debug Kit/);
});

test('an unknown command is a usage error (exit 2)', () => {
  const r = spawnSync(process.execPath, [kdk, 'no-such-command'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
});
