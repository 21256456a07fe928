// `kdk publish`: a flavour's .debs into a signed apt repository; `kdk sign`: a kernel and modules for Secure Boot.
import type { Command } from 'commander';
import { addCommonOptions, type CommonOptions, printJson, say } from './common.js';
import { inputError } from '../util/errors.js';

interface PublishOptions extends CommonOptions {
  debs: string;
  repo: string;
  suite: string;
  key?: string;
  keyFile?: string;
  passphraseFile?: string;
  keep?: string;
  url?: string;
  origin?: string;
}

function keySpec(opts: { key?: string; keyFile?: string }): { keyId: string } | { keyFile: string } {
  if (Boolean(opts.key) === Boolean(opts.keyFile))
    throw inputError('give exactly one of --key KEYID and --key-file FILE');
  return opts.key ? { keyId: opts.key } : { keyFile: opts.keyFile! };
}

export function registerPublish(program: Command): void {
  const cmd = program
    .command('publish')
    .description("add a flavour's .debs to a signed apt repository (apt-ftparchive + gpg) and print its sources entry")
    .requiredOption('--debs <dir>', 'directory of .debs: a flavour directory after kdk build, or any directory')
    .requiredOption('--repo <dir>', 'the repository directory (created on first use)')
    .requiredOption('--suite <name>', 'suite (and codename) to publish into, e.g. bookworm-debug')
    .option('--key <keyid>', 'sign with this secret key from your own gpg keyring (only read)')
    .option('--key-file <file>', 'sign with the secret key in this file (imported into a GNUPGHOME made for this run)')
    .option('--passphrase-file <file>', "the signing key's passphrase, if it has one")
    .option('--keep <n>', 'versions of each package kept in the suite (default: all)')
    .option('--url <uri>', 'URIs: of the printed sources entry (default: file://<repo>)')
    .option('--origin <name>', 'Origin and Label of the Release file', 'kdk')
    .addHelpText(
      'after',
      '\nExample:\n  kdk publish --debs fl --repo /srv/debug-archive --suite bookworm-debug --key-file debug-archive.key --keep 3\n' +
        '  # then on a client: the printed entry into /etc/apt/sources.list.d/kdk-debug.sources; apt update\n' +
        '\nExit: 0 published; 2 bad input (no .debs, a version rebuilt with other bytes, a key gpg cannot use); 3 a tool missing.' +
        '\nA failure leaves the previously published repository as it was.',
    )
    .action(async (opts: PublishOptions) => {
      const key = keySpec(opts);
      const keep = opts.keep === undefined ? undefined : Number(opts.keep);
      if (keep !== undefined && (!Number.isInteger(keep) || keep < 1)) {
        throw inputError(`--keep: expected a positive integer, got '${opts.keep}'`);
      }
      const { ensurePackages } = await import('../util/deps.js');
      const { publish, PUBLISH_PACKAGES } = await import('../publish/index.js');
      ensurePackages(PUBLISH_PACKAGES);
      const r = publish({
        debsDir: opts.debs,
        repo: opts.repo,
        suite: opts.suite,
        key,
        passphraseFile: opts.passphraseFile,
        keep,
        url: opts.url,
        origin: opts.origin,
        log: opts.quiet ? undefined : (l) => process.stderr.write(`kdk: ${l}\n`),
      });
      if (opts.json) return printJson(r);
      process.stderr.write(
        `kdk: ${r.suite} generation ${r.generation}: ${r.entries.length} package(s), ${r.added.length} added, ` +
          `${r.dropped.length} dropped by --keep; signed by ${r.fingerprint}\n` +
          `kdk: sources entry (also in ${r.sourcesFile}):\n`,
      );
      say(opts, r.sources);
    });
  addCommonOptions(cmd);
}
