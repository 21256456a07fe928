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
