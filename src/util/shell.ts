// Shell quoting for the commands kdk prints for a person to paste (hints, "next: kdk build ..."): an argument
// with a space or a shell metacharacter gets single quotes, so `CC=ccache gcc` stays one argument.
const SAFE = /^[A-Za-z0-9_/.,:=+@%^-]+$/;

export function shellQuote(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellCommand(args: string[]): string {
  return args.map(shellQuote).join(' ');
}
