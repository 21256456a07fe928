// kdk's commander Command: a mistyped flag is named (with commander's "Did you mean" suggestion) before any
// complaint about a missing required option. Stock commander checks required options first, so
// `kdk boot --kernal x` said "required option '--kernel' not specified" and never mentioned `--kernal`.
import { Command } from 'commander';

const HELP_FLAGS = new Set(['-h', '--help']);

export class KdkCommand extends Command {
  override createCommand(name?: string): Command {
    return new KdkCommand(name);
  }

  override parseOptions(argv: string[]): { operands: string[]; unknown: string[] } {
    const parsed = super.parseOptions(argv);
    // Only a leaf command owns its unknown options; a group passes them on to its subcommand.
    const first = parsed.unknown[0];
    if (this.commands.length === 0 && first?.startsWith('-') && first !== '-' && !argv.some((a) => HELP_FLAGS.has(a))) {
      // unknownOption is commander's own error path (exit code, suggestion), not in its typings.
      (this as unknown as { unknownOption(flag: string): never }).unknownOption(first);
    }
    return parsed;
  }
}
