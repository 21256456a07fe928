// What `kdk config merge` merges when given nothing: Debian's shipped config for this machine's architecture on
// Debian's linux-source tree, plus a debug profile (the flavour default, syzbot) written out as a config fragment.
// Profile options the tree's kernel no longer has (declared `removed` in the profile data) are left out, so the
// default run reports only what really did not stick.
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { cacheDir, hashOf } from '../util/cache.js';
import { hostArch } from '../util/arch.js';
import { debianConfig, debianSourceTree } from '../distro/index.js';
import { formatEntry } from '../kconfig/index.js';
import { composeProfiles, removedFrom } from './profiles.js';
import { treeKernelVersion } from './tree-symbols.js';

export const DEFAULT_MERGE_PROFILE = 'syzbot';

export interface DefaultMerge {
  srctree: string;
  arch: string;
  base: string;
  /** The profile as a fragment file (in the cache, keyed by its content). */
  fragments: string[];
  /** One line saying what is merged, for progress. */
  description: string;
}

export function defaultMergeInputs(log: (l: string) => void, profile = DEFAULT_MERGE_PROFILE): DefaultMerge {
  const arch = hostArch();
  const tree = debianSourceTree(log);
  const kernel = treeKernelVersion(tree.dir);
  const composed = composeProfiles([profile]);
  const options = composed.options.filter((o) => !removedFrom(o, kernel));
  const text =
    `# kdk profile ${composed.profiles.join('+')} as a config fragment (for Linux ${kernel})\n` +
    options.map((o) => formatEntry(o.symbol, o.value)).join('\n') +
    '\n';
  const fragment = join(cacheDir('kconfig'), `profile-${profile}-${hashOf(text).slice(0, 16)}.config`);
  writeFileAtomic(fragment, text);
  return {
    srctree: tree.dir,
    arch: arch.kernel,
    base: debianConfig(arch.debian).path,
    fragments: [fragment],
    description: `the ${profile} profile into Debian's ${arch.debian} config on Debian's linux-source ${tree.version}`,
  };
}
