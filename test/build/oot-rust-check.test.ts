// `kdk oot check --rust` (src/build/rust-extmod.ts). The files an out-of-tree Rust module's build reads are derived
// from the tree's own rules: checked here on Debian's linux-source-6.1 (each reason quotes a line the named file
// really has), and in test-slow/build/rust-kernel.test.ts against a real Rust build, where rustc accepts exactly
// that set. The real headers package of the small test kernel (built without RUST: it has MODVERSIONS, which
// RUST excludes) is reported as such, exit 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  BUILD_PACKAGES,
  checkRustHeaders,
  completeRustHeadersDeb,
  rmetaRustc,
  rustExtmodNeeds,
} from '../../src/build/index.js';
import { debianSourceTree } from '../../src/distro/index.js';
import { abiKernel } from './abi-kernels.js';
import { kdk } from './abi-helpers.js';
import { packagesSkipReason } from '../../src/util/deps.js';

test("the Rust module build's inputs, derived from 6.1's Makefile, Makefile.build, Makefile.lib and rust/Makefile", () => {
  const tree = debianSourceTree().dir;
  const d = rustExtmodNeeds(tree);
  assert.equal(d.incomplete, undefined);
  assert.deepEqual(d.needs.map((n) => n.file).sort(), [
    'include/generated/rustc_cfg',
    'rust/liballoc.rmeta',
    'rust/libbindings.rmeta',
    'rust/libcompiler_builtins.rmeta',
    'rust/libcore.rmeta',
    'rust/libkernel.rmeta',
    'rust/libmacros.so',
    'rust/target.json',
  ]);
  // Every reason names a file:line that says so in the tree.
  for (const n of d.needs) {
    for (const part of n.why.split('; ')) {
      const m = /^([^:]+):(\d+) (.*)$/.exec(part);
      assert.ok(m, part);
      // The logical line starting there (make's backslash continuations joined).
      const phys = readFileSync(join(tree, m[1]), 'utf8').split('\n');
      let i = Number(m[2]) - 1;
      let line = phys[i];
      while (line.endsWith('\\')) line = line.slice(0, -1) + ' ' + phys[++i];
      const first = m[3].split(' ')[0].replace(/^@/, '');
      assert.ok(line.includes(first.replace(/:$/, '')), `${part}: line ${m[2]} is '${line}'`);
    }
  }
});

