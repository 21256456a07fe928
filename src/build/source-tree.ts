// Which kernel tree `kdk build --flavour DIR` builds on. A flavour from `kdk flavour` names in its manifest the
// tree it was evaluated on: that tree is the default (fetched again when the cache entry is gone), and a
// --srctree of another kernel version is refused, since the .config was evaluated for that one. A directory
// holding only a .config builds on --srctree, or Debian's linux-source-6.1 (or --source-version of it).
import { existsSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inputError } from '../util/errors.js';
import { debianReleaseSourceTree, debianSourceTree, debianSourceTreeAt } from '../distro/index.js';
import { MANIFEST_FILE, readFlavourManifest, treeKernelVersion, type FlavourManifest } from '../flavour/index.js';

export interface BuildTreeRequest {
  flavourDir: string;
  /** --srctree: a tree to build on. */
  srctree?: string;
  /** --source-version: another linux-source-6.1 version from Debian's archive. */
  sourceVersion?: string;
  log: (line: string) => void;
}

export interface BuildTree {
  dir: string;
  /** Why this tree, for the progress line. */
  why: string;
  manifest?: FlavourManifest;
}

const real = (p: string) => (existsSync(p) ? realpathSync(p) : resolve(p));
const series = (v: string | undefined) => /^(\d+\.\d+)/.exec(v ?? '')?.[1];

export function resolveBuildTree(req: BuildTreeRequest): BuildTree {
  if (req.srctree && req.sourceVersion) throw inputError('--srctree and --source-version exclude each other');
  const manifest = readFlavourManifest(req.flavourDir);
  const given = req.srctree ?? (req.sourceVersion ? debianSourceTreeAt(req.sourceVersion, req.log).dir : undefined);
  if (!manifest) {
    if (given) return { dir: given, why: req.srctree ? '--srctree' : `linux-source-6.1 ${req.sourceVersion}` };
    return { dir: debianSourceTree(req.log).dir, why: "Debian's linux-source-6.1 (the directory has no manifest)" };
  }
  const want = manifest.tree;
  if (given) {
    const have = treeKernelVersion(given);
    const sameTree = real(given) === real(want.path);
    // --source-version asks for another update of the same series on purpose; --srctree must be the same kernel.
    const fits =
      sameTree || (req.sourceVersion ? series(have) === series(want.kernelVersion) : have === want.kernelVersion);
    if (!fits) {
      const flag = req.srctree ? `--srctree ${req.srctree}` : `--source-version ${req.sourceVersion}`;
      throw inputError(
        `${flag} is Linux ${have ?? '(unknown version)'}, but this flavour was evaluated on Linux ` +
          `${want.kernelVersion ?? '(unknown version)'} at ${want.path}: build without ${flag.split(' ')[0]} to use ` +
          `that tree, or make the flavour for this tree (kdk flavour --srctree ${given} ...)`,
        join(req.flavourDir, MANIFEST_FILE),
      );
    }
    return {
      dir: given,
      why: sameTree ? 'the flavour tree' : `${req.srctree ? '--srctree' : '--source-version'} (same kernel)`,
      manifest,
    };
  }
  if (existsSync(join(want.path, 'Makefile')))
    return { dir: want.path, why: 'the tree the flavour was evaluated on', manifest };
  if (want.debian) {
    const t = want.debian.release
      ? debianReleaseSourceTree(want.debian.release, want.debian.version, req.log)
      : debianSourceTreeAt(want.debian.version, req.log);
    return { dir: t.dir, why: `linux-source ${want.debian.version} (the flavour's tree, fetched again)`, manifest };
  }
  throw inputError(
    `the tree this flavour was evaluated on (${want.path}) is gone: give --srctree DIR holding Linux ${want.kernelVersion}`,
    join(req.flavourDir, MANIFEST_FILE),
  );
}
