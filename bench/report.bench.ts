// Throughput and peak memory of the crash report parser, against `grep -c` over the same file in the
// same run (the physical floor: one pass of a fast string search).
//   (a) the syzkaller corpus logs concatenated: nothing but crash reports, the worst case;
//   (b) a >= 1 GiB console: the corpus repeated with console noise between the reports.
// Each parse runs in its own process (bench/report-worker.mjs on the compiled code) so that its peak
// RSS is its own; memory must stay flat however big the file.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caseNames, loadReportCase } from '../test/report/corpus.js';
import { haveShared } from '../test/helpers.js';

const NOISE_LINES = 200; // console lines between two corpus logs in (b)
const TARGET = 1 << 30;

interface Figures {
  bytes: number;
  ms: number;
  cpuMs: number;
  reports: number;
  retained: number;
  maxRssKiB: number;
}

function parse(file: string): Figures {
  const r = spawnSync(process.execPath, [join('bench', 'report-worker.mjs'), file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`worker failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Figures;
}

/** `kdk report parse FILE [--json]` as a user runs it: wall time and peak RSS (a preload prints maxRSS). */
function cliRun(file: string, dir: string, json: boolean): { ms: number; rssMiB: number } {
  const preload = join(dir, 'rss.mjs');
  writeFileSync(
    preload,
    "process.on('exit', () => process.stderr.write('maxRSS=' + process.resourceUsage().maxRSS + '\\n'));\n",
  );
  const t = performance.now();
  const r = spawnSync(
    process.execPath,
    ['--import', preload, join('bin', 'kdk.js'), 'report', 'parse', file, ...(json ? ['--json'] : [])],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  const ms = performance.now() - t;
  return { ms, rssMiB: Number(/maxRSS=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024 };
}

function grepMs(file: string): number {
  const t = process.hrtime.bigint();
  const r = spawnSync('grep', ['-c', 'BUG:', file], { encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`grep failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function noise(start: number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const ts = (start + i / 1000).toFixed(6).padStart(12);
    switch (i % 4) {
      case 0:
        out.push(
          `[${ts}] audit: type=1400 audit(1700000000.${i}:${start}): avc:  denied  { read } for  pid=${i} comm="syz-executor" name="fd" dev="proc" ino=${i}`,
        );
        break;
      case 1:
        out.push(`[${ts}] systemd[1]: Started session-${i}.scope - Session ${i} of User root.`);
        break;
      case 2:
        out.push(`[${ts}] loop${i % 8}: detected capacity change from 0 to ${i * 8}`);
        break;
      default:
        out.push(`[${ts}] EXT4-fs (loop${i % 8}): mounted filesystem without journal. Quota mode: none.`);
    }
  }
  return out.join('\n') + '\n';
}

function report(name: string, f: Figures, grep: number): void {
  const mb = f.bytes / 2 ** 20;
  const grepRate = mb / (grep / 1000);
  console.log(
    `${name}: ${mb.toFixed(1)} MiB, ${f.reports} reports, ${(mb / (f.ms / 1000)).toFixed(1)} MiB/s wall ` +
      `(${(mb / (f.cpuMs / 1000)).toFixed(1)} MiB/s of CPU), peak RSS ${(f.maxRssKiB / 1024).toFixed(0)} MiB, ` +
      `parser state at most ${(f.retained / 1024).toFixed(0)} KiB; ` +
      `grep -c: ${grepRate.toFixed(0)} MiB/s; parser/grep time ratio ${(f.ms / grep).toFixed(1)}x`,
  );
}

function main(): void {
  if (!haveShared('corpora', 'syzkaller-report')) {
    console.log('SKIP: ../shared/corpora/syzkaller-report is missing');
    return;
  }
  const logs = caseNames('report').map((n) => loadReportCase(n).log);
  const dir = mkdtempSync(join(tmpdir(), 'kdk-report-bench-'));
  try {
    const a = join(dir, 'corpus.log');
    writeFileSync(a, Buffer.concat(logs.flatMap((l) => [l, Buffer.from('\n')])));
    report('(a) corpus concatenated', parse(a), grepMs(a));
    // The same, ten times over: the parser's steady state once the JIT has warmed up.
    const a10 = join(dir, 'corpus-x10.log');
    writeFileSync(
      a10,
      Buffer.concat(Array.from({ length: 10 }, () => logs.flatMap((l) => [l, Buffer.from('\n')])).flat()),
    );
    report('(a) corpus concatenated x10', parse(a10), grepMs(a10));
    const mib = (statSync(a10).size / 2 ** 20).toFixed(0);
    for (const json of [false, true]) {
      const c = cliRun(a10, dir, json);
      console.log(
        `(a) kdk report parse${json ? ' --json' : ''} on the x10 log (${mib} MiB): ${(c.ms / 1000).toFixed(2)} s, peak RSS ${c.rssMiB.toFixed(0)} MiB`,
      );
    }

    const b = join(dir, 'console-1g.log');
    const fd = openSync(b, 'w');
    let written = 0;
    let ts = 100;
    while (written < TARGET) {
      for (const l of logs) {
        const z = Buffer.from(noise(ts, NOISE_LINES), 'latin1');
        ts += 1;
        written += writeSync(fd, l) + writeSync(fd, '\n') + writeSync(fd, z);
      }
    }
    closeSync(fd);
    console.log(
      `(b) built ${(statSync(b).size / 2 ** 20).toFixed(0)} MiB: corpus repeated, ${NOISE_LINES} noise lines between logs`,
    );
    const fb = parse(b);
    report('(b) 1 GiB console', fb, grepMs(b));
    const target = 50;
    const rate = fb.bytes / 2 ** 20 / (fb.ms / 1000);
    console.log(`(b) target >= ${target} MiB/s: ${rate >= target ? 'met' : 'NOT met'} (${rate.toFixed(1)} MiB/s)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
