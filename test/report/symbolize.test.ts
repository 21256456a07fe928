// Symbolization against a real binary: a small C program built with debug info stands in for vmlinux
// (a kernel build is too slow for the default test run); addr2line must name the file:line of each
// frame and the inlined call, like scripts/decode_stacktrace.sh does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseLog, symbolize } from '../../src/report/index.js';
import { which } from '../../src/util/proc.js';
import { skipIf } from '../helpers.js';

const tools = ['gcc', 'nm', 'objdump', 'addr2line'].filter((t) => !which(t));
const missing = tools.length ? `missing ${tools.join(', ')} (apt-get install -y gcc binutils)` : undefined;

const SOURCE = `int __attribute__((noinline)) ext(int x) { return x ^ 5; }
static inline __attribute__((always_inline)) int inner(int x) {
  return ext(x) * 3;
}
int __attribute__((noinline)) outer(int x) {
  return inner(x) + 1;
}
int main(int argc, char **argv) { (void)argv; return outer(argc); }
`;

/** The offset of the return address after `outer`'s call to `ext`, and outer's size, from objdump. */
function callSite(bin: string): { offset: number; size: number } {
  const nm = execFileSync('nm', ['-S', bin], { encoding: 'utf8' });
  const m = /^([0-9a-f]+) ([0-9a-f]+) T outer$/m.exec(nm)!;
  const start = parseInt(m[1], 16);
  const dis = execFileSync('objdump', ['-d', '--no-show-raw-insn', bin], { encoding: 'utf8' });
  const body = dis.split(/\n\n/).find((b) => /<outer>:/.test(b))!;
  const lines = body.split('\n').filter((l) => /^\s+[0-9a-f]+:/.test(l));
  const i = lines.findIndex((l) => /call.*<ext>/.test(l));
  const next = parseInt(lines[i + 1].trim().split(':')[0], 16);
  return { offset: next - start, size: parseInt(m[2], 16) };
}

for (const tool of ['addr2line', 'llvm-symbolizer'] as const) {
  const why = missing ?? (which(tool) ? undefined : `${tool} is not installed`);
  test(`symbolize (${tool}) adds file:line and the inlined frame in one run`, { skip: skipIf(why) }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kdk-sym-'));
    try {
      const src = join(dir, 'build', 'linux', 'drivers', 'kdktest');
      mkdirSync(src, { recursive: true });
      writeFileSync(join(src, 't.c'), SOURCE);
      const bin = join(dir, 'vmlinux');
      execFileSync('gcc', ['-g', '-O1', '-fno-pie', '-no-pie', '-o', bin, join(src, 't.c')]);
      const { offset, size } = callSite(bin);
      const log = [
        `[    5.0] WARNING: CPU: 0 PID: 1 at drivers/kdktest/t.c:3 outer+0x${offset.toString(16)}/0x${size.toString(16)}`,
        `[    5.1] Call Trace:`,
        `[    5.2]  outer+0x${offset.toString(16)}/0x${size.toString(16)}`,
        `[    5.3]  unknown_function+0x10/0x20`,
      ].join('\n');
      const reps = parseLog(log);
      assert.equal(reps.length, 1);
      const [r] = await symbolize(reps, { vmlinux: bin, tool });
      const inl = r.frames.find((f) => f.inlined);
      assert.deepEqual(inl, { function: 'inner', file: 'drivers/kdktest/t.c', line: 3, inlined: true });
      const outer = r.frames.find((f) => f.function === 'outer')!;
      assert.equal(outer.file, 'drivers/kdktest/t.c');
      assert.equal(outer.line, 6);
      assert.equal(r.frames.find((f) => f.function === 'unknown_function')!.file, undefined);
      assert.match(
        r.text,
        /inner drivers\/kdktest\/t\.c:3 \[inline\]\n.*outer\+0x[0-9a-f]+\/0x[0-9a-f]+ drivers\/kdktest\/t\.c:6/,
      );
      assert.equal(r.guiltyFile, 'drivers/kdktest/t.c');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('symbolize names a missing vmlinux as an input error', async () => {
  await assert.rejects(symbolize([], { vmlinux: '/nonexistent/vmlinux' }), /no such file/);
});

test('module frames are symbolized against <module>.ko found under --modules', { skip: skipIf(missing) }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-sym-mod-'));
  try {
    const src = join(dir, 'src', 'drivers', 'crashme');
    mkdirSync(src, { recursive: true });
    mkdirSync(join(dir, 'modules', 'extra'), { recursive: true });
    writeFileSync(
      join(src, 'm.c'),
      'int __attribute__((noinline)) helper(int x) { return x ^ 5; }\n' +
        'int __attribute__((noinline)) crashme_write(int x) {\n  return helper(x) * 3;\n}\n',
    );
    // A relocatable object is what a .ko is; addresses are offsets in its .text.
    const ko = join(dir, 'modules', 'extra', 'crashme.ko');
    execFileSync('gcc', ['-g', '-O1', '-c', join(src, 'm.c'), '-o', ko]);
    const nm = execFileSync('nm', ['-S', ko], { encoding: 'utf8' });
    const size = parseInt(/^[0-9a-f]+ ([0-9a-f]+) T crashme_write$/m.exec(nm)![1], 16);
    const log = [
      '[    7.0] BUG: kernel NULL pointer dereference, address: 0000000000000000',
      '[    7.1] RIP: 0010:crashme_write+0x5/0x' + size.toString(16) + ' [crashme]',
      '[    7.2] Call Trace:',
      '[    7.3]  crashme_write+0x5/0x' + size.toString(16) + ' [crashme]',
      '[    7.4]  vfs_write+0x10/0x20',
    ].join('\n');
    // vmlinux must exist; vfs_write is not in it, so only the module frame gets a location.
    const [r] = await symbolize(parseLog(log), { vmlinux: ko, modulesDir: join(dir, 'modules') });
    const f = r.frames.find((x) => x.module === 'crashme')!;
    assert.equal(f.file, 'drivers/crashme/m.c');
    assert.equal(f.line, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
