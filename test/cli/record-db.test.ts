// `--db` on the commands that produce results (issue 11, Recording): `kdk run`, `kdk gap cves` and `kdk flavour`
// record what they printed, and running the same command twice adds nothing (a run is keyed by its console's
// sha256, a gap report and a flavour by their content). The run boots the cached small test kernel with the
// sample LKDTM reproducer; the flavour is the default one on Debian's own tree (apt, cached).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import { openStore } from '../../src/store/index.js';
import { defaultLocalversion } from '../../src/build/index.js';
import { kdk, smallKernel, tmp } from '../vm/fixtures.js';

async function counts(db: string) {
  const store = await openStore(db);
  try {
    const { bugs } = await store.listBugs();
    return { bugs: bugs.map((b) => [b.title, b.crashes]), runs: (await store.listRuns()).length };
  } finally {
    await store.close();
  }
}

test('kdk run --db records the crash it printed, once; a second identical result adds nothing', async () => {
  const kernel = await smallKernel();
  const db = join(tmp('kdk-record-'), 'kdk.db');
  const repro = join(projectRoot, 'examples', 'bugs', 'lkdtm-warning', 'repro.c');
  const r = await kdk(['run', '--kernel', kernel.bzImage, '--repro', repro, '--json', '--db', db]);
  assert.equal(r.code, 1, r.stderr); // the crash was found
  const printed = JSON.parse(r.stdout) as { runs: { crashes: { title: string }[] }[] };
  const titles = printed.runs.flatMap((x) => x.crashes.map((c) => c.title));
  assert.ok(titles.length > 0, r.stderr);
  assert.match(r.stderr, /kdk: recorded: 0 build\(s\), 1 run\(s\)/);
  const after = await counts(db);
  assert.deepEqual(after.bugs.map((b) => b[0]).sort(), [...new Set(titles)].sort());
  assert.equal(after.runs, 1);
  // The same --json document ingested again (as `kdk ingest` of the saved output would): nothing added.
  const saved = join(tmp('kdk-record-'), 'run.json');
  writeFileSync(saved, r.stdout);
  const again = await kdk(['ingest', '--db', db, saved]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(await counts(db), after);
});

test('kdk gap cves --db records its findings; the same query twice adds nothing; a bad store is exit 2', async () => {
  const db = join(tmp('kdk-record-'), 'kdk.db');
  const first = await kdk(['gap', 'cves', '--kernel-version', '6.1.170', '--json', '--db', db]);
  assert.equal(first.code, 1, first.stderr); // open CVEs found
  const open = (JSON.parse(first.stdout) as { findings: unknown[] }).findings.length;
  const m = /recorded: .* (\d+) gap finding\(s\)/.exec(first.stderr);
  assert.equal(Number(m?.[1]), open, first.stderr);
  const second = await kdk(['gap', 'cves', '--kernel-version', '6.1.170', '--json', '--db', db]);
  assert.match(second.stderr, /already recorded/);
  const bad = await kdk(['gap', 'cves', '--kernel-version', '6.1.170', '--db', '/proc/no-such-dir/kdk.db']);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /no-such-dir/);
  assert.ok(!/\n\s+at /.test(bad.stderr), `no stack trace:\n${bad.stderr}`);
});

interface FlavourJson {
  tree: string;
  configHash: string;
  base: { source: string };
  profile: { profiles: string[] };
  packaging: { version: string };
}

/** What the kernel's own make says a build of this .config is called, with the LOCALVERSION kdk build passes. */
function kernelRelease(tree: string, config: string, profiles: string[]): { release: string; version: string } {
  const o = tmp('kdk-record-o-');
  mkdirSync(o, { recursive: true });
  copyFileSync(config, join(o, '.config'));
  const make = (...args: string[]) =>
    execFileSync('make', ['-s', '-C', tree, `O=${o}`, 'ARCH=x86', ...args], { encoding: 'utf8' }).trim();
  make('olddefconfig');
  return {
    release: make(`LOCALVERSION=${defaultLocalversion(profiles.join('+'))}`, 'kernelrelease'),
    version: make('kernelversion'),
  };
}

test('kdk flavour --db records the flavour and the kernel it defines; again, or as ingested files, adds nothing', async () => {
  const dir = tmp('kdk-record-');
  const db = join(dir, 'kdk.db');
  const out = join(dir, 'fl');
  const r = await kdk(['flavour', '--json', '--out', out, '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /kdk: recorded: 1 flavour\(s\)/);
  const printed = JSON.parse(r.stdout) as FlavourJson;
  const want = kernelRelease(printed.tree, join(out, '.config'), printed.profile.profiles);
  const packagingDir = /^Debian packaging (\S+)$/.exec(printed.base.source)![1];
  const changelog = readFileSync(join(packagingDir, 'debian', 'changelog'), 'utf8');
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { configHash: string };
  const state = async () => {
    const store = await openStore(db);
    try {
      const flavours = await store.listFlavours();
      const kernels = await store.listKernels();
      const art = flavours[0] && (await store.getArtifact(flavours[0].reportSha));
      return { flavours, kernels, report: art && Buffer.from(art.content).toString('utf8') };
    } finally {
      await store.close();
    }
  };
  const first = await state();
  assert.equal(first.flavours.length, 1);
  const [f] = first.flavours;
  assert.equal(f.kernel, want.release);
  assert.equal(f.treeVersion, want.version);
  assert.equal(f.packagingVersion, /^linux \(([^)]+)\)/.exec(changelog)![1]);
  assert.equal(f.configHash, manifest.configHash);
  assert.equal(f.arch, 'amd64');
  // The stored report is the report.json the command wrote.
  assert.deepEqual(JSON.parse(first.report!), JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
  assert.deepEqual(
    first.kernels.map((k) => [k.name, k.version, k.config_hash, k.tree]),
    [[want.release, want.release, manifest.configHash, printed.tree]],
  );
  // The same flavour again (another --out), then its saved --json and its report.json: nothing added.
  const again = await kdk(['flavour', '--out', join(dir, 'fl2'), '--db', db]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /already recorded/);
  const saved = join(dir, 'flavour.json');
  writeFileSync(saved, r.stdout);
  const ingested = await kdk(['ingest', '--db', db, saved, join(out, 'report.json')]);
  assert.equal(ingested.code, 0, ingested.stderr);
  assert.equal(ingested.stdout.match(/already in the store/g)?.length, 2, ingested.stdout);
  const second = await state();
  assert.deepEqual(second, first);
});
