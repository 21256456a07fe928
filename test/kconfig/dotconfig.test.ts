// .config lines conf does not expect (test/kconfig/data/dotconfig/<case>/: a small Kconfig and an input.config):
// kdk reads them as scripts/kconfig/confdata.c does — the same warnings, word for word and in the same order,
// and the read carries on — checked against the C `conf --olddefconfig` built from Debian's tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KconfigTree } from '../../src/kconfig/index.js';
import { projectRoot } from '../helpers.js';
import { cConf } from './reference.js';

const casesDir = join(projectRoot, 'test', 'kconfig', 'data', 'dotconfig');

for (const name of readdirSync(casesDir).sort()) {
  test(`dotconfig ${name}: conf's warnings and .config, and no refusal`, () => {
    const dir = join(casesDir, name);
    const text = readFileSync(join(dir, 'input.config'), 'latin1');
    const tree = KconfigTree.load({ srctree: dir, arch: 'x86_64', log: () => {} });
    const read = tree.readConfig({ name: '.config', text, warnings: [] });
    const c = cConf(dir, text, tree.env);
    assert.equal(c.status, 0, `conf failed: ${c.stderr}`);
    const cWarnings = c.stderr.split('\n').filter((l) => l.includes(':warning:'));
    assert.ok(cWarnings.length > 0, 'the case makes conf warn');
    assert.deepEqual(read.warnings, cWarnings);
    assert.equal(tree.writeConfig(), c.config!.toString('latin1'));
  });
}
