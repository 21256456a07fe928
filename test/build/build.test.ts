import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import { cacheDir } from '../../src/util/cache.js';
import { debianSourceTree } from '../../src/distro/index.js';
import { extractBuildErrors } from '../../src/build/errors.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');
const run = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, [kdk, ...args], { encoding: 'utf8', timeout: 1_500_000, env });

test('a real tinyconfig kernel builds into .debs with a build record (cached flavour dir: warm runs are incremental)', () => {
  const tree = debianSourceTree();
  const flavour = join(cacheDir('kernels'), 'test-tinyconfig-x86_64');
  mkdirSync(flavour, { recursive: true });
  if (!existsSync(join(flavour, '.config'))) {
    const tmp = mkdtempSync(join(tmpdir(), 'kdk-tiny-'));
    const r = spawnSync('make', ['-s', '-C', tree.dir, `O=${tmp}`, 'ARCH=x86_64', 'tinyconfig'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    writeFileSync(join(flavour, '.config'), readFileSync(join(tmp, '.config')));
    rmSync(tmp, { recursive: true, force: true });
  }
  const r = run(['build', '--flavour', flavour, '--jobs', '2', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const rec = JSON.parse(r.stdout);
  assert.equal(rec.exitStatus, 0);
  assert.match(rec.kernelVersion, /^6\.1\.\d+-kdk$/);
  assert.ok(rec.artifacts.bzImage > 100_000, 'a real bzImage');
  assert.ok(rec.cpuSeconds > 0 && rec.wallSeconds > 0);
  assert.ok(rec.ccache && rec.ccache.hits + rec.ccache.misses >= 0);
  const debs = readdirSync(flavour).filter((f) => f.startsWith('linux-image-') && f.endsWith('.deb'));
  assert.ok(debs.length >= 1, 'bindeb-pkg produced the image package');
  assert.deepEqual(JSON.parse(readFileSync(join(flavour, 'build-record.json'), 'utf8')).configHash, rec.configHash);
});

// A failing kernel build takes minutes to reach its error; this tree is a stand-in with the same make targets
// kdk calls (olddefconfig, kernelrelease, bindeb-pkg) whose bindeb-pkg runs the real gcc on a broken file.
function fakeTree(dir: string): string {
  const t = join(dir, 'tree');
  mkdirSync(t);
  writeFileSync(join(t, 'broken.c'), 'int main(void)\n{\n\tint x = ;\n\treturn undeclared_thing;\n}\n');
  const noise = Array.from({ length: 300 }, (_, i) => `\t@echo "  CC      drivers/fake/file${i}.o"`).join('\n');
  writeFileSync(
    join(t, 'Makefile'),
    [
      'olddefconfig:',
      '\t@true',
      'kernelrelease:',
      '\t@echo 6.1.0-fake',
      'bindeb-pkg:',
      noise,
      `\t$(CC) -c ${join(t, 'broken.c')} -o $(O)/broken.o`,
      '',
    ].join('\n'),
  );
  return t;
}

test('a failed build exits 1 showing the compiler error, not the make noise; the previous good record is kept', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-buildfail-'));
  try {
    const flavour = join(dir, 'fl');
    mkdirSync(flavour);
    writeFileSync(join(flavour, '.config'), 'CONFIG_X86_64=y\n');
    writeFileSync(join(flavour, 'build-record.json'), '{"previous":"good"}\n');
    const r = run(['build', '--flavour', flavour, '--srctree', fakeTree(dir), '--cache', join(dir, 'ccache')], {
      ...process.env,
      KDK_CACHE: join(dir, 'cache'),
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /broken\.c:3:\d+: error: expected expression/);
    assert.match(r.stderr, /undeclared_thing/);
    assert.ok(!r.stderr.includes('file150.o'), 'the make noise is not shown');
    // The hint's make command pastes into a shell as it was run: `CC=ccache gcc` stays one argument.
    const cmd = /full output: (make .*?); record:/.exec(r.stderr)?.[1];
    assert.ok(cmd, r.stderr);
    const words = spawnSync('bash', ['-c', `printf '%s\\n' ${cmd}`], { encoding: 'utf8' }).stdout.split('\n');
    assert.ok(words.includes('CC=ccache gcc'), words.join(' | '));
    assert.equal(readFileSync(join(flavour, 'build-record.json'), 'utf8'), '{"previous":"good"}\n');
    const failed = JSON.parse(readFileSync(join(flavour, 'build-record.failed.json'), 'utf8'));
    assert.notEqual(failed.exitStatus, 0);
    assert.match(failed.error, /error:/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kdk build bad input: no .config → exit 2; bad --jobs → exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-buildbad-'));
  try {
    const r = run(['build', '--flavour', dir, '--srctree', dir]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /has no \.config/);
    assert.equal(run(['build', '--flavour', dir, '--jobs', 'zero', '--srctree', dir]).status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('extractBuildErrors keeps gcc errors with their context and drops the rest', () => {
  const out = [
    ...Array.from({ length: 100 }, (_, i) => `  CC      kernel/f${i}.o`),
    'kernel/fork.c: In function ‘copy_process’:',
    'kernel/fork.c:42:9: error: ‘x’ undeclared (first use in this function)',
    '   42 |         x = 1;',
    '      |         ^',
    'make[2]: *** [scripts/Makefile.build:250: kernel/fork.o] Error 1',
  ].join('\n');
  const e = extractBuildErrors(out);
  assert.match(e, /In function/);
  assert.match(e, /fork\.c:42:9: error/);
  assert.match(e, /Error 1/);
  assert.ok(!e.includes('f10.o'));
});

test("--target 'bzImage modules' gives make both goals as separate words (no packages, no KDEB_PKGVERSION)", () => {
  // Stand-in tree (a real bzImage+modules build takes many minutes): its goals record how make was called.
  const dir = mkdtempSync(join(tmpdir(), 'kdk-buildtargets-'));
  try {
    const t = join(dir, 'tree');
    mkdirSync(t);
    const goal = (name: string) => [
      `${name}:`,
      `\t@echo "  CC      ${name}.o"`,
      `\t@echo $(KDEB_PKGVERSION)x > $(O)/${name}.ran`,
    ];
    writeFileSync(
      join(t, 'Makefile'),
      [
        'olddefconfig:',
        '\t@true',
        'kernelrelease:',
        '\t@echo 6.1.0-fake',
        ...goal('bzImage'),
        ...goal('modules'),
        '',
      ].join('\n'),
    );
    const flavour = join(dir, 'fl');
    mkdirSync(flavour);
    writeFileSync(join(flavour, '.config'), 'CONFIG_X86_64=y\n');
    const args = ['build', '--flavour', flavour, '--srctree', t, '--cache', join(dir, 'cc'), '--json'];
    const r = run([...args, '--target', 'bzImage modules'], { ...process.env, KDK_CACHE: join(dir, 'cache') });
    assert.equal(r.status, 0, r.stderr);
    for (const g of ['bzImage', 'modules']) {
      assert.equal(
        readFileSync(join(flavour, 'build', `${g}.ran`), 'utf8'),
        'x\n',
        `${g} ran, without KDEB_PKGVERSION`,
      );
    }
    assert.equal(JSON.parse(r.stdout).steps, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("BUILD_PACKAGES covers the Build-Depends that the tree's own mkdebian writes for bindeb-pkg", async () => {
  // dpkg-buildpackage aborts on any unmet one (a fresh machine lacked rsync); the tree is the ground truth.
  const { BUILD_PACKAGES } = await import('../../src/build/index.js');
  const mkdebian = readFileSync(join(debianSourceTree().dir, 'scripts', 'package', 'mkdebian'), 'utf8');
  const line = /^Build-Depends: (.*)$/m.exec(mkdebian);
  assert.ok(line, 'mkdebian has a Build-Depends line');
  const deps = line[1]
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d && !d.startsWith('$'))
    .map((d) => d.split('|')[0].trim().split(/[\s:]/)[0]);
  assert.ok(deps.length >= 5, `parsed ${deps.join(' ')}`);
  assert.deepEqual(
    deps.filter((d) => !BUILD_PACKAGES.includes(d)),
    [],
  );
});
