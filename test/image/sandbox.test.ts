// The reproducer's compile never reads the host (issue 17 item 4): each of the four ways a hostile repro.c
// reached host files, against a secret file on the host that must never appear in an error or a stored binary,
// and the compiler's memory and time bounded. Also: no scratch directory is left behind, even on failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileStatic } from '../../src/image/index.js';
import { LIMITS } from '../../src/image/sandbox.js';
import { loadBundle } from '../../src/vm/index.js';
import { KdkError } from '../../src/util/errors.js';

const work = mkdtempSync(join(tmpdir(), 'kdk-sandbox-test-'));
// A private cache and TMPDIR: the stored binaries can be searched, and leftover scratch dirs seen.
process.env.KDK_CACHE = join(work, 'cache');
process.env.TMPDIR = join(work, 'tmp');
mkdirSync(process.env.TMPDIR);
const SECRET = 'KDK_HOST_SECRET_7f3a9c';
const secretFile = join(work, 'secret.txt');
writeFileSync(secretFile, `${SECRET} = 42;\n`);

function source(name: string, text: string): string {
  const p = join(work, name);
  writeFileSync(p, text);
  return p;
}

/** Every stored binary and every scratch dir, as text, for the secret check. */
function storedText(): string {
  const dir = join(process.env.KDK_CACHE!, 'images');
  let all = '';
  for (const n of readdirSync(dir, { recursive: true }) as string[]) {
    try {
      all += readFileSync(join(dir, n), 'latin1');
    } catch {
      /* a directory */
    }
  }
  return all;
}

async function refused(path: string, re: RegExp, opts = {}): Promise<KdkError> {
  let caught: unknown;
  await compileStatic(path, () => {}, opts).then(
    (bin) => assert.fail(`compiled to ${bin}: the sandbox let it through`),
    (e: unknown) => (caught = e),
  );
  assert.ok(caught instanceof KdkError, String(caught));
  assert.equal(caught.exitCode, 2);
  assert.match(caught.message, re);
  assert.ok(!caught.message.includes(SECRET), `the secret is quoted in the error:\n${caught.message}`);
  assert.ok(!storedText().includes(SECRET), 'the secret is in a stored binary');
  return caught;
}

test('#include of a host file: not visible in the sandbox, its content never quoted', async () => {
  const src = source('include.c', `#include "${secretFile}"\nint main(void) { return 0; }\n`);
  await refused(src, /No such file or directory/);
});

test('.incbin of a host file: not visible to the assembler, nothing embedded', async () => {
  const src = source(
    'incbin.c',
    `__asm__(".section .rodata\\n.incbin \\"${secretFile}\\"\\n.previous");\nint main(void) { return 0; }\n`,
  );
  await refused(src, /does not compile/);
});

test('a repro.c symlink in a bundle is refused before anything reads it', async () => {
  const dir = join(work, 'bundle');
  mkdirSync(dir);
  writeFileSync(join(dir, 'bug.json'), JSON.stringify({ title: 'WARNING in f' }));
  writeFileSync(join(dir, 'bzImage'), 'x');
  symlinkSync(secretFile, join(dir, 'repro.c'));
  assert.throws(
    () => loadBundle(dir),
    (e: unknown) =>
      e instanceof KdkError && e.exitCode === 2 && /symlink/.test(e.message) && !e.message.includes(SECRET),
  );
  // The compile step refuses a bundle's symlink on its own too (the bundle could change after loading).
  await refused(join(dir, 'repro.c'), /symlink/, { noSymlinks: true });
});

test('#include "/dev/zero" ends at once: there is no /dev/zero in the sandbox', async () => {
  const t0 = Date.now();
  await refused(source('zero.c', '#include "/dev/zero"\nint main(void) { return 0; }\n'), /\/dev\/zero: No such file/);
  assert.ok(Date.now() - t0 < LIMITS.wallMs, `took ${Date.now() - t0} ms`);
});

test('a preprocessor bomb is stopped by the memory limit, within the time limit', async () => {
  const lines = ['#define A0 x x x x x x x x x x x x x x x x'];
  for (let i = 1; i <= 7; i++) lines.push(`#define A${i} ${`A${i - 1} `.repeat(16).trim()}`);
  lines.push('int v[] = { A7 };', 'int main(void) { return 0; }');
  const t0 = Date.now();
  // The memory limit stops it in seconds; on a machine too loaded for that, the CPU or wall-clock limit does.
  await refused(
    source('bomb.c', lines.join('\n') + '\n'),
    /memory exhausted|out of memory|cannot allocate|ran past|killed|SIGXCPU/i,
  );
  const ms = Date.now() - t0;
  process.stderr.write(`preprocessor bomb stopped after ${ms} ms (limit ${LIMITS.memoryBytes >> 20} MiB)\n`);
  assert.ok(ms < LIMITS.wallMs, `took ${ms} ms`);
});

test('a good reproducer still compiles, and no scratch directory is left behind', async () => {
  const bin = await compileStatic(source('ok.c', '#include <stdio.h>\nint main(void) { puts("ok"); return 0; }\n'));
  assert.ok(readFileSync(bin).length > 100_000, 'a static binary');
  assert.deepEqual(readdirSync(process.env.TMPDIR!), [], 'scratch dirs removed (after failures too)');
});
