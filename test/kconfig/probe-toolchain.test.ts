// The probe cache must not outlive the toolchain it measured: a `$(success,...)` answer cached while libclang or
// rust-src was missing goes stale the moment the package is installed (bindgen and rustc themselves do not change).
// "Not installed yet" is the package's files hidden in a bubblewrap mount namespace (the machine's packages are
// never removed); "installed" is the same machine seen plainly. Both runs share one KDK_CACHE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot, skipIf } from '../helpers.js';
import { packagesSkipReason } from '../../src/util/deps.js';
import { DEBIAN_RUST_PACKAGES } from '../../src/flavour/rust-readiness.js';
import { DEBIAN_PATH } from '../rust-paths.js';
import { tmpDir } from './tmp.js';
import { kernelTree } from './reference.js';

const skip = skipIf(packagesSkipReason([...DEBIAN_RUST_PACKAGES, 'bubblewrap']));

/** A one-symbol Kconfig tree asking what init/Kconfig asks, with the 6.1 tree's own scripts and macros. */
function rustProbeTree(): string {
  const dir = tmpDir('kdk-rustprobe-');
  mkdirSync(join(dir, 'scripts'));
  for (const f of [
    'rust_is_available.sh',
    'rust_is_available_bindgen_libclang.h',
    'min-tool-version.sh',
    'cc-version.sh',
  ])
    copyFileSync(join(kernelTree().dir, 'scripts', f), join(dir, 'scripts', f));
  writeFileSync(
    join(dir, 'Kconfig'),
    readFileSync(join(kernelTree().dir, 'scripts', 'Kconfig.include'), 'utf8')
      .split('\n')
      .filter((l) => /^(if-)?success = /.test(l))
      .join('\n') + '\nconfig RUST_IS_AVAILABLE\n\tdef_bool $(success,$(srctree)/scripts/rust_is_available.sh)\n',
  );
  return dir;
}

/**
 * The package's files as bwrap arguments that hide them: a shared library covered by /dev/null (its directory
 * holds everything else), the core library's source directory by an empty tmpfs.
 */
function hideArgs(pkg: string): string[] {
  const r = spawnSync('dpkg-query', ['-L', pkg], { encoding: 'utf8' });
  const files = r.stdout.split('\n').filter((f) => /\.so[.\d]*$|\/core\/src\/lib\.rs$/.test(f));
  const real = files.filter((f) => spawnSync('test', ['-L', f]).status !== 0);
  assert.ok(real.length > 0, `${pkg} ships the file the check needs`);
  return real.flatMap((f) => (f.endsWith('.rs') ? ['--tmpfs', dirname(f)] : ['--ro-bind', '/dev/null', f]));
}

/** RUST_IS_AVAILABLE as kdk's engine evaluates it, in a child process (optionally inside bwrap). */
function evaluate(tree: string, cache: string, bwrap: string[] | null): string {
  const script = join(tree, 'probe.mjs');
  writeFileSync(
    script,
    `const { Kconfig } = await import(${JSON.stringify(pathToFileURL(join(projectRoot, 'src/kconfig/index.ts')).href)});\n` +
      `const t = Kconfig.load({ srctree: ${JSON.stringify(tree)}, arch: 'x86_64', log: () => {} });\n` +
      `t.evaluate([]);\nprocess.stdout.write(t.value('RUST_IS_AVAILABLE') ?? 'n');\n`,
  );
  const node = [process.execPath, '--import', 'tsx', script];
  const argv = bwrap ? ['bwrap', '--bind', '/', '/', '--dev', '/dev', ...bwrap, ...node] : node;
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, KDK_CACHE: cache, PATH: DEBIAN_PATH },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

for (const pkg of ['libclang1-14', 'rust-src']) {
  test(`installing ${pkg} after a probe changes the cached RUST_IS_AVAILABLE answer`, { skip }, () => {
    const tree = rustProbeTree();
    const cache = tmpDir('kdk-rustprobe-cache-');
    assert.equal(evaluate(tree, cache, hideArgs(pkg)), 'n', `without ${pkg} the tree's script says no`);
    assert.equal(evaluate(tree, cache, null), 'y', `with ${pkg} installed the answer is not the cached one`);
  });
}
