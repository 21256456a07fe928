// Shared set-up of the vm tests: the real kernels they boot (Debian's stock kernel from apt, the small
// LKDTM/KASAN kernel built once from linux-source-6.1 and cached), the kdk CLI as a child process, and the
// "no QEMU left behind" check. Each test tags its VMs with a unique kernel argument so the check finds
// only its own QEMU processes even when other work runs QEMU on the same machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ensurePackages } from '../../src/util/deps.js';
import { processAlive } from '../../src/util/proc.js';
import { smallTestKernel, type BuiltKernel } from '../../src/build/index.js';
import { projectRoot } from '../helpers.js';

/** Debian's stock kernel (linux-image-amd64), apt-installed when missing. */
export function stockKernel(): string {
  ensurePackages([
    'linux-image-amd64',
    'initramfs-tools',
    'qemu-system-x86',
    'busybox-static',
    'gcc',
    'libc6-dev',
    'bubblewrap',
  ]);
  const names = readdirSync('/boot')
    .filter((n) => n.startsWith('vmlinuz-'))
    .sort();
  if (names.length === 0) throw new Error('linux-image-amd64 is installed but /boot has no vmlinuz-*');
  return join('/boot', names[names.length - 1]);
}

let small: Promise<BuiltKernel> | undefined;
/** The small test kernel (built on first use, ~5 min on 2 cores; cached afterwards). */
export function smallKernel(): Promise<BuiltKernel> {
  ensurePackages(['qemu-system-x86', 'busybox-static', 'gcc', 'libc6-dev', 'gdb']);
  small ??= smallTestKernel((l) => process.stderr.write(l + '\n'));
  return small;
}

export function tmp(prefix = 'kdk-vmtest-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A C file in a fresh temp dir. */
export function cFile(name: string, source: string): string {
  const p = join(tmp(), name);
  writeFileSync(p, source);
  return p;
}

/** A unique kernel argument marking a test's VMs. */
export function tag(): string {
  return `kdk.test=${randomBytes(6).toString('hex')}`;
}

/** PIDs of live (non-zombie) processes whose command line contains `needle`. */
export function liveWith(needle: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (!cmd.includes(needle) || !cmd.includes('qemu-system')) continue;
      if (processAlive(Number(d))) out.push(Number(d));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/** Wait (briefly) until no QEMU carries `needle`; returns the survivors. */
export async function noQemuWith(needle: string, waitMs = 3000): Promise<number[]> {
  const until = Date.now() + waitMs;
  for (;;) {
    const left = liveWith(needle);
    if (left.length === 0 || Date.now() > until) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface KdkRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Run the kdk CLI (the built bin/kdk.js, as users do); `onStderr` sees progress as it comes. */
export function kdk(
  args: string[],
  opts: { onStderr?: (text: string, child: ReturnType<typeof spawn>) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<KdkRun> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'kdk.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      opts.onStderr?.(stderr, child);
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, seconds: (Date.now() - t0) / 1000 }));
  });
}

/** A tiny C program that writes `word` to LKDTM's DIRECT trigger. */
export function lkdtmSource(word: string): string {
  return `#include <fcntl.h>
#include <string.h>
#include <unistd.h>
int main(void) {
  int fd = open("/sys/kernel/debug/provoke-crash/DIRECT", O_WRONLY);
  if (fd < 0) return 2;
  write(fd, "${word}", strlen("${word}"));
  return 0;
}
`;
}
