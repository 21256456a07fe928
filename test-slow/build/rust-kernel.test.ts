// The tree's Rust sample module built and loaded: the small test kernel's config plus RUST and
// samples/rust/rust_minimal (src/build/rust-kernel.ts, its own cached kernel), built with Debian's rustc/bindgen,
// booted in QEMU with rust_minimal.ko insmodded. Ground truth: the module's own pr_info! strings from the tree's
// samples/rust/rust_minimal.rs on the guest's console, and the kernel's .config. Then out of tree, as a user's
// DKMS would: the same rust_minimal.rs with a Kbuild file, built by `kdk oot build` against the kernel's headers
// package. bindeb-pkg's own package lacks the Rust files (`kdk oot check --rust` lists them, rustc refuses in its
// own words); kdk's completed package (linux-headers-rust.deb) builds it, and it loads in QEMU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rustSampleKernel } from '../../src/build/index.js';
import { DEBIAN_RUST_PACKAGES } from '../../src/flavour/index.js';
import { debianSourceTree } from '../../src/distro/index.js';
import { packagesSkipReason } from '../../src/util/deps.js';
import { projectRoot, skipIf } from '../../test/helpers.js';
import { DEBIAN_PATH, withPath } from '../../test/rust-paths.js';

const kdk = (args: string[]) =>
  spawnSync(process.execPath, [join(projectRoot, 'bin', 'kdk.js'), ...args], { encoding: 'utf8', timeout: 600_000 });

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

test(
  "out of tree: rust_minimal against bindeb-pkg's headers package fails (what it lacks, rustc's words); against kdk's it builds and loads",
  { skip },
  () =>
    withPath(DEBIAN_PATH, async () => {
      const k = await rustSampleKernel();
      assert.ok(k.headersDeb && k.rustHeadersDeb, `${k.dir}: no headers packages`);
      const tmp = mkdtempSync(join(tmpdir(), 'kdk-rust-oot-'));
      try {
        const mod = join(tmp, 'rust_minimal');
        spawnSync('mkdir', [mod]);
        copyFileSync(join(debianSourceTree().dir, 'samples', 'rust', 'rust_minimal.rs'), join(mod, 'rust_minimal.rs'));
        writeFileSync(join(mod, 'Kbuild'), 'obj-m := rust_minimal.o\n');
        // Stock 6.1 packaging: the report, then the build itself.
        const stock = kdk(['oot', 'check', '--rust', '--headers', k.headersDeb, '--json']);
        assert.equal(stock.status, 1, stock.stderr);
        const report = JSON.parse(stock.stdout) as {
          verdict: string;
          missing: string[];
          toolchain: { match: boolean };
        };
        assert.equal(report.verdict, 'incomplete');
        assert.deepEqual(report.missing.sort(), ['rust/liballoc.rmeta', 'rust/libkernel.rmeta', 'rust/target.json']);
        assert.equal(report.toolchain.match, true, 'Debian rustc built it and is on PATH');
        const withTree = kdk([
          'oot',
          'check',
          '--rust',
          '--headers',
          k.headersDeb,
          '--srctree',
          debianSourceTree().dir,
          '--json',
        ]);
        const full = JSON.parse(withTree.stdout) as { missing: string[] };
        assert.deepEqual(full.missing.sort(), [
          'rust/liballoc.rmeta',
          'rust/libbindings.rmeta',
          'rust/libcompiler_builtins.rmeta',
          'rust/libcore.rmeta',
          'rust/libkernel.rmeta',
          'rust/libmacros.so',
          'rust/target.json',
        ]);
        const failed = kdk(['oot', 'build', '--headers', k.headersDeb, '--module', mod, '--out', join(tmp, 'stock')]);
        assert.equal(failed.status, 1, failed.stderr);
        assert.match(failed.stderr, /error: target file "\.\/rust\/target\.json" does not exist/);
        // kdk's package: ready, builds, loads.
        const ready = kdk(['oot', 'check', '--rust', '--headers', k.rustHeadersDeb, '--json']);
        assert.equal(ready.status, 0, ready.stdout);
        const rr = JSON.parse(ready.stdout) as { verdict: string; toolchain: { rmeta: string; here: string } };
        assert.equal(rr.verdict, 'ready');
        assert.equal(rr.toolchain.rmeta, rr.toolchain.here);
        const built = kdk([
          'oot',
          'build',
          '--headers',
          k.rustHeadersDeb,
          '--module',
          mod,
          '--out',
          join(tmp, 'out'),
          '--json',
        ]);
        assert.equal(built.status, 0, built.stderr);
        const ko = (JSON.parse(built.stdout) as { modules: string[] }).modules[0];
        assert.match(ko, /rust_minimal\.ko$/);
        const r = kdk(['run', '--kernel', k.bzImage, '--module', ko, '--json']);
        const run = (
          JSON.parse(r.stdout) as { runs: { consoleLog: string; modules: { name: string; loaded: boolean }[] }[] }
        ).runs[0];
        assert.deepEqual(
          run.modules.map((m) => [m.name, m.loaded]),
          [['rust_minimal', true]],
          r.stderr.slice(-2000),
        );
        const log = readFileSync(run.consoleLog, 'utf8');
        assert.match(log, /rust_minimal: loading out-of-tree module taints kernel/);
        assert.match(log, /rust_minimal: Rust minimal sample \(init\)/);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }),
);
