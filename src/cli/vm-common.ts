// What `kdk boot`, `kdk run` and `kdk repro` share: the accelerator choice, numeric flags, and result printing.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { resolveAccel as resolveVmAccel, type AccelVerdict, type GuestArch, type RunResult } from '../vm/index.js';
import { reportToJson } from '../report/index.js';
import { inputError } from '../util/errors.js';
import { DEFAULT_GUEST_ARCH, findArch, guestNames } from '../util/arch.js';
import { say, type CommonOptions } from './common.js';

export interface VmCliOptions extends CommonOptions {
  accel?: string;
  arch?: string;
  timeout?: string;
  silenceTimeout?: string;
  memory?: string;
  append?: string;
  /** --db: the store the result is recorded in. */
  db?: string;
}

export function positiveNumber(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw inputError(`${flag} wants a positive number, got "${value}"`);
  return n;
}

/** --arch as a guest architecture: the Debian or the kernel name (amd64 or x86_64), x86_64 by default. */
export function guestArch(opts: VmCliOptions): GuestArch {
  const a = opts.arch ?? DEFAULT_GUEST_ARCH;
  const guest = findArch(a)?.guest ? findArch(a)!.kernel : undefined;
  if (!guest) throw inputError(`--arch: unknown architecture "${a}" (${guestNames().join(', ')})`);
  return guest as GuestArch;
}

/** The --accel flag checked before any work: auto, kvm or tcg. */
export function accelFlag(opts: VmCliOptions): 'auto' | 'kvm' | 'tcg' {
  const a = opts.accel ?? 'auto';
  if (a !== 'auto' && a !== 'kvm' && a !== 'tcg') throw inputError(`--accel: expected auto, kvm or tcg, got "${a}"`);
  return a;
}

/** --accel kvm|tcg forces; otherwise (auto) the per-host probe decides. */
export async function resolveAccel(
  opts: VmCliOptions,
  kernel: string,
  log: (l: string) => void,
): Promise<AccelVerdict> {
  return resolveVmAccel(accelFlag(opts), kernel, guestArch(opts), log);
}

/** Where a bzImage's vmlinux probably is: beside it, or at the top of the build dir it came from. */
export function guessVmlinux(kernel: string): string {
  const beside = join(dirname(kernel), 'vmlinux');
  const top = join(dirname(kernel), '..', '..', '..', 'vmlinux');
  return existsSync(beside) ? beside : existsSync(top) ? top : 'vmlinux';
}

export function resultJson(r: RunResult): Record<string, unknown> {
  return { ...r, crashes: r.crashes.map(reportToJson) };
}

export function printResult(opts: CommonOptions, r: RunResult, label = ''): void {
  const boot = r.booted ? `userspace after ${r.bootSeconds!.toFixed(1)} s` : 'did not reach userspace';
  say(
    opts,
    `${label}booted: ${r.booted ? 'yes' : 'no'}, ${boot} (${r.accelerator}); verdict: ${r.verdict} (${r.reason})`,
  );
  for (const p of r.programs)
    say(opts, `${label}  program ${p.name}: ${p.status === undefined ? 'did not finish' : `exit ${p.status}`}`);
  for (const c of r.crashes) say(opts, `${label}  crash: ${c.title}`);
  say(opts, `${label}  console log: ${r.consoleLog}`);
}
