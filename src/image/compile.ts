// Reproducers are C programs compiled statically on the host (`gcc -static -pthread`), so the guest needs no
// libc; results are cached by the source's hash, and a compile error is shown to the user as gcc printed it.
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, hashOf } from '../util/cache.js';
import { ensurePackages } from '../util/deps.js';
import { KdkError, ExitCode, inputError } from '../util/errors.js';
import { run } from '../util/proc.js';
import { tempPathFor } from '../util/atomic.js';

export const COMPILE_PACKAGES = ['gcc', 'libc6-dev'];
const CFLAGS = ['-static', '-pthread', '-O1', '-w'];

/** Compile `source` (a .c file) into a static binary; returns the cached binary's path. */
export async function compileStatic(source: string, log: (l: string) => void = () => {}): Promise<string> {
  if (!existsSync(source)) throw inputError(`reproducer not found`, source);
  const text = readFileSync(source);
  const key = hashOf('gcc-static-v1', CFLAGS.join(' '), text).slice(0, 20);
  const out = join(cacheDir('images'), `bin-${key}`);
  if (existsSync(out)) return out; // cached: no need for the compiler
  ensurePackages(COMPILE_PACKAGES, log);
  const tmp = tempPathFor(out);
  log(`kdk: compiling ${source} (gcc ${CFLAGS.join(' ')})`);
  const r = await run('gcc', [...CFLAGS, '-o', tmp, source], { timeoutMs: 300_000 });
  if (r.code !== 0) {
    rmSync(tmp, { force: true });
    const first = /^([^:\n]+):(\d+):(?:\d+:)? error: (.*)$/m.exec(r.stderr);
    const msg = first ? first[3] : 'compilation failed';
    throw new KdkError(`reproducer does not compile: ${msg}\n${r.stderr.trim()}`, {
      file: source,
      line: first ? Number(first[2]) : undefined,
      exitCode: ExitCode.usage,
    });
  }
  renameSync(tmp, out);
  return out;
}
