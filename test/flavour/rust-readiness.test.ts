// Rust readiness against ground truth that is the kernel's: the tree's own `make rustavailable` (Kbuild running
// scripts/rust_is_available.sh, whose words give the versions), the kernel's C conf evaluating RUST_IS_AVAILABLE
// (its $(success,...) probe) with the same PATH, and dpkg's record of Debian's rustc/bindgen. Linux 6.1
// (bookworm's linux-source) and 6.12 (trixie's, through the private apt), each with Debian's rustc/bindgen on
// PATH and without them (a PATH where they are absent: nothing is uninstalled).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rustReadiness, DEBIAN_RUST_PACKAGES } from '../../src/flavour/rust-readiness.js';
import { evaluateConfig, evaluateConfigC } from '../../src/flavour/evaluate.js';
import { makeDebugFlavour } from '../../src/flavour/debug-flavour.js';
import { debianSourceTree, debianPackaging, debianReleaseSourceTree } from '../../src/distro/index.js';
import { debVersion, packagesSkipReason } from '../../src/util/deps.js';
import { skipIf } from '../helpers.js';
import { DEBIAN_PATH, pathWithoutRust, withPath } from '../rust-paths.js';

const skip = skipIf(packagesSkipReason(DEBIAN_RUST_PACKAGES));

const trees: Record<string, () => string> = {
  '6.1': () => debianSourceTree().dir,
  '6.12': () => debianReleaseSourceTree('trixie', debianPackaging({ release: 'trixie' }).version).dir,
};

/** `make rustavailable` in a private O= directory: Kbuild's own run of the script, exit status and words. */
function makeRustavailable(tree: string): { ok: boolean; text: string } {
  const o = mkdtempSync(join(tmpdir(), 'kdk-rustavail-'));
  try {
    const r = spawnSync('make', ['-s', '-C', tree, `O=${o}`, 'ARCH=x86_64', 'rustavailable'], { encoding: 'utf8' });
    return { ok: r.status === 0, text: r.stdout + r.stderr };
  } finally {
    rmSync(o, { recursive: true, force: true });
  }
}

/** The upstream part of a Debian version: 1.63.0+dfsg1-2 → 1.63.0. */
const upstream = (v: string | undefined) => /^(?:\d+:)?(\d+\.\d+\.\d+)/.exec(v ?? '')?.[1];

for (const [series, treeOf] of Object.entries(trees)) {
  for (const [label, pathOf] of [
    ["with Debian's rustc/bindgen", () => DEBIAN_PATH],
    ['without them', pathWithoutRust],
  ] as const) {
    test(
      `linux ${series} ${label}: kdk's verdict is the tree's own, and the C conf's RUST_IS_AVAILABLE`,
      { skip },
      () => {
        // The tree first, on the normal PATH (fetching it may run apt).
        const tree = treeOf();
        return withPath(pathOf(), async () => {
          const r = rustReadiness(tree, 'amd64');
          const kbuild = makeRustavailable(tree);
          assert.equal(r.checked, true);
          assert.equal(r.available, kbuild.ok, `make rustavailable said:\n${kbuild.text}`);
          // The Kconfig engine and the kernel's C conf answer the probe the same way, and as the script does.
          const c = await evaluateConfigC(tree, 'amd64', '');
          const engine = evaluateConfig(tree, 'amd64', '');
          assert.equal(engine.config.get('RUST_IS_AVAILABLE') ?? 'n', c.config.get('RUST_IS_AVAILABLE') ?? 'n');
          assert.equal(c.config.get('RUST_IS_AVAILABLE') === 'y', r.available, 'C conf agrees with the script');
          assert.equal(r.reasons.length === 0, r.available, r.reasons.join('; '));
          if (label === 'without them') {
            assert.equal(r.tools.rustc.status, 'missing');
            assert.match(kbuild.text, /Rust compiler 'rustc' could not be found/);
            assert.match(r.reasons[0], /'rustc' not found on PATH/);
            return;
          }
          // Debian's versions as dpkg records them, against the tree's minimum as its script words it.
          const rustc = upstream(debVersion('rustc'));
          assert.equal(r.tools.rustc.found, rustc);
          assert.equal(r.tools.rustc.path, '/usr/bin/rustc');
          assert.equal(r.tools.bindgen.found, upstream(debVersion('bindgen')));
          const min = /Minimum version: +([\d.]+)/.exec(kbuild.text)?.[1];
          const expected = /Expected version: +([\d.]+)/.exec(kbuild.text)?.[1];
          if (!kbuild.ok) {
            assert.ok(min, kbuild.text);
            assert.ok(
              r.reasons.some((x) => x.includes(`rustc ${rustc} found`) && x.includes(`wants ${min} or newer`)),
              r.reasons.join('; '),
            );
          } else if (expected) {
            assert.ok(
              r.warnings.some((w) => w.includes(`rustc ${rustc} found, this tree wants ${expected}`)),
              r.warnings.join('; '),
            );
          }
          process.stderr.write(`linux ${series} ${label}: ${r.available ? 'available' : r.reasons.join('; ')}\n`);
        });
      },
    );
  }
}

test(
  "--profile rust on bookworm with Debian's toolchain: RUST sticks and the .config is a C conf fixed point",
  { skip },
  () =>
    withPath(DEBIAN_PATH, async () => {
      const r = await makeDebugFlavour({ distro: 'debian', arch: 'amd64', profiles: ['rust'] });
      assert.deepEqual(r.requested.notStuck, []);
      assert.deepEqual(r.rust.config, { RUST_IS_AVAILABLE: 'y', RUST: 'y' });
      const c = await evaluateConfigC(r.tree, 'amd64', r.text);
      assert.equal(c.text, r.text);
    }),
);

test("--profile rust on trixie with bookworm's toolchain: RUST does not stick, and the report says why", { skip }, () =>
  withPath(DEBIAN_PATH, async () => {
    const r = await makeDebugFlavour({ distro: 'debian', release: 'trixie', arch: 'amd64', profiles: ['rust'] });
    const rust = r.requested.notStuck.find((v) => v.symbol === 'RUST');
    assert.ok(rust, 'RUST did not stick');
    assert.match(rust.reason?.text ?? '', /RUST_IS_AVAILABLE/);
    assert.deepEqual(r.requiredMissing, ['RUST']);
    assert.equal(r.rust.available, makeRustavailable(r.tree).ok);
    assert.match(r.rust.reasons.join('\n'), new RegExp(`rustc ${upstream(debVersion('rustc'))} found`));
    // The C conf on the same output agrees RUST cannot be set here.
    const c = await evaluateConfigC(r.tree, 'amd64', r.text);
    assert.equal(c.config.get('RUST'), undefined);
  }),
);
