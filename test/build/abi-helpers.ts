// Debian's own ABI check and kdk's, run side by side on two ABI files (shared by the golden and real-build tests).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import { cachedPackagings, debianPackaging } from '../../src/distro/index.js';

export const abiFixtures = join(projectRoot, 'test', 'build', 'fixtures', 'abi');
export const kdk = join(projectRoot, 'bin', 'kdk.js');

export interface CheckAbiResult {
  status: number;
  verdict: string;
  sections: Record<string, string[]>;
}

const HEADLINES: [RegExp, string][] = [
  [/^ABI has changed!/, 'changed'],
  [/^ABI has changed but all changes have been ignored/, 'changed-all-ignored'],
  [/^New symbols have been added but have been ignored/, 'added-all-ignored'],
  [/^New symbols have been added\./, 'added'],
  [/^No ABI changes\./, 'unchanged'],
];

/** bookworm's packaging: the last whose buildcheck.py still has CheckAbi (trixie dropped the ABI check). */
export function checkAbiPackaging(): string {
  const have = (d: string) => existsSync(join(d, 'debian', 'lib', 'python', 'debian_linux', 'abi.py'));
  const cached = cachedPackagings().find((p) => p.version.startsWith('6.1.') && have(p.dir));
  const dir = cached?.dir ?? debianPackaging().dir;
  assert.ok(have(dir), `${dir}: no debian_linux/abi.py`);
  return join(dir, 'debian');
}

/** Debian's CheckAbi on two files: its status, verdict and each section's symbols ("name ignored" marks kept). */
export function debianCheckAbi(oldFile: string, newFile: string, defines?: string): CheckAbiResult {
  const args = [join(abiFixtures, 'debian-checkabi.py'), checkAbiPackaging(), oldFile, newFile];
  const r = spawnSync('python3', defines ? [...args, defines] : args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(r.status === 0 || r.status === 1, `debian-checkabi.py: ${r.stderr}`);
  const sections: Record<string, string[]> = {};
  let verdict = '';
  let current: string[] | undefined;
  for (const line of r.stdout.split('\n')) {
    const h = HEADLINES.find(([re]) => re.test(line));
    if (h) {
      verdict = h[1];
      current = undefined;
      continue;
    }
    const sec = /^(Unversioned|Added|Changed|Removed) symbols:$/.exec(line);
    if (sec) sections[sec[1].toLowerCase()] = current = [];
    else if (!line.trim()) current = undefined;
    else if (current) {
      const m = /^(\S+)\s+(ignored,)?/.exec(line)!;
      current.push(m[2] ? `${m[1]} ignored` : m[1]);
    }
  }
  return { status: r.status!, verdict, sections };
}

export interface KdkDiff {
  verdict: string;
  unversioned: { name: string }[];
  added: { name: string; ignoredBy?: string }[];
  changed: {
    name: string;
    ignoredBy?: string;
    fields: string[];
    reason?: string;
    changedTypes?: { type: string; summary: string }[];
  }[];
  removed: { name: string; ignoredBy?: string }[];
  explanation?: {
    tool: string;
    version?: string;
    steps?: { step: string; seconds: number; cached: boolean }[];
    types: { type: string; summary: string; symbols: number }[];
    explained: number;
    unexplained: number;
  };
}

/** The same comparison from `kdk abi diff --json`, in the shape debianCheckAbi returns. */
export function kdkCheckAbi(oldPath: string, newPath: string, defines?: string): CheckAbiResult & { doc: KdkDiff } {
  const args = [kdk, 'abi', 'diff', oldPath, newPath, '--json', ...(defines ? ['--ignore', defines] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(r.status === 0 || r.status === 1, `kdk abi diff exit ${r.status}: ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as KdkDiff;
  const names = (l: { name: string; ignoredBy?: string }[]) =>
    l.map((c) => (c.ignoredBy ? `${c.name} ignored` : c.name));
  const sections: Record<string, string[]> = {};
  if (doc.unversioned.length) sections.unversioned = names(doc.unversioned);
  for (const k of ['added', 'changed', 'removed'] as const) if (doc[k].length) sections[k] = names(doc[k]);
  return { status: r.status!, verdict: doc.verdict, sections, doc };
}
