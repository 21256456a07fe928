// The content key of a `--vulns` checkout (which index file belongs to it): its git commit when clean, else a
// fingerprint of its record files. Its own file so that a query on a tarball loads no git helpers.
import { gitSync } from '../util/git.js';
import { listFilesFingerprint } from './fingerprint.js';

/**
 * The identity of a checkout: its git commit when clean, else a fingerprint of the record files. Whether it
 * is clean, git can only say by reading changed-looking files through the repository's clean filters
 * (commands its config names, which no `-c` reliably switches off): with any filter driver configured, git
 * is not asked and the fingerprint keys the index (a stat per file: only slower).
 */
export function dirKey(pub: string): string {
  const head = gitSync(pub, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  const filters = gitSync(pub, ['config', '--name-only', '--get-regexp', '^filter\\.']);
  // Exit 1: no such keys. Anything else (a driver, or an unreadable config) keeps git out of it.
  if (head.status === 0 && filters.status === 1 && filters.stdout === '') {
    const changed = gitSync(pub, ['diff-index', '--quiet', '--no-ext-diff', '--no-textconv', 'HEAD', '--', '.']);
    const untracked = gitSync(pub, ['ls-files', '-z', '--others', '--exclude-standard', '--', '.']);
    if (changed.status === 0 && untracked.status === 0 && untracked.stdout === '') return `git:${head.stdout.trim()}`;
  }
  return `files:${listFilesFingerprint(pub)}`;
}
