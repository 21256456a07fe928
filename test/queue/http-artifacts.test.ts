// Artifacts through `kdk serve` instead of a shared directory, with real processes: `kdk submit` uploads Debian's
// stock kernel to the server; a `kdk worker` with an empty cache of its own and no artifact directory downloads
// it (checked by hash), boots it, and uploads the console, which the server then serves. The kernel was never
// anywhere the worker could read but the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import pg from 'pg';
import { hashFile } from '../../src/util/cache.js';
import { skipIf } from '../helpers.js';
import { stockKernel, tag } from '../vm/fixtures.js';
import { pgUnavailable, queueEnv, startServe, startWorker } from './fixtures.js';

const skip = skipIf(pgUnavailable());

test('a boot job whose kernel is only on kdk serve: uploaded by submit, fetched by a worker', { skip }, async () => {
  const kernel = stockKernel();
  const sha = await hashFile(kernel);
  const env = await queueEnv();
  const srv = await startServe(env);
  const t = tag();
  const submit = (extra: string[]) =>
    env.kdk([
      ...['submit', 'boot', '--artifacts', srv.base, '--token-file', srv.tokenFile, '--kernel', kernel],
      ...['--append', t, '--timeout', '120', '--json', ...extra],
    ]);
  const s = await submit([]);
  assert.equal(s.code, 0, s.stderr);
  assert.equal(JSON.parse(s.stdout).status, 'new');
  const onServer = join(srv.dir, sha.slice(0, 2), sha);
  assert.ok(existsSync(onServer), 'submit uploaded the kernel');
  assert.ok(readFileSync(onServer).equals(readFileSync(kernel)));
  // Without the token, submit is refused before anything is queued (exit 2: the flag is missing).
  const noToken = await env.kdk(['submit', 'boot', '--artifacts', srv.base, '--kernel', kernel]);
  assert.equal(noToken.code, 2, noToken.stderr);
  assert.match(noToken.stderr, /--token-file/);

  const cache = mkdtempSync(join(tmpdir(), 'kdk-worker-cache-'));
  after(() => rmSync(cache, { recursive: true, force: true }));
  const worker = await startWorker(
    env,
    'w-http',
    ['--artifacts', srv.base, '--token-file', srv.tokenFile, '--kinds', 'boot', '--poll', '0.2'],
    // Its own empty cache (so the kernel can only come from the server); TCG as the other queue tests' workers.
    { KDK_CACHE: cache, KDK_ACCEL: 'tcg' },
  );
  const done = await submit(['--wait']);
  assert.equal(done.code, 0, `${done.stderr}\n${worker.stderr()}`);
  const job = JSON.parse(done.stdout).job;
  assert.equal(job.state, 'completed');
  assert.equal(job.verdict, 'no-crash');
  assert.deepEqual(
    job.attempts.map((a: { worker: string; outcome: string }) => [a.worker, a.outcome]),
    [['w-http', 'completed']],
  );
  const fetched = join(cache, 'artifacts', sha);
  assert.ok(existsSync(fetched), "the kernel was downloaded into the worker's cache");
  assert.equal(await hashFile(fetched), sha);

  // The worker's outputs went up to the server: the console of the boot, served back by GET /artifacts/<sha>.
  const db = new pg.Client({ connectionString: env.url });
  await db.connect();
  const { rows } = await db.query('select result from kdk_queue.results where job_id = $1', [job.id]);
  await db.end();
  const consoleSha = rows[0].result.artifacts['console-1.log'];
  assert.match(consoleSha, /^[0-9a-f]{64}$/);
  const res = await fetch(`${srv.base}/artifacts/${consoleSha}`);
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.ok(text.includes(t), 'the console carries the command line of this boot');

  worker.child.kill('SIGTERM');
  assert.deepEqual(await worker.exited, { code: 0, signal: null }, worker.stderr());
});
