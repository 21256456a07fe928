// `kdk worker --distccd`: the worker also serves compiles to `kdk build --distcc` on other machines. distccd
// runs in the foreground as the worker's child, started through setpriv's pdeathsig so it ends with the worker.
import { ensurePackages } from '../util/deps.js';
import { spawnTracked, type TrackedChild } from '../util/proc.js';
import { DISTCC_PACKAGES } from '../build/index.js';

export interface DistccdOptions {
  /** Clients allowed to compile here (distccd --allow: IP[/BITS]). */
  allow: string;
  /** Address to listen on (default all). */
  listen?: string;
  port?: number;
  /** Where distccd serves its statistics over HTTP (dcc_compile_ok ...); absent: no statistics. */
  statsPort?: number;
  jobs?: number;
}

export function startDistccd(o: DistccdOptions, log: (l: string) => void): TrackedChild {
  ensurePackages(DISTCC_PACKAGES, log);
  const args = ['--no-detach', '--daemon', '--log-stderr', '--allow', o.allow, '--port', String(o.port ?? 3632)];
  if (o.listen) args.push('--listen', o.listen);
  if (o.jobs) args.push('--jobs', String(o.jobs));
  if (o.statsPort) args.push('--stats', '--stats-port', String(o.statsPort));
  // distccd refuses to run as root unless told which user to compile as.
  if (process.getuid?.() === 0) args.push('--user', 'nobody');
  const d = spawnTracked('distccd', args, { dieWithParent: true });
  d.child.stderr?.on('data', () => undefined);
  d.child.stdout?.on('data', () => undefined);
  log(`kdk: distccd serving ${o.allow} on port ${o.port ?? 3632}`);
  return d;
}
