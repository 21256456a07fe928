// merge_config.sh -m's text merge (before evaluation) against the real script: the data-driven cases under
// data/merge/ (each a base.config and fragments 1.config, 2.config... applied in order) hold its corner cases
// (sed's substring deletion, grep -w's word gate), and Debian's own amd64 hierarchy (~10k lines) checks it at
// full size, there also evaluated and compared with merge_config.sh -m + make olddefconfig.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import { mergeConfigs, mergeTexts } from '../../src/kconfig/index.js';
import { debianConfigFiles } from '../../src/flavour/index.js';
import { debianPackaging } from '../../src/distro/index.js';
import { cMergeConfig, cOlddefconfig, kernelTree } from './reference.js';

const casesDir = join(projectRoot, 'test', 'kconfig', 'data', 'merge');

function kdkMergeText(base: string, fragments: string[]): Buffer {
  const read = (f: string) => ({ name: f, text: readFileSync(f, 'latin1') });
  return Buffer.from(mergeTexts(read(base).text, fragments.map(read)), 'latin1');
}

for (const name of readdirSync(casesDir).sort()) {
  test(`merge text, case ${name}: same bytes as merge_config.sh -m`, () => {
    const dir = join(casesDir, name);
    const frags = readdirSync(dir)
      .filter((f) => /^\d+\.config$/.test(f))
      .sort((a, b) => parseInt(a) - parseInt(b))
      .map((f) => join(dir, f));
    assert.ok(frags.length > 0, `${dir} holds fragments`);
    const base = join(dir, 'base.config');
    assert.ok(kdkMergeText(base, frags).equals(cMergeConfig(base, frags)));
  });
}

test("Debian's amd64 hierarchy + profiles/debug.config: merged and evaluated like merge_config.sh -m + make olddefconfig", () => {
  const pkg = debianPackaging({ log: (l) => process.stderr.write(l + '\n') });
  const id = { arch: 'amd64', featureset: 'none', flavour: 'amd64' };
  const [base, ...rest] = debianConfigFiles(join(pkg.dir, 'debian'), id).files;
  const fragments = [...rest, join(projectRoot, 'profiles', 'debug.config')];
  assert.ok(fragments.length >= 3, 'the hierarchy has several levels');
  const merged = cMergeConfig(base, fragments);
  assert.ok(kdkMergeText(base, fragments).equals(merged), 'merged text');
  const res = mergeConfigs({ srctree: kernelTree().dir, arch: 'x86_64', base, fragments, log: () => {} });
  assert.ok(Buffer.from(res.config, 'latin1').equals(cOlddefconfig({ arch: 'x86_64' }, merged)), 'evaluated .config');
  assert.ok(res.report.some((e) => e.symbol === 'KCSAN' && e.reason.kind === 'unmet-dependency'));
});
