// Secure Boot end to end in QEMU (TCG) with Debian's OVMF: a variable store with a throwaway PK/KEK/db enrolled
// and Secure Boot on (trixie's virt-fw-vars: bookworm's efitools UpdateVars.efi cannot parse its arguments, and
// the UEFI shell of Debian's secboot OVMF is itself refused under Secure Boot). The kernel is kdk's own debug
// kernel, the small test kernel every test shares (KASAN, KCOV, LKDTM; an EFI stub, MODULE_SIG, lockdown in
// Secure Boot, lib/crc7.ko as a module): signed by kdk sign it boots locked down; unsigned the firmware refuses
// it; under lockdown the running kernel refuses the unsigned module while the one its build signed and the one
// kdk sign signed with the db key (the firmware's db, Debian's platform-keyring check) load. Two boots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { randomUUID } from 'node:crypto';
import { packagesSkipReason } from '../../src/util/deps.js';
import { cacheDir } from '../../src/util/cache.js';
import { privateApt, aptBinaryVersions, aptDownload } from '../../src/distro/index.js';
import { buildInitramfs, newcArchive } from '../../src/image/index.js';
import { findModules, unsignedModule } from '../../src/publish/index.js';
import { smallTestKernel } from '../../src/build/index.js';
import { skipIf } from '../helpers.js';
import { kdk, throwawayCert, tmp } from './fixtures.js';

const PKGS = [
  'ovmf',
  'mtools',
  'qemu-system-x86',
  'sbsigntool',
  'busybox-static',
  'python3-cryptography',
  'python3-pefile',
  'python3-importlib-resources',
];
const skip = skipIf(packagesSkipReason(PKGS));

/** trixie's python3-virt-firmware, downloaded through kdk's private trixie apt state and unpacked (not installed). */
function virtFwVars(): string[] {
  const apt = privateApt('trixie');
  const v = aptBinaryVersions('python3-virt-firmware', apt)[0];
  const dl = aptDownload('python3-virt-firmware', v, join(cacheDir('debian'), 'downloads'), apt);
  assert.ok(dl.deb, dl.error);
  const dir = join(cacheDir('debian'), `python3-virt-firmware_${v}`);
  if (!existsSync(dir)) assert.equal(spawnSync('dpkg-deb', ['-x', dl.deb!, dir]).status, 0);
  return [
    'env',
    `PYTHONPATH=${join(dir, 'usr/lib/python3/dist-packages')}`,
    '/usr/bin/python3',
    '-c',
    'import sys; from virt.firmware.vars import main; sys.argv[0] = "virt-fw-vars"; main()',
  ];
}

function run(cmd: string[], what: string) {
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8' });
  assert.equal(r.status, 0, `${what}: ${r.stderr}`);
}

/** Boot OVMF with `vars` and an ESP holding the kernel and initrd; resolves with the console when QEMU ends. */
function boot(
  dir: string,
  name: string,
  kernel: string,
  initrd: string,
  vars: string,
  stopOn?: RegExp,
): Promise<{ log: string; seconds: number }> {
  const esp = join(dir, `${name}.esp`);
  run(['mformat', '-C', '-i', esp, '-T', '262144', '-h', '2', '-s', '32', '::'], 'mformat');
  copyFileSync(kernel, join(dir, 'vmlinuz.efi'));
  copyFileSync(initrd, join(dir, 'initrd.img'));
  run(['mcopy', '-i', esp, join(dir, 'vmlinuz.efi'), join(dir, 'initrd.img'), '::'], 'mcopy');
  const v = join(dir, `${name}.vars`);
  copyFileSync(vars, v);
  const log = join(dir, `${name}.log`);
  const t0 = Date.now();
  const q = spawn(
    'qemu-system-x86_64',
    [
      '-machine',
      'q35,smm=on,accel=tcg',
      '-global',
      'driver=cfi.pflash01,property=secure,value=on',
      '-drive',
      'if=pflash,format=raw,unit=0,file=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd,readonly=on',
      '-drive',
      `if=pflash,format=raw,unit=1,file=${v}`,
      '-drive',
      `file=${esp},format=raw,if=virtio`,
      '-m',
      '1024',
      '-display',
      'none',
      '-serial',
      `file:${log}`,
      '-monitor',
      'none',
      '-net',
      'none',
      '-no-reboot',
    ],
    { stdio: 'ignore' },
  );
  const read = () => (existsSync(log) ? readFileSync(log, 'latin1') : '');
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if ((stopOn && stopOn.test(read())) || Date.now() - t0 > 240_000) q.kill('SIGKILL');
    }, 500);
    q.on('exit', () => {
      clearInterval(timer);
      resolve({ log: read(), seconds: (Date.now() - t0) / 1000 });
    });
  });
}

