// Benchmarks for `kdk gap`, each against the reference measured in the same run:
//  - index build and one warm `kdk gap cves` query vs a plain full read of every .dyad file, and the command
//    against a bare node start (runs interleaved); KDK_BENCH_RUNS sets the runs per step (default 3);
//  - `kdk gap git` vs a bare `git log --format=...` pass over the same synthetic history (the floor).
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIndex, openCveTable, openIndex, parseKernelArg, queryCves, sharedSnapshot } from '../src/gap/index.js';
import { gitGap } from '../src/gap/git-scan.js';
import { makeHistory } from './gap-history.js';

/** Runs per timed step (the command ones at least 5: one process start is noisy). */
const RUNS = Number(process.env.KDK_BENCH_RUNS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(runs: number, f: () => unknown): Promise<number> {
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    ts.push((performance.now() - t) / 1000);
  }
  return median(ts);
}
const fmt = (s: number) => `${s.toFixed(3)} s`;

function readAll(pub: string, ext: string, each: (text: string) => void = () => undefined): number {
  let bytes = 0;
  for (const y of readdirSync(pub).filter((d) => /^\d{4}$/.test(d))) {
    for (const f of readdirSync(join(pub, y))) {
      if (!f.endsWith(ext)) continue;
      const text = readFileSync(join(pub, y, f), 'utf8');
      bytes += text.length;
      each(text);
    }
  }
  return bytes;
}

async function cveBench(): Promise<void> {
  const { index } = await openIndex({ tarball: sharedSnapshot() }); // unpack + index once (cached)
  const pub = index.tree;
  const tmp = mkdtempSync(join(tmpdir(), 'kdk-bench-idx-'));
  const dyads = await time(RUNS, () => readAll(pub, '.dyad'));
  const jsons = await time(RUNS, () => readAll(pub, '.json', (t) => JSON.parse(t)));
  const build = await time(
    1,
    async () => await buildIndex(pub, join(tmp, 'index.json'), { key: 'bench', source: 'bench' }),
  );
  const full = await time(RUNS, async () =>
    queryCves((await openIndex({ tarball: sharedSnapshot() })).index, parseKernelArg('6.1.192')),
  );
  const query = await time(RUNS, async () =>
    queryCves((await openCveTable({ tarball: sharedSnapshot() })).table, parseKernelArg('6.1.192')),
  );
  const kdk = join(process.cwd(), 'bin', 'kdk.js');
  const runs = Math.max(5, RUNS);
  // Interleaved, so that a change of the machine's load hits both alike.
  const cliTimes: number[] = [];
  const nodeTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    cliTimes.push(
      await time(1, () =>
        spawnSync(process.execPath, [kdk, 'gap', 'cves', '--kernel', '6.1.192', '--json'], { stdio: 'ignore' }),
      ),
    );
    nodeTimes.push(await time(1, () => spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' })));
  }
  const cli = median(cliTimes);
  const node = median(nodeTimes);
  rmSync(tmp, { recursive: true, force: true });
  console.log(`plain full read of every .dyad file (${index.cves.length} files): ${fmt(dyads)}`);
  console.log(`plain read + JSON.parse of every .json record:   ${fmt(jsons)}`);
  console.log(
    `index build (every .dyad, .sha1, .json parsed):  ${fmt(build)}  = ${(build / dyads).toFixed(1)}x the dyad read, ${(build / jsons).toFixed(1)}x the JSON read`,
  );
  console.log(
    `warm query 6.1.192 in-process, full index load:    ${fmt(full)}  = ${(full / dyads).toFixed(2)}x the dyad read`,
  );
  console.log(
    `warm query 6.1.192 in-process, index read in place: ${fmt(query)}  = ${(query / dyads).toFixed(2)}x the dyad read, ${(query / full).toFixed(2)}x the full load`,
  );
  console.log(
    `warm query as a command (kdk gap cves --json):     ${fmt(cli)}  (node start alone ${fmt(node)}: ${(cli / node).toFixed(1)}x it, ${fmt(cli - node)} over it)  [target <= 0.2 s]`,
  );
  console.log(
    `  (machine load: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
  );
}

async function gitBench(): Promise<void> {
  const n = Number(process.env.KDK_BENCH_COMMITS ?? 20000);
  let t = performance.now();
  const h = makeHistory(n);
  console.log(`synthetic history: ${h.commits} commits in ${((performance.now() - t) / 1000).toFixed(1)} s (${h.dir})`);
  const bare = await time(RUNS, () =>
    execFileSync('git', ['-C', h.dir, 'log', '--format=%H%x1f%an <%ae>%x1f%s%x1f%b', 'master', 'distro'], {
      maxBuffer: 1 << 30,
    }),
  );
  let report: Awaited<ReturnType<typeof gitGap>> | undefined;
  const ours = await time(
    RUNS,
    async () => (report = await gitGap({ repo: h.dir, branch: 'distro', upstream: 'master' })),
  );
  console.log(`bare git log --format=... over master+distro:      ${fmt(bare)}`);
  console.log(
    `kdk gap git --branch distro --upstream master:      ${fmt(ours)}  = ${(ours / bare).toFixed(2)}x bare git log  [target <= 2x]`,
  );
  console.log(
    `  (${report!.missing.length} missing, ${report!.carried.length} carried, ${report!.reverted.length} reverted of ${report!.fixesConsidered} fixes)`,
  );
  t = performance.now();
  rmSync(h.dir, { recursive: true, force: true });
}

await cveBench();
await gitBench();
