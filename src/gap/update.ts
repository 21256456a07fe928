// `kdk gap update --from DIR|GIT_URL|TARBALL`: fetch (clone or fast-forward a shallow checkout of the CVE
// team's vulns repository into the cache), index it, and make it the default source for later queries.
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheDir, hashOf } from '../util/cache.js';
import { KdkError, ExitCode } from '../util/errors.js';
import { checkCloneUrl, git as runGit } from '../util/git.js';
import type { Progress } from '../util/progress.js';
import { openIndex, setCurrentSource, type OpenedIndex } from './index-store.js';

async function git(repo: string | undefined, args: string[], what: string): Promise<void> {
  const r = await runGit(repo, args, { timeoutMs: 30 * 60_000 });
  if (r.code !== 0) {
    throw new KdkError(`${what} failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`, {
      exitCode: ExitCode.environment,
      hint: 'check the URL and the network, or give a local checkout with --from DIR',
    });
  }
}

/** A local checkout of `url` in the cache, cloned shallow the first time and fast-forwarded after. */
export async function syncCheckout(url: string, progress?: Progress): Promise<string> {
  checkCloneUrl(url, '--from');
  const dir = join(cacheDir('vulns'), `git-${hashOf(url).slice(0, 16)}`);
  if (existsSync(join(dir, '.git'))) {
    progress?.step(`fetching ${url} into ${dir}`);
    await git(dir, ['fetch', '--depth', '1', 'origin', 'HEAD'], `git fetch ${url}`);
    await git(dir, ['reset', '--hard', 'FETCH_HEAD'], 'git reset');
    return dir;
  }
  progress?.step(`cloning ${url} into ${dir} (shallow)`);
  const tmp = `${dir}.clone-${process.pid}`;
  try {
    await git(undefined, ['clone', '--depth', '1', '--end-of-options', url, tmp], `git clone ${url}`);
    renameSync(tmp, dir); // a clone half-done never sits under the final name
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

export async function updateIndex(from: string, progress?: Progress): Promise<OpenedIndex & { source: string }> {
  const local = resolve(from);
  let src: { vulns?: string; tarball?: string };
  if (existsSync(local)) src = statSync(local).isDirectory() ? { vulns: local } : { tarball: local };
  else if (/^(?:https?|git|ssh|file):\/\/|^[\w.-]+@[\w.-]+:/.test(from) && !from.startsWith('-'))
    src = { vulns: await syncCheckout(from, progress) };
  else
    throw new KdkError(`--from ${from}: neither a local directory or tarball nor a git URL`, {
      exitCode: ExitCode.usage,
    });
  const opened = await openIndex({ ...src, progress });
  setCurrentSource(src);
  return { ...opened, source: src.vulns ?? src.tarball! };
}
