// Runs every compiled report rule over its adversarial lines and prints the worst time per rule, one JSON
// line each; a child process, so the test can stop a rule that never finishes (a backtracking blow-up
// holds its thread). Usage: node --import tsx test/report/redos-worker.ts [LINE_LENGTH]
import * as compiled from '../../src/report/compiled.js';
import { adversarialInputs, collectRegExps } from './adversarial.js';

const len = Number(process.argv[2] ?? 4096);
const post = (m: object): void => void process.stdout.write(JSON.stringify(m) + '\n');
const seen = new Set<string>();
for (const [name, re] of collectRegExps(compiled as unknown as Record<string, unknown>)) {
  const key = `${re.source}/${re.flags}`;
  if (seen.has(key)) continue;
  seen.add(key);
  const single = new RegExp(re.source, re.flags.replace(/[gy]/g, ''));
  post({ started: name, source: re.source });
  let worst = 0;
  let worstLen = 0;
  for (const input of adversarialInputs(re.source, len)) {
    const t0 = performance.now();
    single.exec(input);
    const ms = performance.now() - t0;
    if (ms > worst) [worst, worstLen] = [ms, input.length];
  }
  post({ done: name, source: re.source, ms: worst, inputLen: worstLen });
}
post({ finished: seen.size });
