import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processAlive as alive, run } from '../../src/util/proc.js';

test('run captures output and exit status', async () => {
  const r = await run('sh', ['-c', 'echo out; echo err >&2; exit 3']);
  assert.equal(r.code, 3);
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\n');
  assert.equal(r.timedOut, false);
});

test('a timeout kills the whole process group, grandchildren included', async () => {
  const r = await run('sh', ['-c', 'sleep 30 & echo $!; wait'], { timeoutMs: 300 });
  assert.equal(r.timedOut, true);
  const grandchild = Number(r.stdout.trim());
  assert.ok(grandchild > 0);
  await new Promise((res) => setTimeout(res, 100));
  assert.equal(alive(grandchild), false, 'the background sleep must be gone');
});
