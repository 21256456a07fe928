// Child process of report.bench.ts: streams one file through the compiled ReportStream and prints its
// figures as JSON (its own process, so the peak RSS is the parser's alone).
import { createReadStream, statSync } from 'node:fs';
import { ReportStream } from '../dist/report/index.js';

const file = process.argv[2];
const start = process.hrtime.bigint();
const s = new ReportStream();
let reports = 0;
for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) reports += s.push(chunk).length;
reports += s.end().length;
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const cpu = process.cpuUsage();
const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(
  JSON.stringify({ bytes: statSync(file).size, ms, cpuMs, reports, maxRssKiB: process.resourceUsage().maxRSS }),
);
