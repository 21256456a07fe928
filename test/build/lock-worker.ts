// One of the real processes of lock.test.ts: takes the lock `iterations` times and, while holding it, appends
// "in PID" and "out PID" around a short sleep to a shared log, so overlapping holders show as interleaved lines.
import { appendFileSync } from 'node:fs';
import { withLock } from '../../src/build/lock.js';

const [lock, log, iterations] = process.argv.slice(2);
for (let i = 0; i < Number(iterations); i++) {
  await withLock(
    lock,
    async () => {
      appendFileSync(log, `in ${process.pid}\n`);
      await new Promise((r) => setTimeout(r, 1));
      appendFileSync(log, `out ${process.pid}\n`);
    },
    { pollMs: 0 },
  );
}
