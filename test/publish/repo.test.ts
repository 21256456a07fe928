// kdk publish against the real tools: the small test kernel's bindeb-pkg .debs into a file:// repository made
// with apt-ftparchive and signed with a throwaway gpg key, then read by apt-get in a private apt state (never
// the machine's own), which is the ground truth for "a valid signed repository".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { packagesSkipReason } from '../../src/util/deps.js';
import { mergeEntries, type SuiteEntry } from '../../src/publish/index.js';
import { skipIf } from '../helpers.js';
import { dropKey, kdk, kernelDebsDir, privateApt, reversioned, throwawayKey, tmp, type TestKey } from './fixtures.js';

const skip = skipIf(packagesSkipReason(['apt-utils', 'gnupg', 'gpgv', 'dpkg-dev']));
let key: TestKey;
let debs: string;
before(() => {
  if (skip) return;
  key = throwawayKey();
  debs = kernelDebsDir();
});
after(() => key && dropKey(key));

const imagePkg = (dir: string) =>
  readdirSync(dir)
    .find((f) => /^linux-image-.*\.deb$/.test(f) && !f.includes('-dbg_'))!
    .split('_')[0];

function publish(repo: string, from: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  return kdk(
    ['publish', '--debs', from, '--repo', repo, '--suite', 'kdk-test', '--key-file', key.keyFile, ...extra],
    env,
  );
}

test(
  'published .debs: apt-get update accepts the signed repository and --download-only fetches the image',
  { skip },
  () => {
    const repo = join(tmp(), 'repo');
    const userHome = tmp('kdk-usergpg-'); // stands for the user's keyring: --key-file must not touch it
    const r = publish(repo, debs, [], { GNUPGHOME: userHome });
    assert.equal(r.code, 0, r.stderr);
    process.stderr.write(
      `kdk publish (${readdirSync(debs).filter((f) => f.endsWith('.deb')).length} .debs): ${r.seconds.toFixed(1)} s\n`,
    );
    assert.deepEqual(readdirSync(userHome), [], "the user's GNUPGHOME is untouched");
    assert.match(
      r.stdout,
      /^Types: deb\nURIs: file:\/\/.*\nSuites: kdk-test\nComponents: main\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----/,
    );
    for (const f of ['InRelease', 'Release.gpg', 'Release'])
      assert.ok(existsSync(join(repo, 'dists', 'kdk-test', f)), f);
    // The printed entry, verbatim, is the client's whole configuration.
    const sources = join(tmp(), 'printed.sources');
    writeFileSync(sources, r.stdout);
    const apt = privateApt(sources);
    const u = apt.update();
    assert.equal(u.code, 0, u.out);
    assert.doesNotMatch(u.out, /^(W|E|Err):/m, u.out);
    const pkg = imagePkg(debs);
    const d = apt.get(['install', '-y', '--download-only', pkg]);
    assert.equal(d.code, 0, d.out);
    assert.match(d.out, new RegExp(`Get:\\d+ file:${repo} kdk-test/main amd64 ${pkg.replace(/\./g, '\\.')} amd64 1 `));
    assert.match(d.out, /Download complete and in download only mode/);
  },
);

test(
  'publishing again adds the new version, --keep N drops the oldest, and a failed publish changes nothing',
  { skip },
  () => {
    const repo = join(tmp(), 'repo');
    const pkg = imagePkg(debs);
    assert.equal(publish(repo, debs).code, 0);
    const v2 = publish(repo, reversioned(debs, '2'));
    assert.equal(v2.code, 0, v2.stderr);
    const sources = join(repo, 'kdk-test.sources');
    const apt = privateApt(sources);
    const versions = () => {
      assert.equal(apt.update().code, 0);
      return [...apt.cache(['madison', pkg]).out.matchAll(/\|\s*(\S+)\s*\|/g)].map((m) => m[1]);
    };
    assert.deepEqual(versions(), ['2', '1'], 'both versions are published');
    const v3 = publish(repo, reversioned(debs, '3'), ['--keep', '2']);
    assert.equal(v3.code, 0, v3.stderr);
    assert.deepEqual(versions(), ['3', '2'], '--keep 2 dropped version 1');
    const pool = () => readdirSync(join(repo, 'pool/main/l/linux-upstream')).filter((f) => f.startsWith(pkg));
    // Version 1's file stays one generation (a client holding the previous InRelease can still fetch it).
    assert.ok(pool().some((f) => f.includes('_1_')));

    // A failure between writing the new generation and signing it: a key with a passphrase, none given.
    const before = readlinkSync(join(repo, 'dists', 'kdk-test'));
    const inRelease = readFileSync(join(repo, 'dists', 'kdk-test', 'InRelease'), 'utf8');
    const locked = throwawayKey('a passphrase');
    try {
      const bad = kdk([
        'publish',
        '--debs',
        reversioned(debs, '4'),
        '--repo',
        repo,
        '--suite',
        'kdk-test',
        '--key-file',
        locked.keyFile,
      ]);
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /could not sign/);
    } finally {
      dropKey(locked);
    }
    assert.equal(
      readlinkSync(join(repo, 'dists', 'kdk-test')),
      before,
      'dists/kdk-test still names the old generation',
    );
    assert.equal(readFileSync(join(repo, 'dists', 'kdk-test', 'InRelease'), 'utf8'), inRelease);
    assert.deepEqual(
      readdirSync(join(repo, 'dists')).filter((f) => f.includes('.tmp')),
      [],
      'no half-written generation left',
    );
    assert.deepEqual(versions(), ['3', '2'], 'apt still reads the previous repository');

    const v5 = publish(repo, reversioned(debs, '5'), ['--keep', '2']);
    assert.equal(v5.code, 0, v5.stderr);
    assert.deepEqual(versions(), ['5', '3']);
    assert.ok(!pool().some((f) => f.includes('_1_')), "version 1's pool file is gone once no kept generation names it");
  },
);

