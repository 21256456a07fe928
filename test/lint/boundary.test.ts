// The stage boundary rule in eslint.config.js (run by `npm run lint`, part of `npm test`): checked here on
// code that breaks it, so a config edit that silently turns it off fails a test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { projectRoot } from '../helpers.js';

async function problems(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: projectRoot });
  const [r] = await eslint.lintText(code, { filePath: join(projectRoot, file) });
  return r.messages.filter((m) => /restricted/.test(m.ruleId ?? '')).map((m) => m.message);
}

test("a stage may import a lower stage's index.js and util's files, nothing else", async () => {
  const ok = "import { debianSourceTree } from '../distro/index.js';\nimport { hashOf } from '../util/cache.js';\n";
  assert.deepEqual(await problems('src/kconfig/x.ts', ok + 'export const a = [debianSourceTree, hashOf];\n'), []);
  const internal = "import { debianConfig } from '../distro/debian.js';\nexport const a = debianConfig;\n";
  assert.match((await problems('src/kconfig/x.ts', internal))[0], /use \.\.\/distro\/index\.js/);
  const upward = "import { ARCHES } from '../vm/index.js';\nexport const a = ARCHES;\n";
  assert.match((await problems('src/kconfig/x.ts', upward))[0], /kconfig is below vm/);
  const util = "import { loadTree } from '../kconfig/index.js';\nexport const a = loadTree;\n";
  assert.match((await problems('src/util/x.ts', util))[0], /util is below kconfig/);
});

test('dynamic import() is held to the same rule', async () => {
  const dyn = "export const a = () => import('../flavour/flat.js');\n";
  assert.match((await problems('src/cli/x.ts', dyn))[0], /only through its index\.js/);
  const up = "export const a = () => import('../report/index.js');\n";
  assert.match((await problems('src/kconfig/x.ts', up))[0], /may not import a higher stage/);
});

test('tests are exempt: they may reach into a stage to check its internals', async () => {
  const t = "import { parseConfigLines } from '../../src/kconfig/dotconfig.js';\nexport const a = parseConfigLines;\n";
  assert.deepEqual(await problems('test/kconfig/x.test.ts', t), []);
});
