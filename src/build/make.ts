// The one way kdk runs make: through bash with the shell's `times` appended (so the children's CPU time can be
// read back), output fed line by line to the caller (progress), a time limit, and bounded captured output.
import { run } from '../util/proc.js';

export interface MakeResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** CPU seconds of make and its children (user + system). */
  cpu: number;
  /** stdout and stderr, without the `times` lines. */
  output: string;
  stdout: string;
  stderr: string;
}

export interface MakeOptions {
  env?: NodeJS.ProcessEnv;
  onLine?: (line: string) => void;
  timeoutMs?: number;
  maxBuffer?: number;
}

export async function runMake(args: string[], opts: MakeOptions = {}): Promise<MakeResult> {
  let buf = '';
  // --norc: node's 'pipe' stdio is a socketpair, and bash run with `-c` whose stdin is a socket at shell level
  // < 2 (SHLVL unset or 0, as under nohup or a service) takes itself for an rshd/sshd session and sources
  // ~/.bashrc (shell.c, run_startup_files). A ~/.bashrc that puts rustup's ~/.cargo/bin first then changed which
  // rustc the tree's rust_is_available.sh found: RUST_IS_AVAILABLE=n only when kdk was started that way.
  const r = await run('bash', ['--norc', '-c', 'make "$@"; rc=$?; times >&2; exit $rc', 'make', ...args], {
    env: opts.env,
    timeoutMs: opts.timeoutMs,
    maxBuffer: opts.maxBuffer,
    onStdout: (c) => {
      if (!opts.onLine) return;
      buf += c.toString('utf8');
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      lines.forEach(opts.onLine);
    },
  });
  const t = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(r.stderr.trim());
  const cpu = t ? Number(t[1]) * 60 + Number(t[2]) + Number(t[3]) * 60 + Number(t[4]) : 0;
  const stderr = r.stderr.replace(/\n?[^\n]*\n[^\n]*\n?$/, '');
  return {
    code: r.code,
    signal: r.signal,
    timedOut: r.timedOut,
    cpu,
    stdout: r.stdout,
    stderr,
    output: r.stdout + '\n' + stderr,
  };
}
