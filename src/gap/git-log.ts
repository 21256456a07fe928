// Streams `git log` output commit by commit (NUL-separated records), so a history of any size is read in
// constant memory: the caller sees one commit at a time and keeps only what it needs.
import { gitSpawn } from '../util/git.js';
import { KdkError, ExitCode } from '../util/errors.js';

export interface LogCommit {
  sha: string;
  author: string;
  subject: string;
  body: string;
}

const FORMAT = '--format=%H%x1f%an <%ae>%x1f%s%x1f%b';

/** Run `git log <revs>` in `repo` and hand each commit to `onCommit`; resolves with the number of commits.
 * `revs` are revisions only (resolved commits, `^commit`): they follow `--end-of-options`. */
export function streamLog(repo: string, revs: string[], onCommit: (c: LogCommit) => void): Promise<number> {
  const args = revs;
  return new Promise((resolve, reject) => {
    const { child, untrack } = gitSpawn(
      repo,
      ['log', '-z', '--no-show-signature', FORMAT, '--end-of-options', ...revs, '--'],
      ['ignore', 'pipe', 'pipe'],
    );
    let rest = '';
    let count = 0;
    let err = '';
    const emit = (rec: string) => {
      const [sha, author, subject, body] = rec.split('\x1f');
      if (!sha) return;
      count++;
      onCommit({ sha: sha.trim(), author, subject, body: body ?? '' });
    };
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\0');
      rest = parts.pop()!;
      for (const p of parts) emit(p);
    });
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', (e) => {
      untrack();
      reject(e);
    });
    child.on('close', (code) => {
      untrack();
      if (rest) emit(rest);
      if (code === 0) resolve(count);
      else
        reject(
          new KdkError(`git log ${args.join(' ')} failed in ${repo}: ${err.trim()}`, { exitCode: ExitCode.usage }),
        );
    });
  });
}
