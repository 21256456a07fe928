// The kernel-build lock with real processes: never held by two at once, neither when several take it in a tight
// loop (the old lock created the file empty and wrote the pid after, and a waiter that read it empty took it
// as stale) nor when several find the same stale lock of a dead process at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const worker = join(import.meta.dirname, 'lock-worker.ts');

function runWorkers(lock: string, log: string, n: number, iterations: number): Promise<number[]> {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<number>((resolve) => {
          const c = spawn(process.execPath, ['--import', 'tsx', worker, lock, log, String(iterations)], {
            stdio: ['ignore', 'ignore', 'inherit'],
          });
          c.on('close', (code) => resolve(code ?? 128));
        }),
    ),
  );
}

/** Every "in P" is followed by "out P" of the same process: no two holders at once. */
function assertExclusive(log: string, expected: number): void {
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  assert.equal(lines.length, expected * 2, 'every holder logged in and out');
  for (let i = 0; i < lines.length; i += 2) {
    const [a, pa] = lines[i].split(' ');
    const [b, pb] = lines[i + 1].split(' ');
    assert.ok(
      a === 'in' && b === 'out' && pa === pb,
      `two holders at once at line ${i + 1}: ${lines[i]} / ${lines[i + 1]}`,
    );
  }
}

test('three processes taking the lock 150 times each never hold it together', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-lock-'));
  const lock = join(dir, 'k.lock');
  const log = join(dir, 'log');
  writeFileSync(log, '');
  const codes = await runWorkers(lock, log, 3, 150);
  assert.deepEqual(codes, [0, 0, 0]);
  assertExclusive(log, 450);
  assert.equal(existsSync(lock), false, 'released at the end');
});

test('a stale lock (its owner is dead) is taken over by exactly one of the waiters at a time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-lock-'));
  const lock = join(dir, 'k.lock');
  const log = join(dir, 'log');
  writeFileSync(log, '');
  const dead = spawnSync('true').pid!;
  writeFileSync(lock, String(dead));
  const codes = await runWorkers(lock, log, 3, 20);
  assert.deepEqual(codes, [0, 0, 0]);
  assertExclusive(log, 60);
});
