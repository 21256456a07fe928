// Bring a bundle's .config up to date with the tree being built (every new symbol at its default), with kdk's
// own Kconfig engine (src/kconfig) rather than the tree's C `conf`: one call, its warnings logged.
import { join } from 'node:path';
import { olddefconfig as kconfigOlddefconfig } from '../kconfig/index.js';

export async function olddefconfig(srcTree: string, outDir: string, log: (l: string) => void): Promise<void> {
  const config = join(outDir, '.config');
  const res = kconfigOlddefconfig({ srctree: srcTree, arch: 'x86_64', in: config, out: config, log });
  for (const w of res.warnings.slice(0, 20)) log(`kdk: olddefconfig: ${w}`);
}
