// Which flavour stands for each architecture: Debian's `default-flavour` from its defines, else the first
// flavour its hierarchy lists (armel and mips64el name none).
import { join } from 'node:path';
import { definesGet, listDebianFlavours, readDefines } from '../flavour/index.js';

export function defaultFlavours(debianDir: string, archs: string[]): Record<string, string> {
  const all = listDebianFlavours(debianDir);
  const out: Record<string, string> = {};
  for (const a of archs) {
    const explicit =
      definesGet(readDefines(join(debianDir, 'config', a, 'none', 'defines')), 'base', 'default-flavour') ??
      definesGet(readDefines(join(debianDir, 'config', a, 'defines')), 'base', 'default-flavour');
    const first = all.find((f) => f.arch === a && f.featureset === 'none')?.flavour;
    const pick = explicit?.raw ?? first;
    if (pick) out[a] = pick;
  }
  return out;
}
