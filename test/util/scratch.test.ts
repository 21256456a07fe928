// Scratch directories: removed after the work and after a failure, on exit (also SIGTERM, in a real child
// process), and one left by a SIGKILLed owner is removed by the next scratchDir of its kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scratchDir, withScratchDir } from '../../src/util/scratch.js';

const parent = () => mkdtempSync(join(tmpdir(), 'kdk-scratch-test-'));

test('withScratchDir removes its directory after success and after a throw', async () => {
  const p = parent();
  let seen = '';
  await withScratchDir('t', async (d) => void (seen = d), p);
  assert.ok(seen && !existsSync(seen));
  await assert.rejects(
    withScratchDir(
      't',
      async (d) => {
        seen = d;
        throw new Error('boom');
      },
      p,
    ),
    /boom/,
  );
  assert.ok(!existsSync(seen));
});

test("a directory left by a dead process is swept; a live process's is kept", () => {
  const p = parent();
  const dead = spawnSync('true').pid!;
  mkdirSync(join(p, `kdk-t-${dead}-abc`));
  mkdirSync(join(p, `kdk-t-1-abc`)); // pid 1 is alive
  const s = scratchDir('t', p);
  assert.deepEqual(readdirSync(p).sort(), [`kdk-t-1-abc`, s.dir.split('/').pop()].sort());
  s.release();
});

test('SIGTERM to a process holding a scratch dir removes it', async () => {
  const p = parent();
  const code = `import { scratchDir } from ${JSON.stringify(join(import.meta.dirname, '../../src/util/scratch.ts'))};
scratchDir('t', ${JSON.stringify(p)}); console.log('ready'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((res) => child.stdout.on('data', () => res()));
  assert.equal(readdirSync(p).length, 1);
  child.kill('SIGTERM');
  const exit = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
  assert.equal(exit, 143);
  assert.deepEqual(readdirSync(p), []);
});
