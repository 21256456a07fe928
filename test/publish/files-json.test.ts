// kdk sign --files-json against ground truth nobody here wrote: Debian's own signed-template package
// (linux-image-amd64-signed-template, whose files.json Debian's code-signing service reads) and the unsigned image
// package it describes, both fetched with the machine's apt (about 72 MB, cached under $KDK_CACHE/debian). kdk's
// template for that .deb must equal Debian's entry, and every module in the .deb's real file list is accounted
// for: listed with --template-modules all, or carrying a signature. kdk's own tinyconfig .deb is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { aptBinaryVersions, aptDownload } from '../../src/distro/index.js';
import { cacheDir } from '../../src/util/cache.js';
import { packagesSkipReason } from '../../src/util/deps.js';
import { skipIf } from '../helpers.js';
import { kdk, kernelDebsDir, tmp } from './fixtures.js';

const TEMPLATE = 'linux-image-amd64-signed-template';
const skip = skipIf(packagesSkipReason(['dpkg-dev', 'openssl']));

function fetchDeb(pkg: string, version: string): string {
  const dl = aptDownload(pkg, version, join(cacheDir('debian'), 'debs'));
  assert.ok(dl.deb, dl.error);
  return dl.deb!;
}

function throwawayCert(dir: string): string {
  const crt = join(dir, 'kdk-throwaway.crt');
  const args = ['req', '-new', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=kdk-throwaway/'];
  const g = spawnSync('openssl', [...args, '-keyout', join(dir, 'kdk-throwaway.key'), '-out', crt]);
  assert.equal(g.status, 0, g.stderr.toString());
  return crt;
}

/** openssl's SHA-256 fingerprint of a certificate, as lowercase hex (how trusted_certs writes it). */
function opensslFingerprint(crt: string): string {
  const r = spawnSync('openssl', ['x509', '-in', crt, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
  const hex = r.stdout.replace(/^.*=/, '').replace(/:/g, '').trim().toLowerCase();
  assert.match(hex, /^[0-9a-f]{64}$/, r.stderr);
  return hex;
}

type FilesJson = { packages: Record<string, { trusted_certs: string[]; files: { sig_type: string; file: string }[] }> };

test("kdk sign --files-json on Debian's unsigned image .deb gives Debian's own files.json entry", { skip }, () => {
  const version = aptBinaryVersions(TEMPLATE)[0];
  assert.ok(version, `apt knows ${TEMPLATE}`);
  const dir = tmp();
  assert.equal(spawnSync('dpkg-deb', ['-x', fetchDeb(TEMPLATE, version), join(dir, 't')]).status, 0);
  const theirs = JSON.parse(
    readFileSync(join(dir, 't', 'usr/share/code-signing', TEMPLATE, 'files.json'), 'utf8'),
  ) as FilesJson;
  // The amd64 flavour's unsigned package, as the template itself names it (linux-image-<abi>-amd64-unsigned).
  const pkg = Object.keys(theirs.packages).find((p) => /^linux-image-[\d.]+-\d+-amd64-unsigned$/.test(p));
  assert.ok(pkg, `the template names the amd64 unsigned image: ${Object.keys(theirs.packages).join(' ')}`);
  const debs = join(dir, 'debs');
  mkdirSync(debs);
  const deb = fetchDeb(pkg, version);
  symlinkSync(deb, join(debs, 'image.deb'));

  const r = kdk(['sign', '--files-json', join(dir, 'files.json'), '--debs', debs, '--json']);
  assert.equal(r.code, 0, r.stderr);
  process.stderr.write(`kdk sign --files-json on a ${pkg} .deb: ${r.seconds.toFixed(1)} s\n`);
  const ours = JSON.parse(readFileSync(join(dir, 'files.json'), 'utf8')) as FilesJson;
  assert.deepEqual(ours.packages[pkg], theirs.packages[pkg]);

  // Every module of the .deb's real file list: with --template-modules all each is listed once; by default they are
  // left out because each carries Debian's build-time signature (the skipped count says so).
  const listed = spawnSync('dpkg-deb', ['-c', deb], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout;
  const kos = [...listed.matchAll(/ \.\/((?:usr\/)?lib\/modules\/\S+\.ko)$/gm)].map((m) => m[1]).sort();
  assert.ok(kos.length > 1000, `a real kernel's modules (${kos.length})`);
  assert.equal(JSON.parse(r.stdout).skipped[pkg].signed, kos.length);
  const crt = throwawayCert(dir);
  const all = kdk([
    'sign',
    '--files-json',
    join(dir, 'all.json'),
    '--debs',
    debs,
    '--template-modules',
    'all',
    '--trusted-cert',
    crt,
  ]);
  assert.equal(all.code, 0, all.stderr);
  const entry = (JSON.parse(readFileSync(join(dir, 'all.json'), 'utf8')) as FilesJson).packages[pkg];
  assert.deepEqual(entry.trusted_certs, [opensslFingerprint(crt)]);
  const files = entry.files;
  assert.deepEqual(
    files
      .filter((f) => f.sig_type === 'linux-module')
      .map((f) => f.file)
      .sort(),
    kos,
  );
  const image = [...listed.matchAll(/ \.\/(boot\/vmlinuz-\S+)$/gm)].map((m) => m[1]);
  assert.deepEqual(
    files.filter((f) => f.sig_type === 'efi').map((f) => f.file),
    image,
  );
});

test("kdk sign --files-json refuses kdk's tinyconfig .deb, no EFI stub (exit 1); no .debs is exit 2", { skip }, () => {
  const dir = tmp();
  const build = kernelDebsDir(); // the flavour directory test/build builds: tinyconfig, no EFI stub
  const r = kdk(['sign', '--files-json', join(dir, 'f.json'), build]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /no EFI application.*CONFIG_EFI_STUB/);
  assert.ok(!existsSync(join(dir, 'f.json')), 'nothing written');
  assert.equal(kdk(['sign', '--files-json', join(dir, 'f.json'), '--debs', dir]).code, 2, 'no .debs: exit 2');
});
