// `kdk publish`: a flavour's .debs into a signed apt repository; `kdk sign`: a kernel and modules for Secure Boot.
import type { Command } from 'commander';
import { addCommonOptions, type CommonOptions, printJson, say, setExitCode } from './common.js';
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
      '\nExample (debug-archive.key: your archive key, e.g. from gpg --export-secret-keys; docs/publish.md):\n' +
        '  kdk publish --debs fl --repo debug-archive --suite bookworm-debug --key-file debug-archive.key --keep 3\n' +
        '  # serve debug-archive/ (--url: its address); on a client: the printed entry into /etc/apt/sources.list.d/kdk-debug.sources; apt update\n' +
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

interface SignOptions extends CommonOptions {
  key?: string;
  cert?: string;
  filesJson?: string;
  debs?: string;
  templateModules: string;
  trustedCert?: string[];
  kernel?: string;
  modules?: string;
  config?: string;
  srctree?: string;
  out?: string;
}

export function registerSign(program: Command): void {
  const cmd = program
    .command('sign')
    .description("sign a kernel (sbsign) and its modules (the tree's sign-file) for Secure Boot, and check its config")
    .argument('[build]', 'a flavour directory after kdk build (its build/ tree gives image, modules and .config)')
    .option('--key <file>', 'your signing key (PEM)')
    .option('--cert <file>', 'its certificate (PEM), the one enrolled in the firmware db')
    .option('--kernel <bzImage>', 'sign this kernel image instead of a build')
    .option('--modules <dir>', 'modules to sign (with --kernel)')
    .option('--config <file>', "the kernel config to check (default: the build's .config)")
    .option('--srctree <dir>', 'kernel tree for the Kconfig check and sign-file (default: Debian linux-source-6.1)')
    .option('--out <dir>', 'where the signed files go (default: <build>/signed or ./kdk-signed)')
    .option('--files-json <file>', "instead of signing: write the files.json of Debian's code-signing service")
    .option('--debs <dir>', 'with --files-json: the .debs to describe (default: the build directory)')
    .option('--template-modules <which>', "with --files-json: 'unsigned' modules (default) or 'all'", 'unsigned')
    .option('--trusted-cert <pem...>', 'with --files-json: certificates the kernel trusts, as trusted_certs')
    .addHelpText(
      'after',
      '\nExamples (db.key, db.crt: your Secure Boot db key and certificate, PEM; docs/publish.md):\n' +
        '  kdk sign --key db.key --cert db.crt fl            # a kdk build: image, modules and .config of fl/build\n' +
        '  kdk sign --key db.key --cert db.crt --kernel /vmlinuz --out signed   # the installed Debian kernel\n' +
        '\nExit: 0 signed and the config has what Secure Boot needs; 1 signed but the config lacks something (reasons shown),\n' +
        'or the image is no EFI application; 2 bad input; 3 a tool missing.',
    )
    .action(async (build: string | undefined, opts: SignOptions) => {
      if (opts.filesJson) return writeFilesJson(build, opts);
      if (!opts.key || !opts.cert) throw inputError('give --key FILE and --cert FILE (or --files-json FILE)');
      if (Boolean(build) === Boolean(opts.kernel))
        throw inputError('give a build directory or --kernel IMAGE (one of them)');
      const { join, resolve } = await import('node:path');
      const { existsSync, mkdirSync } = await import('node:fs');
      const { ensurePackages } = await import('../util/deps.js');
      const { debianSourceTree } = await import('../distro/index.js');
      const pub = await import('../publish/index.js');
      ensurePackages(pub.SIGN_PACKAGES);
      const buildDir = build ? join(build, 'build') : undefined;
      const image = opts.kernel ?? join(buildDir!, 'arch/x86/boot/bzImage');
      if (!existsSync(image)) throw inputError('no kernel image (run kdk build first)', image);
      const srctree = opts.srctree ?? debianSourceTree().dir;
      const out = resolve(opts.out ?? (build ? join(build, 'signed') : 'kdk-signed'));
      mkdirSync(out, { recursive: true });
      const config = opts.config ?? (buildDir ? join(buildDir, '.config') : undefined);
      const check = config
        ? pub.checkSecureBootConfig({
            configFile: config,
            srctree,
            cert: opts.cert!,
            keyDirs: buildDir ? [buildDir] : [],
          })
        : undefined;
      const kernel = pub.signKernelImage(image, opts.key, opts.cert, join(out, 'vmlinuz.efi'));
      const modDir = opts.modules ?? buildDir;
      const modules =
        modDir && pub.findModules(modDir).length
          ? pub.signModules({
              modulesDir: modDir,
              outDir: join(out, 'modules'),
              key: opts.key,
              cert: opts.cert,
              signFile: pub.signFileTool({ buildDir, srctree }),
            })
          : [];
      const result = { kernel: join(out, 'vmlinuz.efi'), removedSignatures: kernel.removed, modules, config: check };
      if (check && !check.ok) setExitCode(1);
      if (opts.json) return printJson(result);
      say(
        opts,
        `kernel: ${result.kernel} (sbverify OK${kernel.removed ? `; ${kernel.removed} old signature(s) removed` : ''})`,
      );
      say(opts, `modules: ${modules.length} signed under ${join(out, 'modules')}`);
      if (!check) say(opts, 'config: not checked (give --config)');
      for (const r of check?.requirements ?? []) {
        say(
          opts,
          `  ${r.ok ? 'ok ' : 'NO '} CONFIG_${r.symbol}=${r.actual}${r.ok ? '' : ` (${r.sticks ? 'would stick if set' : r.reason})`}`,
        );
      }
      if (check) say(opts, `  trusted keys: ${check.trust.note}`);
    });
  addCommonOptions(cmd);
}

/** `kdk sign --files-json`: the signing service's template from the image .debs, nothing signed here. */
async function writeFilesJson(build: string | undefined, opts: SignOptions): Promise<void> {
  const dir = opts.debs ?? build;
  if (!dir) throw inputError('--files-json: give the build directory or --debs DIR');
  if (opts.templateModules !== 'unsigned' && opts.templateModules !== 'all')
    throw inputError(`--template-modules: 'unsigned' or 'all', not '${opts.templateModules}'`);
  const pub = await import('../publish/index.js');
  const { writeFileAtomic } = await import('../util/atomic.js');
  const r = await pub.signingFilesJson(pub.collectDebs(dir), {
    modules: opts.templateModules,
    trustedCerts: opts.trustedCert,
  });
  writeFileAtomic(opts.filesJson!, JSON.stringify(r.filesJson, null, 2) + '\n');
  if (opts.json) return printJson({ path: opts.filesJson, ...r });
  for (const [pkg, p] of Object.entries(r.filesJson.packages)) {
    const mods = p.files.filter((f) => f.sig_type === 'linux-module').length;
    const sk = r.skipped[pkg];
    say(
      opts,
      `${pkg}: ${p.files.length - mods} EFI image(s), ${mods} module(s) to sign` +
        (sk.signed ? `; ${sk.signed} already signed left out (--template-modules all lists them)` : ''),
    );
    if (sk.compressed.length)
      say(opts, `  ${sk.compressed.length} compressed module(s) not listed: the service signs .ko files`);
  }
  say(opts, `wrote ${opts.filesJson}`);
}
