// Real kdk processes on one SQLite file: kill -9 in the middle of an ingest leaves the store as it was before
// (one transaction per input), and two processes ingesting at once both succeed (WAL, busy timeout).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLog, reportToJson } from '../../src/report/index.js';
import { openStore } from '../../src/store/index.js';
import { corpusCases, haveCorpus } from './corpus-logs.js';
import { tempDir } from './tmp.js';
import { projectRoot, skipIf } from '../helpers.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');
const skip = skipIf(haveCorpus() ? undefined : 'no ../shared/corpora/syzkaller-report');

function kdkProcess(args: string[]) {
  const child = spawn(process.execPath, [kdk, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, err })),
  );
  return { child, done };
}

async function crashCount(db: string): Promise<number> {
  const s = await openStore(db);
  try {
    const r = await s.conn.db
      .selectFrom('crashes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  } finally {
    await s.close();
  }
}

/** Many distinct real reports in one document: one long transaction. */
function bigReportDoc(dir: string, n: number): string {
  const reps = corpusCases(60).flatMap((c) => parseLog(c.log).map(reportToJson));
  const reports = Array.from({ length: n }, (_, i) => ({ ...reps[i % reps.length], start: i * 100_000 }));
  const p = join(dir, 'big.json');
  writeFileSync(p, JSON.stringify({ reports }));
  return p;
}

test(
  'kill -9 in the middle of an ingest leaves the store as before; the ingest then runs whole',
  { skip, timeout: 300_000 },
  async () => {
    const dir = tempDir();
    const db = join(dir, 'kdk.db');
    const seed = corpusCases(1)[0];
    writeFileSync(join(dir, 'seed.log'), seed.log);
    await (await openStore(db)).close();
    const first = kdkProcess(['ingest', '--db', db, '--kernel', 'k', join(dir, 'seed.log')]);
    assert.equal((await first.done).code, 0);
    const big = bigReportDoc(dir, 6000);
    const wal = `${db}-wal`;
    const walBefore = existsSync(wal) ? statSync(wal).size : 0;
    const p = kdkProcess(['ingest', '--db', db, '--kernel', 'k', big]);
    // Uncommitted pages spill into the WAL once the page cache fills: then the transaction is under way.
    const t0 = Date.now();
    let grew = false;
    while (Date.now() - t0 < 120_000 && p.child.exitCode === null) {
      if (existsSync(wal) && statSync(wal).size > walBefore + (4 << 20)) {
        grew = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(grew, 'the ingest was writing when it was killed');
    p.child.kill('SIGKILL');
    assert.equal((await p.done).signal, 'SIGKILL');
    assert.equal(await crashCount(db), 1, 'the store is as before the killed ingest');
    const again = kdkProcess(['ingest', '--db', db, '--kernel', 'k', '--json', big]);
    const r = await again.done;
    assert.equal(r.code, 0, r.err);
    assert.equal(await crashCount(db), 6001);
  },
);

test('two kdk processes ingesting into one SQLite file at once both succeed', { skip, timeout: 300_000 }, async () => {
  const dir = tempDir();
  const db = join(dir, 'kdk.db');
  const cases = corpusCases(40);
  const files = cases.map((c) => {
    const p = join(dir, `${c.name}.log`);
    writeFileSync(p, c.log);
    return p;
  });
  const half = Math.floor(files.length / 2);
  // Both open a store that does not exist yet: creating the schema races too.
  const a = kdkProcess(['ingest', '--db', db, '--kernel', 'kA', ...files.slice(0, half)]);
  const b = kdkProcess(['ingest', '--db', db, '--kernel', 'kB', ...files.slice(half)]);
  const [ra, rb] = await Promise.all([a.done, b.done]);
  assert.equal(ra.code, 0, ra.err);
  assert.equal(rb.code, 0, rb.err);
  assert.equal(await crashCount(db), files.length);
});
