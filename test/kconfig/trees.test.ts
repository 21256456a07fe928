// Small Kconfig trees (test/kconfig/data/trees/<case>/) that each exercise one part of the language —
// macros, choices, select/imply, numbers and ranges, menus, modules — evaluated by kdk and by the C
// `conf --olddefconfig` built from the same kernel tree: the .config bytes and the $(info) output must match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kconfig, parseConfigText } from '../../src/kconfig/index.js';
import { projectRoot } from '../helpers.js';
import { cConf } from './reference.js';

const treesDir = join(projectRoot, 'test', 'kconfig', 'data', 'trees');
const testEnv = { KDK_TEST_ENV: 'envvalue', KDK_TEST_SUB: 'subdir' };

for (const name of readdirSync(treesDir).sort()) {
  test(`tree ${name}: same .config and $(info) output as the C conf`, () => {
    Object.assign(process.env, testEnv);
    const dir = join(treesDir, name);
    const input = readFileSync(join(dir, 'input.config'), 'latin1');
    const info: string[] = [];
    const tree = Kconfig.load({ srctree: dir, arch: 'x86_64', log: () => {}, onInfo: (t) => info.push(t) });
    tree.evaluate(parseConfigText(input, '.config'));
    const mine = tree.writeConfig();
    const c = cConf(dir, input, { ...tree.env, ...testEnv });
    assert.equal(c.status, 0, `conf failed: ${c.stderr}`);
    assert.equal(mine, c.config!.toString('latin1'));
    assert.deepEqual(
      info,
      c.stdout.split('\n').filter((l) => l !== ''),
    );
  });
}
