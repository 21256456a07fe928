import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/util/proc.js';

import { readFileSync } from 'node:fs';

/** Running (not gone, not a zombie waiting for a reaper that this container's init may never be). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

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
