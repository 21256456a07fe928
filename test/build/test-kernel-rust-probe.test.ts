// The test kernel's .config must not depend on the Rust toolchain at hand: 6.1's RUST_IS_AVAILABLE probes
// whichever rustc, bindgen and rust-src the PATH finds, and the .config names the cache entry, so a machine with
// Debian's Rust toolchain first on PATH (or a run after a test installed it) would rebuild every test kernel.
// Shown real first (C conf with the toolchain finds RUST_IS_AVAILABLE=y), then kdk's configure of the test
// kernel gives the same bytes with that PATH as with one whose rustc fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debianSourceTree } from '../../src/distro/index.js';
import { configuredConfig, testKernelOptions, testKernelSpec } from '../../src/build/index.js';
import { ensurePackages } from '../../src/util/deps.js';

const log = (l: string) => process.stderr.write(l + '\n');
const RUST = /^CONFIG_RUST_IS_AVAILABLE=y$/m;

async function withPath<T>(path: string, f: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = path;
  try {
    return await f();
  } finally {
    process.env.PATH = saved;
  }
}

test("the test kernel's .config is the same with and without a working Rust toolchain on PATH", async () => {
  ensurePackages(['rustc', 'bindgen', 'rust-src', 'libclang-dev'], log);
  const tree = debianSourceTree(log);
  const work = mkdtempSync(join(tmpdir(), 'kdk-rustprobe-'));
  try {
    // Debian's toolchain first; and the same PATH with a rustc and bindgen that fail shadowing it.
    const withRust = `/usr/bin:/bin:${process.env.PATH}`;
    const broken = join(work, 'bin');
    mkdirSync(broken);
    for (const tool of ['rustc', 'bindgen']) writeFileSync(join(broken, tool), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const noRust = `${broken}:${withRust}`;
    // The hazard is real: C conf itself, with Debian's toolchain, says Rust is available on this tree.
    const cdir = join(work, 'c');
    const make = (t: string) =>
      spawnSync('make', ['-s', '-C', tree.dir, `O=${cdir}`, 'ARCH=x86_64', t], {
        encoding: 'utf8',
        env: { ...process.env, PATH: withRust },
      });
    assert.equal(make('tinyconfig').status, 0);
    assert.match(readFileSync(join(cdir, '.config'), 'latin1'), RUST, 'Debian rustc+bindgen+rust-src: RUST available');
    const spec = testKernelSpec(tree, testKernelOptions(), true, () => {});
    const a = await withPath(withRust, () => configuredConfig(spec));
    const b = await withPath(noRust, () => configuredConfig(spec));
    assert.doesNotMatch(a.toString('latin1'), RUST);
    assert.ok(a.equals(b), 'one .config, whatever rustc the PATH holds');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
