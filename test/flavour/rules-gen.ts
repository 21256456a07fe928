// Test oracle shared by the bookworm and trixie hierarchy tests: what Debian's gencontrol.py itself wrote into
// debian/rules.gen for every flavour (its KCONFIG file list and BUILD_SALT).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** (arch, featureset, flavour) → KCONFIG and BUILD_SALT as gencontrol.py wrote them into rules.gen. */
export function rulesGen(debianDir: string): Map<string, { kconfig: string[]; salt: string }> {
  const out = new Map<string, { kconfig: string[]; salt: string }>();
  for (const line of readFileSync(join(debianDir, 'rules.gen'), 'utf8').split('\n')) {
    const get = (k: string) => new RegExp(` ${k}='([^']*)'`).exec(line)?.[1];
    const kconfig = get('KCONFIG');
    if (!kconfig) continue;
    const salt = /BUILD_SALT=\\"([^\\]+)\\"/.exec(line)?.[1] ?? '';
    out.set(`${get('ARCH')}/${get('FEATURESET')}/${get('FLAVOUR')}`, { kconfig: kconfig.split(' '), salt });
  }
  return out;
}
