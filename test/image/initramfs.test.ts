// kdk's initramfs: cached by content, programs compiled statically, compiler errors shown with file and line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildInitramfs, compileStatic, programsFromFiles } from '../../src/image/index.js';
import { KdkError } from '../../src/util/errors.js';
import { kdk } from '../vm/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'kdk-initramfs-'));
const hello = join(dir, 'hello.c');
writeFileSync(hello, '#include <stdio.h>\nint main(void) { puts("hello from the guest"); return 0; }\n');

test('a C program is compiled into a static binary, cached by its source', async () => {
  const bin = await compileStatic(hello);
  const file = spawnSync('file', ['-L', bin], { encoding: 'utf8' }).stdout;
  assert.match(file, /statically linked/);
  assert.equal(await compileStatic(hello), bin);
  assert.equal(spawnSync(bin, { encoding: 'utf8' }).stdout, 'hello from the guest\n');
});

test("a reproducer that does not compile: exit-2 error with gcc's message, file and line", async () => {
  const bad = join(dir, 'bad.c');
  writeFileSync(bad, 'int main(void) {\n  return undeclared_thing;\n}\n');
  await assert.rejects(compileStatic(bad), (e: unknown) => {
    assert.ok(e instanceof KdkError);
    assert.equal(e.exitCode, 2);
    assert.equal(e.file, bad);
    assert.equal(e.line, 2);
    assert.match(e.message, /undeclared_thing/);
    return true;
  });
});

test('same programs give the same cached initramfs; different ones a different one', async () => {
  const progs = await programsFromFiles([hello]);
  const a = buildInitramfs(progs);
  const b = buildInitramfs(progs);
  const none = buildInitramfs([]);
  assert.equal(a, b);
  assert.notEqual(a, none);
  const list = spawnSync('cpio', ['-it', '--quiet', '-F', a], { encoding: 'utf8' }).stdout.split('\n');
  for (const f of ['init', 'bin/busybox', 'dev/console', 'kdk/prog/01-hello']) assert.ok(list.includes(f), f);
});

test('kdk image initramfs --add writes the archive; a missing file is exit 2 naming it', async () => {
  const out = join(dir, 'out.cpio');
  const r = await kdk(['image', 'initramfs', '--add', hello, '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(out));
  assert.deepEqual(JSON.parse(r.stdout).programs, ['hello']);
  const miss = await kdk(['image', 'initramfs', '--add', join(dir, 'nope.c'), '--out', out]);
  assert.equal(miss.code, 2);
  assert.match(miss.stderr, /nope\.c/);
});
