// `kdk repro` on bundles made from the small test kernel: reproduced (bundle's bzImage), built from the
// source tree with the bundle's .config (olddefconfig + make, served by the config-keyed kernel cache),
// a different crash, and no crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianSourceTree } from '../../src/distro/index.js';
import { kdk, lkdtmSource, noQemuWith, smallKernel, tag, tmp } from './fixtures.js';

const kernel = await smallKernel();

function bundle(opts: { title: string; repro: string; withKernel: boolean }): string {
  const dir = join(tmp('kdk-bundle-'), 'bug');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'bug.json'),
    JSON.stringify({
      title: opts.title,
      kernel: { tree: 'debian linux-source-6.1', version: '6.1' },
      compiler: 'gcc (Debian 12.2.0-14) 12.2.0',
      repeat: 1,
    }),
  );
  copyFileSync(kernel.config, join(dir, '.config'));
  writeFileSync(join(dir, 'repro.c'), opts.repro);
  if (opts.withKernel) copyFileSync(kernel.bzImage, join(dir, 'bzImage'));
  return dir;
}

async function repro(dir: string, extra: string[] = []) {
  const t = tag();
  const r = await kdk(['repro', dir, '--append', t, '--json', ...extra]);
  assert.deepEqual(await noQemuWith(t), []);
  const res = JSON.parse(r.stdout || '{}');
  // The tag reached the guest's command line, so the orphan check above looked for the right QEMU.
  for (const run of res.runs ?? []) assert.match(readFileSync(run.consoleLog, 'utf8'), new RegExp(t));
  return { code: r.code, res, stderr: r.stderr };
}

test('a bundle with its bzImage reproduces its crash: verdict reproduced, exit 0', async () => {
  const { code, res, stderr } = await repro(
    bundle({ title: 'WARNING in lkdtm_WARNING', repro: lkdtmSource('WARNING'), withKernel: true }),
  );
  assert.equal(code, 0, stderr);
  assert.equal(res.verdict, 'reproduced');
  assert.equal(res.title, 'WARNING in lkdtm_WARNING');
  assert.equal(res.kernelSource, 'bundle');
});

test("a bundle without a kernel is built from --srctree (default: Debian's tree) with its .config, then reproduced", async () => {
  const dir = bundle({ title: 'kernel BUG in lkdtm_BUG', repro: lkdtmSource('BUG'), withKernel: false });
  const { code, res, stderr } = await repro(dir, ['--srctree', debianSourceTree().dir]);
  assert.equal(code, 0, stderr);
  assert.equal(res.verdict, 'reproduced');
  assert.equal(res.kernelSource, 'built');
  // Without --srctree the kernel is built from Debian's tree, the default of every --srctree (here a cache hit).
  const byDefault = await repro(dir);
  assert.equal(byDefault.code, 0, byDefault.stderr);
  assert.equal(byDefault.res.kernel, res.kernel);
});

test('a bundle whose expected title differs: verdict different crash, with the title seen, exit 1', async () => {
  const { code, res } = await repro(
    bundle({ title: 'KASAN: use-after-free Read in foo', repro: lkdtmSource('WARNING'), withKernel: true }),
  );
  assert.equal(code, 1);
  assert.equal(res.verdict, 'different-crash');
  assert.equal(res.title, 'WARNING in lkdtm_WARNING');
  assert.equal(res.expectedTitle, 'KASAN: use-after-free Read in foo');
});

test('a reproducer that crashes nothing: verdict no crash after N runs, exit 1', async () => {
  const { code, res } = await repro(
    bundle({ title: 'WARNING in lkdtm_WARNING', repro: 'int main(void) { return 0; }\n', withKernel: true }),
  );
  assert.equal(code, 1);
  assert.equal(res.verdict, 'no-crash');
  assert.equal(res.runs.length, 1);
});
