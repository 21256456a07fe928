// Errors from the machine, not from kdk: a missing file the user named, a port another program holds. Each is an
// exit code with the file or address named, never "internal error" with a stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');

test('kdk sign with a certificate that is not there: exit 2 naming it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-syserr-'));
  try {
    // A kernel and config that are there (their content is not reached), a key pair that is not.
    writeFileSync(join(dir, 'vmlinuz'), 'MZ');
    writeFileSync(join(dir, 'config'), 'CONFIG_EFI_STUB=y\n');
    const r = spawnSync(
      process.execPath,
      [kdk, 'sign', '--key', 'db.key', '--cert', 'db.crt', '--kernel', 'vmlinuz', '--config', 'config'],
      { cwd: dir, encoding: 'utf8' },
    );
    assert.equal(r.status, 2, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
    assert.match(r.stderr, /no such file or directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kdk serve on a port another program holds: exit 3 naming the address', async () => {
  const holder = createServer();
  await new Promise<void>((res) => holder.listen(0, '127.0.0.1', res));
  const port = (holder.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'kdk-syserr-'));
  try {
    const r = spawnSync(process.execPath, [kdk, 'serve', '--db', join(dir, 'kdk.db'), '--port', String(port)], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`address already in use.*|127\\.0\\.0\\.1:${port}`));
    assert.doesNotMatch(r.stderr, /internal error/);
  } finally {
    holder.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
