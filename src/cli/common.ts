// What every command shares: --json/--quiet handling, output helpers, and the mapping of errors to exit codes.
import { type Command, Option } from 'commander';
import { KdkError, ExitCode, systemError } from '../util/errors.js';
import { escapeTerminal } from '../util/text.js';

export interface CommonOptions {
  json?: boolean;
  quiet?: boolean;
}

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'print one JSON document on stdout (human text goes to stderr)')
    .option('-q, --quiet', 'no progress output');
}

/**
 * An old spelling of a flag, kept working for one release (docs/conventions.md, Flags): hidden from --help, its
 * value lands on the new flag, and a person at a terminal is told the new name.
 */
export function oldSpelling(cmd: Command, flags: string, target: string, newFlag: string): Command {
  const opt = new Option(flags).hideHelp();
  cmd.addOption(opt);
  cmd.on(`option:${opt.name()}`, (v: unknown) => {
    cmd.setOptionValue(target, v);
    if (process.stderr.isTTY) process.stderr.write(`kdk: note: ${opt.long} is now ${newFlag}\n`);
  });
  return cmd;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Human-readable lines: stdout normally, stderr when --json owns stdout. */
export function say(opts: CommonOptions, text: string): void {
  // Human text quotes titles and subjects strangers wrote: their escape sequences never reach the terminal.
  const safe = escapeTerminal(text);
  (opts.json ? process.stderr : process.stdout).write(safe.endsWith('\n') ? safe : safe + '\n');
}

/** The exit code a command sets; commander actions store it here since they cannot return it. */
let pendingExit: number = ExitCode.ok;
export function setExitCode(code: number): void {
  pendingExit = Math.max(pendingExit, code);
}
export function takeExitCode(): number {
  const c = pendingExit;
  pendingExit = ExitCode.ok;
  return c;
}

/**
 * `kdk ... | head`: a reader that goes away early is no error. Without this, node reports the EPIPE of the next
 * write as an unhandled 'error' event with a stack trace. Exits with the command's code so far (diff's 1 stays 1).
 */
let pipeGuarded = false;
export function exitQuietlyOnBrokenPipe(stream: NodeJS.WriteStream = process.stdout): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    // The command may have finished already (its code handed to process.exitCode) or still be running.
    process.exit(Math.max(Number(process.exitCode ?? 0), pendingExit));
  });
}

export function reportError(err: unknown): number {
  const known = err instanceof KdkError ? err : systemError(err);
  if (known) {
    process.stderr.write(`kdk: error: ${escapeTerminal(known.format())}\n`);
    return known.exitCode;
  }
  throw err;
}
