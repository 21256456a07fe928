// What `kdk boot`, `kdk run` and `kdk repro` share: the accelerator choice, numeric flags, and result printing.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chooseAccel, type AccelVerdict, type GuestArch, type RunResult } from '../vm/index.js';
import { reportToJson } from '../report/index.js';
import { inputError } from '../util/errors.js';
import { isArchName, kernelArchName } from '../util/arch-names.js';
import { say, type CommonOptions } from './common.js';

export interface VmCliOptions extends CommonOptions {
  accel?: string;
  arch?: string;
  timeout?: string;
  silenceTimeout?: string;
  memory?: string;
  append?: string;
}

export function positiveNumber(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw inputError(`${flag} wants a positive number, got "${value}"`);
  return n;
}

/** The guest architecture from --arch, in the kernel's or Debian's spelling (x86_64 or amd64, arm64). */
export function guestArch(opts: VmCliOptions): GuestArch {
  const given = opts.arch ?? 'x86_64';
  const a = isArchName(given) ? kernelArchName(given) : given;
  if (a !== 'x86_64' && a !== 'arm64')
    throw inputError(`--arch: unsupported guest architecture "${given}" (x86_64/amd64, arm64)`);
  return a;
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
  const a = accelFlag(opts);
  if (a === 'kvm' || a === 'tcg') return { accel: a, reason: 'set by --accel', source: 'forced', host: '' };
  const v = await chooseAccel(kernel, guestArch(opts), log);
  log(`kdk: accelerator: ${v.accel} (${v.source}: ${v.reason})`);
  return v;
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
