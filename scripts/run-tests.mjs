#!/usr/bin/env node
// Runs node's built-in test runner over every *.test.ts file under the given directories.
// (Node 20's --test does not expand globs, so the files are listed here.)
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir, out = []) {
  if (!existsSync(dir)) return out;
  // A test file named directly runs as given.
  if (statSync(dir).isFile()) return dir.endsWith('.test.ts') ? [...out, dir] : out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === 'data' || name === 'node_modules') continue;
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const dirs = process.argv.slice(2);
const files = dirs.flatMap((d) => find(d));
if (files.length === 0) {
  console.error(`no test files under ${dirs.join(', ')}`);
  process.exit(1);
}
// Two test files at a time: most of the run waits on QEMU guests, apt and PostgreSQL rather than on both cores,
// and Node 20 would otherwise run one file at a time here (its default is the core count less one).
// KDK_TEST_CONCURRENCY=1 runs them one by one (a timing-sensitive investigation).
const concurrency = Number(process.env.KDK_TEST_CONCURRENCY ?? 2);
const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files];
const res = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(res.status ?? 1);
