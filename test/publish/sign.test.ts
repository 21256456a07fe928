// kdk sign on Debian's stock kernel (a distribution kernel that already carries Debian's signature; kdk's own
// EFI debug kernel is signed and booted in secure-boot.test.ts): Debian's signature is removed, the image signed with a throwaway key and checked by sbverify; a Debian module re-signed with the
// tree's own sign-file and checked by openssl. test/build's plain tinyconfig kernel (no EFI stub)
// gets the Kconfig reasons.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packagesSkipReason } from '../../src/util/deps.js';
import { checkSecureBootConfig, moduleSignedBy } from '../../src/publish/index.js';
import { debianSourceTree } from '../../src/distro/index.js';
import { skipIf } from '../helpers.js';
import { kdk, kernelDebsDir, throwawayCert, tmp } from './fixtures.js';

const skip = skipIf(packagesSkipReason(['linux-image-amd64', 'sbsigntool', 'openssl', 'gcc', 'libssl-dev']));

const stock = () => {
  const v = readdirSync('/boot')
    .filter((n) => n.startsWith('vmlinuz-'))
    .sort()
    .pop()!
    .slice('vmlinuz-'.length);
  return { image: `/boot/vmlinuz-${v}`, config: `/boot/config-${v}`, modules: `/lib/modules/${v}/kernel` };
};

test("kdk sign: Debian's stock kernel and a module re-signed with a throwaway key", { skip }, () => {
  const dir = tmp();
  const k = throwawayCert(dir, 'kdk-throwaway-db');
  const other = throwawayCert(dir, 'someone-else');
  const s = stock();
  const mods = join(dir, 'mods');
  mkdirSync(mods);
  copyFileSync(join(s.modules, 'lib', 'crc7.ko'), join(mods, 'crc7.ko'));
  const r = kdk([
    'sign',
    '--key',
    k.key,
    '--cert',
    k.crt,
    '--kernel',
    s.image,
    '--modules',
    mods,
    '--config',
    s.config,
    '--out',
    join(dir, 'out'),
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  process.stderr.write(`kdk sign (stock kernel + 1 module): ${r.seconds.toFixed(1)} s\n`);
  const res = JSON.parse(r.stdout);
  assert.equal(res.removedSignatures, 1, "Debian's signature was removed");
  assert.equal(spawnSync('sbverify', ['--cert', k.crt, res.kernel]).status, 0, 'sbverify accepts our signature');
  assert.notEqual(spawnSync('sbverify', ['--cert', other.crt, res.kernel]).status, 0, 'and no other certificate');
  assert.notEqual(spawnSync('sbverify', ['--cert', k.crt, s.image]).status, 0, 'the stock image was not ours');
  const signed = join(dir, 'out', 'modules', 'crc7.ko');
  assert.equal(spawnSync('modinfo', ['-F', 'signer', signed], { encoding: 'utf8' }).stdout.trim(), 'kdk-throwaway-db');
  assert.ok(moduleSignedBy(signed, k.crt));
  assert.ok(!moduleSignedBy(signed, other.crt));
  assert.deepEqual(
    res.config.requirements.map((x: { ok: boolean }) => x.ok),
    [true, true, true, true],
  );
  assert.equal(res.config.trust.trusted, undefined, "Debian's build-time module key is not here to compare");
});

test(
  'kdk sign: the tinyconfig kernel is no EFI application, and its config says why with Kconfig reasons',
  { skip },
  () => {
    const dir = tmp();
    const k = throwawayCert(dir, 'kdk-throwaway-db');
    const build = kernelDebsDir(); // the flavour directory test/build builds: build/arch/x86/boot/bzImage
    const r = kdk(['sign', '--key', k.key, '--cert', k.crt, build, '--out', join(dir, 'out')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /no EFI application.*CONFIG_EFI_STUB/);
    const check = checkSecureBootConfig({
      configFile: join(build, '.config'),
      srctree: debianSourceTree().dir,
      cert: k.crt,
    });
    assert.equal(check.ok, false);
    const why = Object.fromEntries(check.requirements.map((x) => [x.symbol, x]));
    // tinyconfig has no EFI and no modules: the engine names the dependency that keeps each off.
    assert.match(why.EFI_STUB.reason!, /EFI=n/);
    assert.match(why.MODULE_SIG.reason!, /MODULES=n/);
    assert.match(why.LOCK_DOWN_IN_EFI_SECURE_BOOT.reason!, /SECURITY_LOCKDOWN_LSM=n/);
    assert.ok(check.requirements.every((x) => !x.ok && x.sticks === false));
  },
);
