// Where the syzkaller crash corpus lies in the project's ../shared (a file of its own, so that naming it loads
// nothing of the mvp computation).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function sharedSyzkallerCorpus(): string {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return join(root, '..', 'shared', 'corpora', 'syzkaller-report', 'report');
}
