// Signing with gpg. A key file gets a GNUPGHOME kdk makes for this run (mode 0700, removed afterwards, its agent
// stopped); a key id signs from the user's own keyring, which kdk only reads. kdk never generates a key here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { inputError, envError, KdkError } from '../util/errors.js';

export type KeySpec = { keyId: string } | { keyFile: string };

export interface Signer {
  fingerprint: string;
  /** The public key, ASCII-armoured and binary (what Signed-By and a keyring file hold). */
  publicArmored: string;
  publicBinary: Buffer;
  clearsign(inFile: string, outFile: string): void;
  detachSign(inFile: string, outFile: string): void;
  close(): void;
}

function gpg(home: string | undefined, args: string[], input?: string) {
  // A short GNUPGHOME under /tmp: gpg-agent's socket path must fit in 108 bytes.
  const env = { ...process.env, ...(home ? { GNUPGHOME: home } : {}) };
  const r = spawnSync('gpg', ['--batch', '--no-tty', '--pinentry-mode', 'loopback', ...args], {
    env,
    input,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw envError(`cannot run gpg: ${r.error.message}`, 'apt-get install -y gnupg');
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** The one signing-capable secret key's fingerprint that `id` names, or an error naming why none. */
function secretFingerprint(home: string | undefined, id: string, what: string): string {
  const r = gpg(home, ['--with-colons', '--list-secret-keys', ...(id ? ['--', id] : [])]);
  if (r.status !== 0) throw inputError(`${what}: no secret key '${id}' (gpg --list-secret-keys)`);
  const lines = r.stdout.toString('utf8').split('\n');
  const fprs: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const f = lines[i].split(':');
    if (f[0] !== 'sec') continue;
    const fpr = lines.slice(i + 1).find((l) => l.startsWith('fpr:'));
    if (f[11]?.includes('S') && fpr) fprs.push(fpr.split(':')[9]);
  }
  if (fprs.length !== 1) {
    throw inputError(`${what}: '${id}' names ${fprs.length} signing keys; give one fingerprint with --key`);
  }
  return fprs[0];
}

export function openSigner(spec: KeySpec, passphraseFile?: string): Signer {
  let home: string | undefined;
  let fingerprint: string;
  if ('keyFile' in spec) {
    home = mkdtempSync(join(tmpdir(), 'kdk-gpg-'));
    const imp = gpg(home, ['--import', spec.keyFile]);
    if (imp.status !== 0) {
      rmSync(home, { recursive: true, force: true });
      throw inputError(`gpg cannot import the key: ${imp.stderr.trim().split('\n').pop()}`, spec.keyFile);
    }
    try {
      fingerprint = secretFingerprint(home, '', `--key-file ${spec.keyFile}`);
    } catch (err) {
      rmSync(home, { recursive: true, force: true });
      throw err instanceof KdkError ? inputError(`${spec.keyFile}: holds no single secret signing key`) : err;
    }
  } else {
    fingerprint = secretFingerprint(undefined, spec.keyId, '--key');
  }
  const pass = passphraseFile ? ['--passphrase-file', passphraseFile] : ['--passphrase', ''];
  const sign = (mode: string[], inFile: string, outFile: string) => {
    const r = gpg(home, [
      '--yes',
      ...pass,
      '--local-user',
      fingerprint,
      '--digest-algo',
      'SHA512',
      ...mode,
      '-o',
      outFile,
      inFile,
    ]);
    if (r.status !== 0) {
      const why = r.stderr.trim().split('\n').pop() ?? '';
      throw new KdkError(`gpg could not sign ${inFile}: ${why}`, {
        exitCode: 2,
        hint: /passphrase|Bad/i.test(why) ? 'the key needs a passphrase: give it with --passphrase-file' : undefined,
      });
    }
  };
  const exp = (armor: boolean) => gpg(home, [...(armor ? ['--armor'] : []), '--export', fingerprint]).stdout;
  return {
    fingerprint,
    publicArmored: exp(true).toString('utf8'),
    publicBinary: exp(false),
    clearsign: (i, o) => sign(['--clearsign'], i, o),
    detachSign: (i, o) => sign(['--armor', '--detach-sign'], i, o),
    close() {
      if (!home) return;
      spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: home } });
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Check a signature with gpgv against a binary keyring file (what apt itself does). */
export function verifyWith(keyring: string, sigOrClearsigned: string, data?: string): boolean {
  const args = ['--keyring', keyring, sigOrClearsigned, ...(data ? [data] : [])];
  return spawnSync('gpgv', args, { encoding: 'utf8' }).status === 0;
}
