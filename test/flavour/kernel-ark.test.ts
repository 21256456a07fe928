// kernel-ark (redhat/configs) is not available on this machine: the fixture below is a small tree built from
// the documented layout (one CONFIG_ file per option, layer directories, priority.<flavor> with ORDER and
// arch=layer:layer lines, as redhat/configs/build_configs.sh reads them). The expectations follow those rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeKernelArk, readPriority } from '../../src/flavour/kernel-ark.js';
import { flatConfigId, readFlatConfig } from '../../src/flavour/flat.js';
import { debianConfigs } from '../../src/distro/index.js';
import { KdkError } from '../../src/util/errors.js';

function opt(dir: string, sym: string, value: string): void {
  mkdirSync(dir, { recursive: true });
  const line = value === 'n' ? `# CONFIG_${sym} is not set` : `CONFIG_${sym}=${value}`;
  writeFileSync(join(dir, `CONFIG_${sym}`), line + '\n');
}

function fixture(): string {
  const c = mkdtempSync(join(tmpdir(), 'kdk-ark-'));
  writeFileSync(join(c, 'flavors'), 'fedora\n');
  writeFileSync(
    join(c, 'priority.fedora'),
    [
      '# x86_64',
      'ORDER=common fedora',
      '',
      'x86_64=generic:generic-x86:generic-x86-x86_64',
      'x86_64-debug=generic:generic-x86:generic-x86-x86_64:debug:debug-x86-x86_64',
      'EMPTY=s390x-zfcpdump',
    ].join('\n'),
  );
  opt(join(c, 'common/generic'), 'KASAN', 'n');
  opt(join(c, 'common/generic'), 'NET', 'y');
  opt(join(c, 'common/generic'), 'DEBUG_VM', 'n');
  opt(join(c, 'common/generic/x86'), 'KVM', 'm');
  opt(join(c, 'common/generic/x86/x86_64'), 'NR_CPUS', '8192');
  opt(join(c, 'common/debug'), 'DEBUG_VM', 'y');
  opt(join(c, 'common/debug/x86/x86_64'), 'KASAN', 'y');
  opt(join(c, 'fedora/generic'), 'NET', 'y');
  opt(join(c, 'fedora/generic/x86'), 'KVM', 'y'); // fedora overrides common
  opt(join(c, 'fedora/debug'), 'DEBUG_VM', 'n'); // the later ORDER directory wins over common/debug
  return c;
}

test('kernel-ark: layers apply per ORDER directory, later wins; debug variant adds the debug layers', () => {
  const c = fixture();
  try {
    const p = readPriority(c, 'fedora');
    assert.deepEqual(p.order, ['common', 'fedora']);
    const plain = composeKernelArk(c, 'fedora', 'x86_64');
    assert.deepEqual(Object.fromEntries(plain.config), {
      DEBUG_VM: 'n',
      KASAN: 'n',
      KVM: 'y',
      NET: 'y',
      NR_CPUS: '8192',
    });
    assert.deepEqual(plain.layers, [
      'common/generic',
      'common/generic-x86',
      'common/generic-x86-x86_64',
      'fedora/generic',
      'fedora/generic-x86',
    ]);
    const debug = composeKernelArk(c, 'fedora', 'x86_64-debug');
    assert.equal(debug.config.get('KASAN'), 'y');
    assert.equal(debug.config.get('DEBUG_VM'), 'n', 'fedora/debug applies after common/debug');
    assert.ok(debug.origins.get('KASAN')!.file.endsWith('common/debug/x86/x86_64/CONFIG_KASAN'));
  } finally {
    rmSync(c, { recursive: true, force: true });
  }
});

test('kernel-ark errors: unknown variant, missing base layer (priority file and line), missing flavor', () => {
  const c = fixture();
  try {
    assert.throws(() => composeKernelArk(c, 'fedora', 'riscv64'), /no variant 'riscv64'.*has: x86_64, x86_64-debug/);
    assert.throws(() => composeKernelArk(c, 'rhel', 'x86_64'), /no priority file/);
    writeFileSync(join(c, 'priority.fedora'), 'ORDER=common fedora\nx86_64=generic:generic-arm\n');
    assert.throws(
      () => composeKernelArk(c, 'fedora', 'x86_64'),
      (e: unknown) => e instanceof KdkError && /generic-arm/.test(e.message) && e.line === 2,
    );
  } finally {
    rmSync(c, { recursive: true, force: true });
  }
});

test("flat configs: Debian's linux-config-6.1 .xz files read directly, named by arch/featureset/flavour", () => {
  const cfg = debianConfigs().find((x) => x.arch === 'amd64' && x.flavour === 'amd64')!;
  const a = readFlatConfig(cfg.xz);
  const b = readFlatConfig(cfg.path);
  assert.deepEqual([...a], [...b], '.xz and the decompressed cache agree');
  assert.ok(a.size > 8000);
  assert.deepEqual(flatConfigId('config.amd64_none_cloud-amd64.xz'), {
    arch: 'amd64',
    featureset: 'none',
    flavour: 'cloud-amd64',
  });
});
