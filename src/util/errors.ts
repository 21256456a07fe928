// kdk's own error type: every expected failure (bad input, missing tool, failed step) is a KdkError,
// so the CLI can map it to the documented exit code and fuzz tests can tell it from a crash.

/** Exit codes shared by every command (see docs/conventions.md). */
export const ExitCode = {
  ok: 0,
  /** The command ran and found the failure it was asked about (build failed, crash reproduced...). */
  failure: 1,
  /** Usage or input error: bad flag, malformed file. */
  usage: 2,
  /** Something the environment lacks (qemu, apt as non-root...). */
  environment: 3,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorLocation {
  file?: string;
  line?: number;
}

export class KdkError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly file?: string;
  readonly line?: number;
  /** A command that would fix the problem, when there is one (e.g. the apt-get line). */
  readonly hint?: string;

  constructor(
    message: string,
    opts: ErrorLocation & { exitCode?: ExitCodeValue; hint?: string; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'KdkError';
    this.exitCode = opts.exitCode ?? ExitCode.usage;
    this.file = opts.file;
    this.line = opts.line;
    this.hint = opts.hint;
  }

  /** "file:line: message" as compilers print it, so editors can jump to the spot. */
  format(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}` : ''}: ` : '';
    return `${where}${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }
}

export function inputError(message: string, file?: string, line?: number): KdkError {
  return new KdkError(message, { file, line, exitCode: ExitCode.usage });
}

export function envError(message: string, hint?: string): KdkError {
  return new KdkError(message, { exitCode: ExitCode.environment, hint });
}

/**
 * Failures of the file system rather than of kdk's logic, each named for a person: the machine's (exit 3,
 * environment) or a path the user gave that cannot be written as asked (exit 2, usage).
 */
const SYSTEM_ERRORS: Record<string, { what: string; exit: ExitCodeValue }> = {
  ENOSPC: { what: 'no space left on device', exit: ExitCode.environment },
  EDQUOT: { what: 'disk quota exceeded', exit: ExitCode.environment },
  EROFS: { what: 'read-only file system', exit: ExitCode.environment },
  EACCES: { what: 'permission denied', exit: ExitCode.environment },
  EPERM: { what: 'operation not permitted', exit: ExitCode.environment },
  EEXIST: { what: 'exists and is not a directory', exit: ExitCode.usage },
  EISDIR: { what: 'is a directory (give a file name)', exit: ExitCode.usage },
  ENOTDIR: { what: 'a part of the path is not a directory', exit: ExitCode.usage },
  // A file the user named that is not there (kdk's own files are checked before use, so this is the input's).
  ENOENT: { what: 'no such file or directory', exit: ExitCode.usage },
  // A port another program holds: the machine's state, not kdk's bug.
  EADDRINUSE: { what: 'address already in use (choose another port)', exit: ExitCode.environment },
};

/**
 * A Node system error (a full disk while writing output, say) as a KdkError naming the file, or undefined for
 * anything else, which stays a crash with its stack: those are kdk's bugs.
 */
export function systemError(err: unknown): KdkError | undefined {
  const e = err as NodeJS.ErrnoException;
  const known = typeof e?.code === 'string' ? SYSTEM_ERRORS[e.code] : undefined;
  if (!known) return undefined;
  // A rename's error is about where it was going (dest), e.g. EISDIR for an output that is a directory.
  const dest = (e as { dest?: string }).dest;
  const net = e as { address?: string; port?: number };
  const where =
    e.syscall === 'rename' && dest ? dest : (e.path ?? dest ?? (net.port ? `${net.address}:${net.port}` : undefined));
  return new KdkError(`${known.what}${e.syscall ? ` (${e.syscall})` : ''}`, {
    file: where,
    exitCode: known.exit,
    hint: e.code === 'ENOSPC' || e.code === 'EDQUOT' ? `free space where it writes (df -h ${where ?? '.'})` : undefined,
    cause: err,
  });
}