test(
  'Secure Boot in OVMF: the kdk-signed debug kernel boots locked down, unsigned it is refused, an unsigned module too',
  { skip },
  async () => {
    const dir = tmp('kdk-sb-');
    const pk = throwawayCert(dir, 'kdk-throwaway-pk');
    const db = throwawayCert(dir, 'kdk-throwaway-db');
    const kernel = await smallTestKernel((l) => process.stderr.write(l + '\n'));
    const crc7 = findModules(kernel.modulesDir!).find((m) => m.endsWith('/crc7.ko'))!;
    assert.ok(crc7, `the test kernel's modules hold lib/crc7.ko: ${kernel.modulesDir}`);
    const s = kdk([
      'sign',
      '--key',
      db.key,
      '--cert',
      db.crt,
      '--kernel',
      kernel.bzImage,
      '--modules',
      kernel.modulesDir!,
      '--config',
      kernel.config,
      '--out',
      join(dir, 'out'),
      '--json',
    ]);
    assert.equal(s.code, 0, s.stderr);
    const res = JSON.parse(s.stdout);
    // The config check (kdk's Kconfig engine) finds everything Secure Boot needs in the debug kernel's config.
    assert.deepEqual(
      res.config.requirements.filter((r: { ok: boolean }) => !r.ok),
      [],
    );
    const signed = res.kernel as string;
    const ours = join(dir, 'out', 'modules', relative(kernel.modulesDir!, crc7));
    const unsigned = join(dir, 'unsigned.efi');
    copyFileSync(signed, unsigned);
    run(['sbattach', '--remove', unsigned], 'sbattach');

    const g = randomUUID();
    const vars = join(dir, 'sb.vars');
    run(
      [
        ...virtFwVars(),
        '--input',
        '/usr/share/OVMF/OVMF_VARS_4M.fd',
        '--set-pk',
        g,
        pk.crt,
        '--add-kek',
        g,
        pk.crt,
        '--add-db',
        g,
        db.crt,
        '--sb',
        '--append-boot-filepath',
        '\\vmlinuz.efi console=ttyS0\tpanic=-1\tinitrd=\\initrd.img',
        '--output',
        vars,
      ],
      'virt-fw-vars',
    );

    // The guest tries three modules: crc7 as its build signed it (the kernel's own key), the same stripped of its
    // signature, and the one kdk sign signed with the db key.
    const script = join(dir, 'modtest.sh');
    writeFileSync(
      script,
      '#!/bin/sh\nfor m in build unsigned ours; do insmod /kdk/mods/$m.ko; echo "kdk-insmod $m $?"; rmmod crc7 2>/dev/null; done\n',
    );
    spawnSync('chmod', ['755', script]);
    const mods = newcArchive([
      { kind: 'dir', path: 'kdk/mods' },
      { kind: 'file', path: 'kdk/mods/build.ko', data: readFileSync(crc7) },
      { kind: 'file', path: 'kdk/mods/unsigned.ko', data: unsignedModule(crc7) },
      { kind: 'file', path: 'kdk/mods/ours.ko', data: readFileSync(ours) },
    ]);
    const initrd = join(dir, 'initrd.cpio');
    // The kernel unpacks concatenated cpio archives in turn: kdk's initramfs, then the modules.
    writeFileSync(initrd, Buffer.concat([readFileSync(buildInitramfs([{ name: 'modtest', path: script }])), mods]));

    const ok = await boot(dir, 'signed', signed, initrd, vars);
    process.stderr.write(`OVMF Secure Boot, signed debug kernel to userspace and back: ${ok.seconds.toFixed(1)} s\n`);
    assert.match(ok.log, /EFI stub: UEFI Secure Boot is enabled/);
    assert.match(ok.log, /Kernel is locked down from EFI Secure Boot/);
    assert.match(ok.log, /KernelAddressSanitizer initialized/, 'it is the debug kernel');
    assert.match(ok.log, /kdk-insmod build 0/, ok.log.slice(-3000));
    assert.match(ok.log, /kdk-insmod unsigned [1-9]/);
    assert.match(ok.log, /Lockdown: insmod: unsigned module loading is restricted/);
    // Debian's tree also checks modules against the firmware's db (the platform keyring): ours loads.
    assert.match(ok.log, /integrity: Loaded X\.509 cert 'kdk-throwaway-db/);
    assert.match(ok.log, /kdk-insmod ours 0/);

    const bad = await boot(dir, 'unsigned', unsigned, initrd, vars, /Access Denied|Security Violation/);
    process.stderr.write(`OVMF Secure Boot, unsigned kernel refused after ${bad.seconds.toFixed(1)} s\n`);
    assert.match(bad.log, /failed to load Boot0000 .*vmlinuz\.efi.*: (Access Denied|Security Violation)/);
    assert.doesNotMatch(bad.log, /Linux version/);
  },
);