test('rmetaRustc reads the rustc version from a .rmeta header', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-rmeta-'));
  try {
    const text = Buffer.from('rustc 1.63.0');
    const f = join(dir, 'libx.rmeta');
    writeFileSync(
      f,
      Buffer.concat([
        Buffer.from('rust\0\0\0\x06\0\0\xec\xb4', 'latin1'),
        Buffer.from([text.length]),
        text,
        Buffer.from('\xc1\x04core', 'latin1'),
      ]),
    );
    assert.equal(rmetaRustc(f), 'rustc 1.63.0');
    writeFileSync(f, 'not metadata');
    assert.equal(rmetaRustc(f), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  "kdk oot check --rust on the small test kernel's real headers .deb: no Rust in that kernel, exit 1",
  { skip: packagesSkipReason(BUILD_PACKAGES) },
  async () => {
    const k = await abiKernel('base');
    const r = spawnSync(process.execPath, [kdk, 'oot', 'check', '--rust', '--headers', k.headersDeb, '--json'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      verdict: string;
      config: { rust: boolean; modversions: boolean };
      missing: string[];
      problems: string[];
    };
    assert.equal(doc.verdict, 'no-rust');
    assert.equal(doc.config.rust, false);
    assert.equal(doc.config.modversions, true, 'the test kernel has MODVERSIONS, which RUST depends on being off');
    assert.ok(doc.missing.includes('rust/target.json'), doc.missing.join(' '));
    assert.match(doc.problems[0], /CONFIG_RUST is not set/);
    const text = spawnSync(process.execPath, [kdk, 'oot', 'check', '--rust', '--headers', k.headersDeb], {
      encoding: 'utf8',
    });
    assert.equal(text.status, 1);
    assert.match(text.stdout, /out-of-tree Rust modules: no-rust/);
    assert.match(text.stdout, /MISSING {2}rust\/libkernel\.rmeta {2}\(scripts\/Makefile\.build:\d+ rust_common_cmd/);
    const usage = spawnSync(process.execPath, [kdk, 'oot', 'check', '--headers', k.headersDeb], { encoding: 'utf8' });
    assert.equal(usage.status, 2, 'without --rust: a usage error');
  },
);

test("kdk's completion of a headers package: the derived Rust files added, md5sums and Installed-Size kept true", () => {
  const tree = debianSourceTree().dir;
  const tmp = mkdtempSync(join(tmpdir(), 'kdk-rust-deb-'));
  try {
    // A stand-in for bindeb-pkg's package: the tree's real Makefiles, a RUST .config, no rust/.
    const root = join(tmp, 'pkg');
    const hdr = join(root, 'usr', 'src', 'linux-headers-6.1.0-kdktest');
    for (const f of ['Makefile', 'scripts/Makefile.build', 'scripts/Makefile.lib', 'arch/x86/Makefile']) {
      mkdirSync(dirname(join(hdr, f)), { recursive: true });
      copyFileSync(join(tree, f), join(hdr, f));
    }
    mkdirSync(join(hdr, 'include', 'generated'), { recursive: true });
    writeFileSync(join(hdr, 'include', 'generated', 'rustc_cfg'), '--cfg=CONFIG_RUST\n');
    const here =
      spawnSync('rustc', ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0].trim() || 'rustc 1.63.0';
    writeFileSync(
      join(hdr, '.config'),
      `CONFIG_RUST_IS_AVAILABLE=y\nCONFIG_RUST=y\nCONFIG_RUSTC_VERSION_TEXT="${here}"\n`,
    );
    mkdirSync(join(root, 'DEBIAN'));
    writeFileSync(
      join(root, 'DEBIAN', 'control'),
      'Package: linux-headers-6.1.0-kdktest\nVersion: 1\nArchitecture: amd64\nMaintainer: kdk <kdk@example.org>\n' +
        'Installed-Size: 100\nDescription: test\n',
    );
    writeFileSync(join(root, 'DEBIAN', 'md5sums'), '');
    const stock = join(tmp, 'stock.deb');
    assert.equal(spawnSync('dpkg-deb', ['--root-owner-group', '-b', root, stock]).status, 0);
    // The build's rust/ outputs: a libcore.rmeta whose header names the rustc at hand, the rest placeholders.
    const rustDir = join(tmp, 'rust');
    mkdirSync(rustDir);
    const text = Buffer.from(here);
    writeFileSync(
      join(rustDir, 'libcore.rmeta'),
      Buffer.concat([Buffer.from('rust\0\0\0\x06\0\0\0\0', 'latin1'), Buffer.from([text.length]), text]),
    );
    for (const f of [
      'liballoc.rmeta',
      'libbindings.rmeta',
      'libcompiler_builtins.rmeta',
      'libkernel.rmeta',
      'libmacros.so',
      'target.json',
    ])
      writeFileSync(join(rustDir, f), `${f}\n`.repeat(300));
    const before = checkRustHeaders(stock, { srcTree: tree });
    assert.equal(before.verdict, 'incomplete');
    assert.equal(before.missing.length, 7, before.missing.join(' '));
    const out = join(tmp, 'completed.deb');
    const added = completeRustHeadersDeb(stock, rustDir, tree, out);
    assert.equal(added.length, 8, added.join(' ')); // the 7 and rust/Makefile
    const after = checkRustHeaders(out);
    assert.deepEqual(after.missing, []);
    assert.equal(after.incomplete, undefined, 'rust/Makefile travels with the package');
    assert.equal(after.toolchain.rmeta, here);
    assert.ok(['ready', 'no-rustc'].includes(after.verdict), after.problems.join('; '));
    // DEBIAN/: every added file's md5 listed, the size grown by what was added.
    const ctl = join(tmp, 'ctl');
    assert.equal(spawnSync('dpkg-deb', ['-e', out, ctl]).status, 0);
    const sums = readFileSync(join(ctl, 'md5sums'), 'utf8');
    const x = join(tmp, 'x');
    assert.equal(spawnSync('dpkg-deb', ['-x', out, x]).status, 0);
    for (const f of added)
      assert.ok(
        sums.includes(
          `${createHash('md5')
            .update(readFileSync(join(x, f)))
            .digest('hex')}  ${f}\n`,
        ),
        f,
      );
    const size = Number(/^Installed-Size: (\d+)$/m.exec(readFileSync(join(ctl, 'control'), 'utf8'))?.[1]);
    assert.ok(size > 100, `Installed-Size ${size}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
