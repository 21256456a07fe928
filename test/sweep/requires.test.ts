// A bundle's `requires` checked by kdk's Kconfig engine on Debian's real tree and shipped amd64 config. The
// module-bad-shndx bundle needs a kernel that loads a module without symbol versions: MODVERSIONS off, or
// MODULE_FORCE_LOAD. Debian's config has both MODVERSIONS and MODULE_FORCE_LOAD=y, so it applies there; the same
// config with force-loading turned off has neither way in, and the answer names both alternatives with the
// engine's reasons.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RequirementChecker } from '../../src/sweep/index.js';
import { debianConfig, debianSourceTree } from '../../src/distro/index.js';
import { DEFAULT_GUEST_ARCH } from '../../src/util/arch.js';
import { tmp } from '../vm/fixtures.js';

const log = (l: string) => process.stderr.write(l + '\n');
const bundle = JSON.parse(
  readFileSync(join(import.meta.dirname, 'data', 'bugs', 'module-bad-shndx', 'bug.json'), 'utf8'),
) as { requires: string[] };
const either = bundle.requires.find((r) => r.includes('||'));

test("alternatives in requires: either way in suffices, and none open names both (Debian's amd64 config)", () => {
  assert.equal(either, 'CONFIG_MODVERSIONS=n || CONFIG_MODULE_FORCE_LOAD');
  const tree = debianSourceTree(log).dir;
  const shipped = debianConfig('amd64').path;
  const text = readFileSync(shipped, 'latin1');
  // Ground truth for what the engine must read: the shipped file's own lines.
  assert.match(text, /^CONFIG_MODVERSIONS=y$/m);
  assert.match(text, /^CONFIG_MODULE_FORCE_LOAD=y$/m);
  const check = (config: string) =>
    new RequirementChecker({ srcTree: () => tree, arch: DEFAULT_GUEST_ARCH, config, log }).missing(bundle.requires);
  assert.deepEqual(check(shipped), [], 'MODULE_FORCE_LOAD=y is one way in');

  const noForce = join(tmp('kdk-requires-'), 'config');
  writeFileSync(noForce, text.replace(/^CONFIG_MODULE_FORCE_LOAD=y$/m, '# CONFIG_MODULE_FORCE_LOAD is not set'));
  const missing = check(noForce);
  assert.equal(missing.length, 1, JSON.stringify(missing));
  const [m] = missing;
  assert.equal(m.option, either);
  assert.equal(m.value, 'MODVERSIONS=y, MODULE_FORCE_LOAD=n');
  assert.ok(m.why.some((w) => w.startsWith('MODVERSIONS: ')) || m.toChange.some((w) => w.startsWith('MODVERSIONS: ')));
  assert.ok(
    m.toChange.some((w) => w.startsWith('MODULE_FORCE_LOAD: ')),
    JSON.stringify(m),
  );
});
