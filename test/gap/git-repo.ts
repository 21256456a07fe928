// A small kernel-style git history built with real git for the `gap git` tests: mainline, a stable branch
// with backports, a distro branch with its own patches.
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './tmp.js';
import { execFileSync } from 'node:child_process';

export class Repo {
  readonly dir = tempDir('kdk-gitgap-');
  private t = 1_700_000_000;
  constructor() {
    this.git('init', '-q', '-b', 'master');
  }
  git(...args: string[]): string {
    this.t += 60;
    const date = `${this.t} +0000`;
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
        GIT_AUTHOR_NAME: 'Dev One',
        GIT_AUTHOR_EMAIL: 'dev1@example.org',
        GIT_COMMITTER_NAME: 'Committer',
        GIT_COMMITTER_EMAIL: 'c@example.org',
        GIT_CONFIG_NOSYSTEM: '1',
        HOME: this.dir,
      },
    }).trim();
  }
  /** Append a line to a file and commit; returns the new sha. */
  commit(file: string, line: string, message: string, author = 'Dev One <dev1@example.org>'): string {
    const p = join(this.dir, file);
    let old = '';
    try {
      old = readFileSync(p, 'utf8');
    } catch {
      /* new file */
    }
    writeFileSync(p, old + line + '\n');
    this.git('add', file);
    this.git(
      '-c',
      'user.name=Committer',
      '-c',
      'user.email=c@example.org',
      'commit',
      '-q',
      '--author',
      author,
      '-m',
      message,
    );
    return this.git('rev-parse', 'HEAD');
  }
  cherryPick(sha: string, message: string, author?: string): string {
    this.git('-c', 'user.name=Committer', '-c', 'user.email=c@example.org', 'cherry-pick', sha);
    const args = [
      '-c',
      'user.name=Committer',
      '-c',
      'user.email=c@example.org',
      'commit',
      '-q',
      '--amend',
      '-m',
      message,
    ];
    if (author) args.push('--author', author);
    this.git(...args);
    return this.git('rev-parse', 'HEAD');
  }
}
