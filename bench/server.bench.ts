// The dashboard under load: a SQLite store of 100,000 crashes in 10,000 bugs (filled through the real ingest
// path from reports of syzkaller's corpus, their titles varied to make 10,000 bugs), served by `kdk serve` in its
// own process, loaded over loopback with autocannon: `GET /api/bugs` and the bug-list page, 100 bugs a page.
// Reference in the same run: a bare node:http server answering the same bytes from memory (the floor of HTTP
// on this machine). Goal: >= 1,000 req/s and p99 <= 50 ms.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { parseLog, reportToJson } from '../src/report/index.js';
import { openStore } from '../src/store/index.js';
import { cacheRoot } from '../src/util/cache.js';
import { corpusCases } from '../test/store/corpus-logs.js';

const CRASHES = Number(process.env.KDK_BENCH_CRASHES ?? 100_000);
const BUGS = CRASHES / 10;
const DOC = 2000; // reports per ingested document (one transaction each)
const SECONDS = Number(process.env.KDK_BENCH_SECONDS ?? 10);

/** The store, built once per size and kept in the cache (the ingest rate is printed when it is built). */
async function buildStore(): Promise<string> {
  const dir = join(cacheRoot(), 'bench');
  const db = join(dir, `server-${CRASHES}.db`);
  if (existsSync(db)) return db;
  mkdirSync(dir, { recursive: true });
  const tmp = `${db}.tmp-${process.pid}`;
  const reps = corpusCases(200).flatMap((c) => parseLog(c.log).map(reportToJson));
  const store = await openStore(tmp);
  const t0 = Date.now();
  for (let d = 0; d < CRASHES / DOC; d++) {
    const reports = Array.from({ length: DOC }, (_, j) => {
      const i = d * DOC + j;
      const r = reps[i % reps.length];
      return { ...r, title: `${r.title} #${i % BUGS}`, altTitles: [], start: i };
    });
    const file = join(dir, `doc-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ reports }));
    await store.ingest(file, { kernel: `6.1.${150 + (d % 8)}`, seenAt: new Date(1.7e12 + d * 3.6e6).toISOString() });
    rmSync(file);
  }
  const s = (Date.now() - t0) / 1000;
  console.log(
    `built: ${CRASHES} crashes, ${(await store.listBugs()).total} bugs in ${s.toFixed(1)} s (${(CRASHES / s).toFixed(0)} crashes/s ingested)`,
  );
  await store.close();
  for (const ext of ['', '-wal', '-shm']) if (existsSync(tmp + ext)) renameSync(tmp + ext, db + ext);
  return db;
}

async function startKdk(db: string, extra: string[] = []): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, ['bin/kdk.js', 'serve', '--db', db, '--port', '0', '--quiet', ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const rl = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    rl.on('line', (l) => {
      const m = /:(\d+)\//.exec(l);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (c) => reject(new Error(`kdk serve exited ${c}`)));
  });
  return { port, stop: () => child.kill('SIGTERM') };
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(url: string): Promise<Load> {
  await autocannon({ url, connections: 10, duration: 1 }); // warm-up: JIT, page cache
  const r = await autocannon({ url, connections: 10, duration: SECONDS });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

async function main(): Promise<void> {
  const db = await buildStore();
  const kdk = await startKdk(db);
  const direct = await startKdk(db, ['--no-cache']);
  const base = `http://127.0.0.1:${kdk.port}`;
  const api = await (await fetch(`${base}/api/bugs`)).text();
  const html = await (await fetch(`${base}/`)).text();
  if (JSON.parse(api).bugs.length !== 100) throw new Error('a page is not 100 bugs');
  // The reference: the same bytes from memory, no store behind them.
  const ref = createServer((req, res) => {
    const body = req.url === '/' ? html : api;
    res.writeHead(200, {
      'content-type': req.url === '/' ? 'text/html' : 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  await new Promise<void>((r) => ref.listen(0, '127.0.0.1', () => r()));
  const refPort = (ref.address() as { port: number }).port;
  try {
    for (const [name, path] of [
      ['GET /api/bugs (100 bugs)', '/api/bugs'],
      ['bug-list page (100 bugs)', '/'],
      ['GET /api/bugs?q=KASAN (search)', '/api/bugs?q=KASAN'],
    ] as const) {
      const f = await load(`http://127.0.0.1:${refPort}${path === '/' ? '/' : '/api'}`);
      for (const [how, port] of [
        ['response cache', kdk.port],
        ['every request from SQLite (--no-cache)', direct.port],
      ] as const) {
        const k = await load(`http://127.0.0.1:${port}${path}`);
        const ok = k.rps >= 1000 && k.p99 <= 50 ? 'goal met' : 'goal NOT met';
        console.log(
          `${name}, ${how}: ${k.rps.toFixed(0)} req/s, p50 ${k.p50} ms, p99 ${k.p99} ms, ${k.errors} errors | ` +
            `ratio to the static reference (${f.rps.toFixed(0)} req/s, p99 ${f.p99} ms): ${(k.rps / f.rps).toFixed(2)} | ${ok}`,
        );
      }
    }
  } finally {
    kdk.stop();
    direct.stop();
    ref.close();
  }
}

await main();