test(
  'apt refuses the repository when Packages is tampered with, or Release is re-hashed without the key',
  { skip },
  () => {
    const repo = join(tmp(), 'repo');
    assert.equal(publish(repo, debs).code, 0);
    const dist = join(repo, 'dists', 'kdk-test');
    const bin = join(dist, 'main', 'binary-amd64');
    const tamper = () => {
      // The attacker's Packages: the same stanza pointing at another file; every compressed copy rewritten too.
      const text = readFileSync(join(bin, 'Packages'), 'utf8').replace(/^Filename: .*$/gm, 'Filename: pool/evil.deb');
      writeFileSync(join(bin, 'Packages'), text);
      for (const [tool, ext] of [
        ['gzip', 'gz'],
        ['xz', 'xz'],
      ]) {
        writeFileSync(join(bin, `Packages.${ext}`), spawnSync(tool, ['-c'], { input: text }).stdout);
      }
    };
    tamper();
    const apt = privateApt(join(repo, 'kdk-test.sources'));
    const u = apt.update();
    assert.notEqual(u.code, 0, 'apt-get update fails');
    assert.match(u.out, /Hash Sum mismatch|File has unexpected size/);
    assert.doesNotMatch(apt.cache(['policy', imagePkg(debs)]).out, /pool\/evil|kdk-test/);

    // Now the attacker also rewrites Release and InRelease with the new hashes, but cannot sign them.
    const release = spawnSync('apt-ftparchive', ['release', '.'], { cwd: dist, encoding: 'utf8' }).stdout.replace(
      /^Date: .*\n/m,
      readFileSync(join(dist, 'Release'), 'utf8')
        .match(/^(Origin|Label|Suite|Codename|Date|Architectures|Components|Description): .*\n/gm)!
        .join(''),
    );
    writeFileSync(join(dist, 'Release'), release);
    const signed = readFileSync(join(dist, 'InRelease'), 'utf8');
    const body = /-----BEGIN PGP SIGNED MESSAGE-----\nHash: \S+\n\n([\s\S]*?)\n-----BEGIN PGP SIGNATURE-----/.exec(
      signed,
    )![1];
    writeFileSync(join(dist, 'InRelease'), signed.replace(body, release.trimEnd()));
    const u2 = apt.update();
    assert.notEqual(u2.code, 0);
    assert.match(u2.out, /BADSIG/);
    process.stderr.write(
      `apt on a tampered repository: ${/^E: .*$/m.exec(u.out)?.[0]} / ${/^E: .*$/m.exec(u2.out)?.[0]}\n`,
    );
  },
);

test('--keep keeps the newest versions per package and architecture in dpkg order', () => {
  const e = (pkg: string, version: string, architecture = 'amd64'): SuiteEntry => ({
    package: pkg,
    version,
    architecture,
    filename: `pool/${pkg}_${version}_${architecture}.deb`,
    size: 1,
    sha256: '',
  });
  const { entries, dropped } = mergeEntries(
    [e('a', '1.0~rc1'), e('a', '1.0'), e('a', '1.0', 'arm64'), e('b', '1:0.1')],
    [e('a', '1.0+deb12u1'), e('b', '2.0')],
    1,
  );
  assert.deepEqual(
    entries.map((x) => `${x.package}=${x.version}/${x.architecture}`),
    ['a=1.0+deb12u1/amd64', 'a=1.0/arm64', 'b=1:0.1/amd64'],
  );
  assert.deepEqual(
    dropped.map((x) => `${x.package}=${x.version}`),
    ['a=1.0', 'a=1.0~rc1', 'b=2.0'],
  );
});

test('kdk publish: usage errors exit 2', { skip }, () => {
  const both = kdk([
    'publish',
    '--debs',
    debs,
    '--repo',
    tmp(),
    '--suite',
    's',
    '--key',
    'x',
    '--key-file',
    key.keyFile,
  ]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /exactly one of --key/);
  const empty = kdk(['publish', '--debs', tmp(), '--repo', tmp(), '--suite', 's', '--key-file', key.keyFile]);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /no \.deb files/);
  const noKey = kdk(['publish', '--debs', debs, '--repo', tmp(), '--suite', 's', '--key', 'NOSUCHKEY'], {
    GNUPGHOME: tmp(),
  });
  assert.equal(noKey.code, 2);
  assert.match(noKey.stderr, /no secret key 'NOSUCHKEY'/);
});
