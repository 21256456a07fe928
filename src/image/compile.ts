// Reproducers are C programs compiled statically (`gcc -static -pthread`), so the guest needs no libc. The
// compile runs in the sandbox of sandbox.ts (a reproducer is hostile input and must never read the host);
// results are cached by the source's hash, and a compile error is shown as gcc printed it, naming the file.
import {
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { cacheDir, hashOf } from '../util/cache.js';
import { ensurePackages } from '../util/deps.js';
import { KdkError, ExitCode, envError, inputError } from '../util/errors.js';
import { run } from '../util/proc.js';
import { tempPathFor, writeFileAtomic } from '../util/atomic.js';
import { withScratchDir } from '../util/scratch.js';
import { LIMITS, SANDBOX_HEADERS, SANDBOX_PACKAGES, sandboxArgv } from './sandbox.js';

export const COMPILE_PACKAGES = ['gcc', 'libc6-dev', ...SANDBOX_PACKAGES];
const CFLAGS = ['-static', '-pthread', '-O1', '-w'];
/** A reproducer larger than this is not a reproducer. */
const MAX_SOURCE_BYTES = 16 * 1024 * 1024;
/** gcc's messages quoted in an error: enough for the first errors, bounded whatever the source does. */
const MAX_MESSAGE_BYTES = 8 * 1024;

export interface CompileOptions {
  /** Refuse a symlinked source (bundle files: a `repro.c` link would read any host file). */
  noSymlinks?: boolean;
  /**
   * Installed UAPI headers (a `make headers_install` directory holding include/) searched before the system's
   * linux-libc-dev ones: a reproducer is compiled against the target kernel's own structures and numbers.
   */
  uapiHeaders?: string;
}

/** The source's bytes, read from a regular file (a symlink only when allowed), at most MAX_SOURCE_BYTES. */
function readSource(source: string, opts: CompileOptions): Buffer {
  if (!existsSync(source)) throw inputError('reproducer not found', source);
  let fd: number;
  try {
    fd = openSync(source, constants.O_RDONLY | (opts.noSymlinks ? constants.O_NOFOLLOW : 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw inputError('reproducer is a symlink: refused', source);
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw inputError('reproducer is not a regular file', source);
    if (st.size > MAX_SOURCE_BYTES) throw inputError(`reproducer is over ${MAX_SOURCE_BYTES >> 20} MiB`, source);
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/** A printable, bounded excerpt of gcc's stderr. */
function excerpt(stderr: string): string {
  const cut = stderr.length > MAX_MESSAGE_BYTES ? stderr.slice(0, MAX_MESSAGE_BYTES) + '\n[...]' : stderr;
  return cut.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?').trim();
}

/** Compile `source` (a .c file) into a static binary; returns the cached binary's path. */
export async function compileStatic(
  source: string,
  log: (l: string) => void = () => {},
  opts: CompileOptions = {},
): Promise<string> {
  const text = readSource(source, opts);
  const headers = opts.uapiHeaders ? ['-isystem', `${SANDBOX_HEADERS}/include`] : [];
  // The headers by their directory: kdk's own cache names it by the tree it was installed from.
  const key = hashOf('gcc-static-sandboxed-v1', CFLAGS.join(' '), opts.uapiHeaders ?? '', text).slice(0, 20);
  const out = join(cacheDir('images'), `bin-${key}`);
  if (existsSync(out)) return out; // cached: no need for the compiler
  ensurePackages(COMPILE_PACKAGES, log);
  // gcc names the file in its messages as it was given: keep the user's file name, if it is a plain one.
  const name = /^[A-Za-z0-9._-]{1,64}\.c$/.test(basename(source)) ? basename(source) : 'repro.c';
  log(
    `kdk: compiling ${source} (gcc ${CFLAGS.join(' ')}, sandboxed${opts.uapiHeaders ? `, headers of ${opts.uapiHeaders}` : ''})`,
  );
  await withScratchDir('compile', async (dir) => {
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'out'));
    writeFileAtomic(join(dir, 'src', name), text);
    const argv = sandboxArgv(
      join(dir, 'src'),
      join(dir, 'out'),
      ['gcc', ...CFLAGS, ...headers, '-o', '/out/bin', name],
      opts.uapiHeaders,
    );
    const r = await run('bwrap', argv, { timeoutMs: LIMITS.wallMs, maxBuffer: 1024 * 1024 });
    // bwrap's own failure (no user namespaces for a non-root user, say) is the machine's, not the reproducer's.
    if (r.code !== 0 && /^bwrap: /m.test(r.stderr) && !/^[^:\n]+:\d+:/m.test(r.stderr)) {
      throw envError(
        `the compile sandbox cannot start: ${excerpt(r.stderr)}`,
        'run as root, or enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)',
      );
    }
    if (r.code !== 0 || !existsSync(join(dir, 'out', 'bin'))) {
      const first = /^([^:\n]+):(\d+):(?:\d+:)? (?:fatal )?error: (.*)$/m.exec(r.stderr);
      const msg = r.timedOut
        ? `the compiler ran past ${LIMITS.wallMs / 1000} s`
        : first
          ? first[3]
          : `compilation failed (exit ${r.code ?? r.signal})`;
      throw new KdkError(`reproducer does not compile: ${excerpt(msg)}\n${excerpt(r.stderr)}`, {
        file: source,
        line: first ? Number(first[2]) : undefined,
        exitCode: ExitCode.usage,
      });
    }
    // The scratch dir may be on another filesystem than the cache: copy beside the target, then rename.
    const tmp = tempPathFor(out);
    copyFileSync(join(dir, 'out', 'bin'), tmp);
    renameSync(tmp, out);
  });
  return out;
}
