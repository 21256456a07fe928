// Shared set-up of the publish tests: throwaway gpg keys (never a real one), the small test kernel's real
// bindeb-pkg .debs, re-versioned copies of them, a private apt state, and the kdk CLI as a child process.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import { cacheDir } from '../../src/util/cache.js';
import { debianSourceTree } from '../../src/distro/index.js';

/** A temp directory apt's unprivileged _apt user can read (mkdtemp's are 0700): apt fetches as _apt. */
export function tmp(prefix = 'kdk-pubtest-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(d, 0o755);
  return d;
}

export function kdk(args: string[], env: NodeJS.ProcessEnv = {}) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin', 'kdk.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 1_500_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, seconds: (Date.now() - t0) / 1000 };
}

export interface TestKey {
  home: string;
  keyFile: string;
  fingerprint: string;
}

/** A throwaway signing key in its own GNUPGHOME, exported to a file (with a passphrase when given). */
export function throwawayKey(passphrase = ''): TestKey {
  const home = mkdtempSync(join(tmpdir(), 'kdk-g-'));
  const g = (args: string[]) => {
    const r = spawnSync('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', passphrase, ...args], {
      env: { ...process.env, GNUPGHOME: home },
    });
    if (r.status !== 0) throw new Error(`gpg ${args.join(' ')}: ${r.stderr.toString()}`);
    return r.stdout.toString();
  };
  g(['--quick-gen-key', 'kdk throwaway test key <test@kdk.invalid>', 'ed25519', 'sign', 'never']);
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(g(['--with-colons', '--list-secret-keys']))![1];
  const keyFile = join(home, 'secret.asc');
  writeFileSync(keyFile, g(['--armor', '--export-secret-keys', fingerprint]));
  return { home, keyFile, fingerprint };
}

/** A throwaway self-signed X.509 key and certificate (RSA 2048, SHA-256): `dir/<file>.key` and `.crt`. */
export function throwawayCert(dir: string, cn: string, file = cn): { key: string; crt: string } {
  const key = join(dir, `${file}.key`);
  const crt = join(dir, `${file}.crt`);
  const args = ['req', '-new', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '30'];
  const r = spawnSync('openssl', [...args, '-subj', `/CN=${cn}/`, '-keyout', key, '-out', crt], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl req: ${r.stderr}`);
  return { key, crt };
}

export function dropKey(k: TestKey): void {
  spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: k.home } });
  rmSync(k.home, { recursive: true, force: true });
}

/**
 * The small tinyconfig kernel's .debs from `make bindeb-pkg`, in the flavour directory test/build builds (and
 * caches) under $KDK_CACHE/kernels; built here the same way when that test has not run yet (minutes).
 */
export function kernelDebsDir(): string {
  const flavour = join(cacheDir('kernels'), 'test-tinyconfig-x86_64');
  const have = () => existsSync(flavour) && readdirSync(flavour).some((f) => /^linux-image-.*\.deb$/.test(f));
  if (have()) return flavour;
  mkdirSync(flavour, { recursive: true });
  if (!existsSync(join(flavour, '.config'))) {
    const tree = debianSourceTree();
    const t = tmp('kdk-tiny-');
    const r = spawnSync('make', ['-s', '-C', tree.dir, `O=${t}`, 'ARCH=x86_64', 'tinyconfig'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    writeFileSync(join(flavour, '.config'), readFileSync(join(t, '.config')));
    rmSync(t, { recursive: true, force: true });
  }
  const r = kdk(['build', '--flavour', flavour, '--jobs', '2', '--quiet']);
  if (r.code !== 0 || !have()) throw new Error(`kdk build of the small kernel failed: ${r.stderr}`);
  return flavour;
}

/** The image .deb of that build, re-packed by dpkg-deb with another Version (a stand-in for a rebuild). */
export function reversioned(srcDir: string, version: string): string {
  const deb = readdirSync(srcDir).find((f) => /^linux-image-.*\.deb$/.test(f) && !f.includes('-dbg_'))!;
  const work = tmp('kdk-rev-');
  const tree = join(work, 'tree');
  const run = (args: string[]) => {
    const r = spawnSync('dpkg-deb', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`dpkg-deb ${args.join(' ')}: ${r.stderr}`);
  };
  run(['-R', join(srcDir, deb), tree]);
  const control = join(tree, 'DEBIAN', 'control');
  writeFileSync(control, readFileSync(control, 'utf8').replace(/^Version: .*$/m, `Version: ${version}`));
  const out = join(work, 'debs');
  mkdirSync(out);
  run(['-Zxz', '-b', tree, join(out, deb.replace(/_[^_]+_amd64\.deb$/, `_${version}_amd64.deb`))]);
  rmSync(tree, { recursive: true, force: true });
  return out;
}

/** A private apt state whose only source is `sourcesFile` (a deb822 entry), as kdk does for trixie. */
export function privateApt(sourcesFile: string) {
  const dir = tmp('kdk-apt-');
  for (const d of ['lists/partial', 'cache/archives/partial', 'parts', 'prefs'])
    mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'status'), '');
  writeFileSync(join(dir, 'parts', 'kdk.sources'), readFileSync(sourcesFile));
  const args = [
    `-o=Dir::State::Lists=${join(dir, 'lists')}`,
    `-o=Dir::State::status=${join(dir, 'status')}`,
    `-o=Dir::Cache=${join(dir, 'cache')}`,
    '-o=Dir::Etc::SourceList=/dev/null',
    `-o=Dir::Etc::SourceParts=${join(dir, 'parts')}`,
    '-o=Dir::Etc::Preferences=/dev/null',
    `-o=Dir::Etc::PreferencesParts=${join(dir, 'prefs')}`,
    '-o=APT::Architectures=amd64',
    '-o=Acquire::Languages=none',
  ];
  const apt = (tool: string, a: string[]) => {
    const r = spawnSync(tool, ['-q', ...args, ...a], { encoding: 'utf8' });
    return { code: r.status, out: r.stdout + r.stderr };
  };
  return {
    dir,
    update: () => apt('apt-get', ['update']),
    get: (a: string[]) => apt('apt-get', a),
    cache: (a: string[]) => apt('apt-cache', a),
  };
}
