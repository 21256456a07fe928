// A kernel tree with patches applied (or reverted, `patch -R`): a hard-linked copy of a cached tree (seconds, no
// second gigabyte), each file a patch touches copied first so the original tree never changes, then GNU patch.
// Cached by the base tree, the patches' bytes and the direction, so the same set of reverted fixes is one tree
// (and one kernel-cache key) on every run. Used to build a kernel that lacks given stable fixes.
import { copyFileSync, existsSync, readFileSync, realpathSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cacheDir, hashOf } from '../util/cache.js';
import { populateDirAtomic, tempPathFor } from '../util/atomic.js';
import { KdkError, ExitCode, inputError } from '../util/errors.js';
import type { SourceTree } from './debian.js';

/** The files a unified diff changes (its `+++ b/path` lines), refused when they leave the tree. */
export function patchedFiles(diff: string, file: string): string[] {
  const out: string[] = [];
  for (const m of diff.matchAll(/^\+\+\+ b\/(\S+)/gm)) {
    const p = m[1];
    if (p.split('/').some((c) => c === '..' || c === '') || p.startsWith('/'))
      throw inputError(`patch names a path outside the tree: ${p}`, file);
    out.push(p);
  }
  if (out.length === 0) throw inputError('not a unified diff with a/ b/ paths (no +++ b/ line)', file);
  return out;
}

/** Break the hard link of `path` (copy beside, then rename over), so patching it leaves the base tree alone. */
function ownCopy(path: string): void {
  const tmp = tempPathFor(path);
  copyFileSync(path, tmp);
  renameSync(tmp, path);
}

export function patchedTree(base: SourceTree, patches: string[], opts: { reverse: boolean }): SourceTree {
  const texts = patches.map((p) => readFileSync(p));
  const key = hashOf('patched-tree-v1', realpathSync(base.dir), opts.reverse ? 'R' : 'F', ...texts).slice(0, 16);
  const dir = join(cacheDir('trees'), `${basename(base.dir)}_${base.version}_patched-${key}`);
  const top = join(dir, basename(base.dir));
  const version = `${base.version}+${opts.reverse ? 'reverted' : 'patched'}-${key.slice(0, 8)}`;
  if (existsSync(join(top, 'Makefile'))) return { dir: top, version };
  populateDirAtomic(dir, (tmp) => {
    const copy = spawnSync('cp', ['-al', base.dir, join(tmp, basename(base.dir))], { encoding: 'utf8' });
    if (copy.status !== 0) throw new KdkError(`cp -al ${base.dir} failed: ${copy.stderr}`);
    patches.forEach((p, i) => {
      for (const f of patchedFiles(texts[i].toString('utf8'), p)) {
        const target = join(tmp, basename(base.dir), f);
        if (!existsSync(target)) throw inputError(`patch changes ${f}, which the tree does not have`, p);
        ownCopy(target);
      }
      const args = [
        '-p1',
        '--forward',
        '--batch',
        '--no-backup-if-mismatch',
        '-s',
        '-d',
        join(tmp, basename(base.dir)),
      ];
      const r = spawnSync('patch', [...(opts.reverse ? ['-R'] : []), ...args, '-i', p], { encoding: 'utf8' });
      if (r.status !== 0)
        throw new KdkError(
          `patch ${opts.reverse ? '-R ' : ''}${p} does not apply to ${base.dir}: ${r.stdout}${r.stderr}`,
          {
            exitCode: ExitCode.usage,
          },
        );
    });
  });
  return { dir: top, version };
}
