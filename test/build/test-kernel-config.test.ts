// The test kernel's options (profiles/test-kernel.json) on tinyconfig, configured two ways without building:
// by the kernel's own C conf (`make olddefconfig`, the ground truth smallTestKernel uses) and by kdk's Kconfig
// engine. Both must keep every option, agree on the whole .config, and give what Secure Boot needs (kdk sign's
// config check: EFI stub, module signatures, lockdown in Secure Boot, a trusted keyring).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debianSourceTree } from '../../src/distro/index.js';
import { testKernelOptions } from '../../src/build/index.js';
import { olddefconfig } from '../../src/kconfig/index.js';
import { checkSecureBootConfig } from '../../src/publish/index.js';

const lines = (text: string) => text.split('\n').filter((l) => l.startsWith('CONFIG_') || l.startsWith('# CONFIG_'));

test("the test kernel's options stick through C conf and kdk's Kconfig engine alike, with what Secure Boot needs", () => {
  const tree = debianSourceTree();
  const dir = mkdtempSync(join(tmpdir(), 'kdk-tkcfg-'));
  try {
    const make = (target: string) => {
      const r = spawnSync('make', ['-s', '-C', tree.dir, `O=${dir}`, 'ARCH=x86_64', target], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    };
    make('tinyconfig');
    const options = testKernelOptions();
    appendFileSync(join(dir, '.config'), options.join('\n') + '\n');
    writeFileSync(join(dir, 'input.config'), readFileSync(join(dir, '.config')));
    make('olddefconfig');
    const c = readFileSync(join(dir, '.config'), 'latin1');
    const kdk = olddefconfig({
      srctree: tree.dir,
      arch: 'x86_64',
      in: join(dir, 'input.config'),
      out: join(dir, 'kdk.config'),
      log: () => {},
    }).config;
    for (const o of options) {
      assert.ok(c.split('\n').includes(o), `C conf keeps ${o}`);
      assert.ok(kdk.split('\n').includes(o), `kdk's engine keeps ${o}`);
    }
    assert.deepEqual(lines(kdk), lines(c), "kdk's engine writes the .config C conf writes");
    writeFileSync(join(dir, 'crt.pem'), '');
    const check = checkSecureBootConfig({
      configFile: join(dir, 'kdk.config'),
      srctree: tree.dir,
      cert: join(dir, 'crt.pem'),
    });
    assert.deepEqual(
      check.requirements.filter((r) => !r.ok).map((r) => r.symbol),
      [],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
