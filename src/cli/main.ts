// The `kdk` command: wires each command group (one file each under src/cli/) into commander.
import { type Command, CommanderError } from 'commander';
import { KdkCommand } from './program.js';
import { exitQuietlyOnBrokenPipe, reportError, takeExitCode } from './common.js';
import { ExitCode } from '../util/errors.js';
import { registerCommands } from './commands.js';

/** The program; with `argv`, only the command group it runs is loaded (see commands.ts). */
export async function buildProgram(argv?: string[]): Promise<Command> {
  const program = new KdkCommand('kdk')
    .description(
      'Kernel Debug Kit: debug flavours, builds, boot/reproduce, crash triage and patch gap for distribution kernels',
    )
    .version('0.1.0')
    // The error and its suggestion stay the last lines on screen, not buried above the whole help.
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError()
    .exitOverride();
  await registerCommands(program, argv);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  exitQuietlyOnBrokenPipe();
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
    return takeExitCode();
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with code 0; usage errors get the documented code 2.
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    return reportError(err);
  }
}
