// The tree's Rust sample module built and loaded: the small test kernel's config plus RUST and
// samples/rust/rust_minimal (src/build/rust-kernel.ts, its own cached kernel), built with Debian's rustc/bindgen,
// booted in QEMU with rust_minimal.ko insmodded. Ground truth: the module's own pr_info! strings from the tree's
// samples/rust/rust_minimal.rs on the guest's console, and the kernel's .config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rustSampleKernel } from '../../src/build/index.js';
import { DEBIAN_RUST_PACKAGES } from '../../src/flavour/index.js';
import { debianSourceTree } from '../../src/distro/index.js';
import { packagesSkipReason } from '../../src/util/deps.js';
import { projectRoot, skipIf } from '../../test/helpers.js';
import { DEBIAN_PATH, withPath } from '../../test/rust-paths.js';

const skip = skipIf(packagesSkipReason([...DEBIAN_RUST_PACKAGES, 'qemu-system-x86', 'busybox-static']));

test('samples/rust/rust_minimal builds with the kernel and loads in QEMU, printing its own messages', { skip }, () =>
  withPath(DEBIAN_PATH, async () => {
    const k = await rustSampleKernel();
    const config = readFileSync(k.config, 'utf8');
    assert.match(config, /^CONFIG_RUST=y$/m);
    assert.match(config, /^CONFIG_SAMPLE_RUST_MINIMAL=m$/m);
    const source = readFileSync(join(debianSourceTree().dir, 'samples', 'rust', 'rust_minimal.rs'), 'utf8');
    const said = [...source.matchAll(/pr_info!\("([^"{]+)\\n"\)/g)].map((m) => m[1]);
    assert.ok(said.includes('Rust minimal sample (init)'), said.join(' | '));
    const r = spawnSync(
      process.execPath,
      [join(projectRoot, 'bin', 'kdk.js'), 'run', '--kernel', k.bzImage, '--module', k.module, '--json'],
      { encoding: 'utf8', timeout: 600_000 },
    );
    const doc = JSON.parse(r.stdout) as {
      runs: { consoleLog: string; modules: { name: string; loaded: boolean }[] }[];
    };
    const run = doc.runs[0];
    assert.deepEqual(
      run.modules.map((m) => [m.name, m.loaded]),
      [['rust_minimal', true]],
      r.stderr.slice(-2000),
    );
    const log = readFileSync(run.consoleLog, 'utf8');
    assert.match(log, /rust_minimal: Rust minimal sample \(init\)/);
    assert.match(log, /rust_minimal: Am I built-in\? false/);
  }),
);
