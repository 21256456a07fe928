// Debian packages that kdk and its tests need: install them with apt when running as root,
// otherwise say exactly which command would (exit code 3, "environment missing").
import { spawnSync } from 'node:child_process';
import { envError } from './errors.js';

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Installed version of a Debian package, or undefined. */
export function debVersion(pkg: string): string | undefined {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}\t${Version}', pkg], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const [status, version] = r.stdout.split('\t');
  return status?.endsWith('installed') && !status.includes('not-installed') ? version : undefined;
}

export function missingPackages(pkgs: string[]): string[] {
  return pkgs.filter((p) => debVersion(p) === undefined);
}

let updated = false;

function aptGet(args: string[], log: (line: string) => void): boolean {
  log(`kdk: apt-get ${args.join(' ')}`);
  // Another apt or dpkg (a second kdk, unattended-upgrades) holding the lock is waited for, not a failure.
  const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  // stderr is null when apt-get could not be started at all (not on PATH): say that instead of crashing.
  if (r.status !== 0) log((r.stderr ?? String(r.error)).trim().split('\n').slice(-5).join('\n'));
  return r.status === 0;
}

/**
 * Make sure the packages are installed. As root, missing ones are installed (apt-get update first if the
 * package lists are stale); otherwise an environment error names the command to run.
 */
export function ensurePackages(
  pkgs: string[],
  log: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): void {
  const missing = missingPackages(pkgs);
  if (missing.length === 0) return;
  const hint = `apt-get install -y ${missing.join(' ')}`;
  if (!isRoot()) throw envError(`missing Debian packages: ${missing.join(', ')}`, `run as root: ${hint}`);
  const install = ['install', '-y', '-q', '--no-install-recommends', ...missing];
  if (aptGet(install, log)) return;
  if (!updated) {
    updated = true;
    if (aptGet(['update', '-q'], log) && aptGet(install, log)) return;
  }
  throw envError(`could not install Debian packages: ${missing.join(', ')}`, hint);
}

/** For tests: the reason a test must skip when packages are missing and cannot be installed, else undefined. */
export function packagesSkipReason(pkgs: string[]): string | undefined {
  try {
    ensurePackages(pkgs);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
