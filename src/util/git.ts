// Every git call kdk makes goes through here. The trees kdk runs git in (a `--repo` to scan, a `--vulns`
// checkout, a clone of a URL) are strangers' work, and git obeys a repository's own `.git/config`: its
// fsmonitor, hooks, signature checker and diff drivers are commands. So each call switches those off on
// the command line (a `-c` beats every config file), refs are resolved with `rev-parse --verify` behind
// `--end-of-options` before any other command sees them, and nothing a user typed can become an option.
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { inputError } from './errors.js';
import { run, trackChild, type RunOptions, type RunResult } from './proc.js';

/** Settings that would run a command (or change what history kdk reads), forced off. */
export const GIT_HARDENING: readonly string[] = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'core.pager=cat',
  'core.askPass=',
  'credential.helper=',
  'log.showSignature=false',
  'gpg.program=false',
  'gpg.ssh.program=false',
  'gpg.x509.program=false',
  'diff.external=',
  // A bare repository hidden inside a handed-over tree is never picked up by discovery.
  'safe.bareRepository=explicit',
  // Clones: the transports kdk's URLs use; `ext::` (a command) and any other helper never.
  'protocol.allow=never',
  'protocol.https.allow=always',
  'protocol.http.allow=always',
  'protocol.git.allow=always',
  'protocol.ssh.allow=always',
  'protocol.file.allow=always',
].flatMap((kv) => ['-c', kv]);

/** What git reads from the environment: no prompts, and no replace refs rewriting the history kdk reads. */
function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_NO_REPLACE_OBJECTS: '1', GIT_OPTIONAL_LOCKS: '0' };
}

/** The full argument list: `-C repo` (when given), the hardening, then the command's own arguments. */
export function gitArgs(repo: string | undefined, args: string[]): string[] {
  return [...(repo === undefined ? [] : ['-C', repo]), ...GIT_HARDENING, ...args];
}

/** Run git to completion (output collected); see proc.run for the options. */
export function git(repo: string | undefined, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run('git', gitArgs(repo, args), { ...opts, env: { ...gitEnv(), ...opts.env } });
}

export function gitSync(
  repo: string | undefined,
  args: string[],
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('git', gitArgs(repo, args), { encoding: 'utf8', env: gitEnv(), maxBuffer: 64 << 20 });
  return { status: r.error ? null : r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? r.error?.message ?? '' };
}

/** Start git as a streaming child in its own process group (killed with kdk); the caller untracks it. */
export function gitSpawn(
  repo: string,
  args: string[],
  stdio: StdioOptions,
): { child: ChildProcess; untrack: () => void } {
  const child = spawn('git', gitArgs(repo, args), { stdio, detached: true, env: gitEnv() });
  const untrack = child.pid ? trackChild(child.pid) : () => false;
  return { child, untrack };
}

/** A revision a user named (`--branch`, `--upstream`...) that cannot be read as an option. */
export function checkRevision(rev: string, flag: string): void {
  if (rev === '' || rev.startsWith('-') || /[\x00-\x20\x7f]/.test(rev)) {
    throw inputError(`${flag} ${JSON.stringify(rev)}: not a branch, tag or commit name`);
  }
}

/**
 * The commit a revision names, as a full hash (what every later git call then gets), or an input error
 * (exit 2) naming the flag. The revision is checked first and comes after `--end-of-options`.
 */
export function resolveCommit(repo: string, rev: string, flag: string): string {
  checkRevision(rev, flag);
  const r = gitSync(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
  const sha = r.stdout.trim();
  if (r.status !== 0 || !/^[0-9a-f]{40,64}$/.test(sha)) {
    throw inputError(`${flag} ${rev}: no such branch or commit in ${repo}`);
  }
  return sha;
}

/** A URL to clone: a known transport, and never something git would read as an option. */
export function checkCloneUrl(url: string, flag: string): void {
  if (url.startsWith('-') || !/^(?:https?|git|ssh|file):\/\/[^\s]+$|^[\w.-]+@[\w.-]+:[^\s]+$/.test(url)) {
    throw inputError(
      `${flag} ${JSON.stringify(url)}: not a git URL (https://, http://, git://, ssh://, file:// or user@host:path)`,
    );
  }
}
