// `kdk sweep` on real kernels and real bugs. The small test kernel as shipped (Debian's linux-source-6.1, every
// fix in): the sample LKDTM bundle reproduces, a bundle requiring an option the kernel lacks is not-applicable
// with the Kconfig reason, and the corpus' real 6.1 bugs (test/sweep/data/bugs: CVE-2024-43893, CVE-2025-39756,
// CVE-2026-31521) crash nothing while their fixes are present; a second sweep takes every result from the first. Then the same
// kernel built from the tree with those fixes reverted (patch -R of the diffs kept beside each bundle; cached
// like the test kernel): each real bug reproduces with its own title, names its fix commit, and is a missing
// backport. The fixes' presence is decided from the kernel's source tree by each bundle's fix.patch (the trees
// have no git history) — both kernels say 6.1.176, so their version could not tell them apart. Both sweeps record
// into a store (--db, SQLite; the first one's --json also ingested into a real PostgreSQL): every run with its
// crashes, and each bundle's verdict per (kernel, bug); the resumed sweep records nothing new.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { openStore } from '../../src/store/index.js';
import { pgUnavailable, startPg, type PgCluster } from '../store/pg.js';
import { debianSourceTree, patchedTree } from '../../src/distro/index.js';
import { smallTestKernel } from '../../src/build/index.js';
import { projectRoot } from '../helpers.js';
import { kdk, noQemuWith, smallKernel, tag, tmp } from '../vm/fixtures.js';

const corpus = join(import.meta.dirname, 'data', 'bugs');
const realNames = ['serial-uartclk-zero', 'fdtable-int-max', 'module-bad-shndx'];
const real = realNames.map((b) => join(corpus, b));
const lkdtm = join(projectRoot, 'examples', 'bugs', 'lkdtm-warning');
const log = (l: string) => process.stderr.write(l + '\n');

/** The fixes reverted: every fix.patch of the corpus, in this order (it names the tree's cache entry). */
function revertedTree() {
  const patches = ['serial-uartclk-zero', 'fdtable-int-max', 'module-bad-shndx'].map((d) =>
    join(corpus, d, 'fix.patch'),
  );
  return patchedTree(debianSourceTree(log), patches, { reverse: true });
}

function needsNet(): string {
  const dir = join(tmp('kdk-sweep-'), 'needs-net');
  mkdirSync(dir);
  writeFileSync(join(dir, 'bug.json'), JSON.stringify({ title: 'WARNING in lkdtm_WARNING', requires: ['CONFIG_NET'] }));
  copyFileSync(join(lkdtm, 'repro.c'), join(dir, 'repro.c'));
  return dir;
}

interface Result {
  bundle: string;
  title: string;
  verdict: string;
  assessment?: string;
  fix: { state: string; how: string };
  runRecords: { consoleSha256?: string; crashes: unknown[] }[];
}

/** What a store holds of the sweeps: runs, each bug's crashes and kernels, and the sweep verdicts. */
async function stored(db: string) {
  const store = await openStore(db);
  try {
    const { bugs } = await store.listBugs();
    return {
      runs: (await store.listRuns()).length,
      bugs: Object.fromEntries(bugs.map((b) => [b.title, { crashes: b.crashes, kernels: b.kernels }])),
      verdicts: (await store.listSweepVerdicts()).map(({ recordedAt: _t, bugId: _b, ...v }) => v),
    };
  } finally {
    await store.close();
  }
}

/**
 * The store agrees with the printed report: a verdict per bug on this kernel (of bundles naming the same bug, the
 * one that says most: the bug reproduced by LKDTM's bundle is not-applicable by needs-net's only), and a bundle
 * that crashed with its own title left those crashes in its bug, on this kernel.
 */
function assertRecorded(
  s: Awaited<ReturnType<typeof stored>>,
  report: { kernel: { image: string }; results: Result[] },
) {
  const order = ['reproduces', 'flaky', 'different-crash', 'no-crash', 'not-applicable'];
  const titles = [...new Set(report.results.map((r) => r.title))];
  assert.equal(s.verdicts.filter((v) => v.kernel === report.kernel.image).length, titles.length);
  for (const title of titles) {
    const r = report.results
      .filter((x) => x.title === title)
      .sort((a, b) => order.indexOf(a.verdict) - order.indexOf(b.verdict))[0];
    const v = s.verdicts.find((x) => x.kernel === report.kernel.image && x.bug === title);
    assert.ok(v, `${title}: no verdict recorded`);
    assert.equal(v.bundle, r.bundle);
    assert.equal(v.verdict, r.verdict);
    assert.equal(v.assessment ?? undefined, r.assessment);
    assert.deepEqual(v.fix, r.fix);
    if (r.verdict === 'reproduces') {
      assert.ok(s.bugs[title].crashes >= 1, r.bundle);
      assert.ok(s.bugs[title].kernels.includes(report.kernel.image), r.bundle);
    }
  }
}

let pg: PgCluster | undefined;
after(() => pg?.stop());

async function sweep(kernel: string, srctree: string, bundles: string[], extra: string[] = []) {
  const t = tag();
  const r = await kdk([
    'sweep',
    '--kernel',
    kernel,
    '--srctree',
    srctree,
    '--bundles',
    ...bundles,
    '--repeat',
    '1',
    '--parallel',
    '2',
    '--append',
    t,
    '--json',
    ...extra,
  ]);
  assert.deepEqual(await noQemuWith(t), []);
  const report = JSON.parse(r.stdout || '{}');
  const by = (name: string) => report.results.find((x: { bundle: string }) => x.bundle.endsWith(`/${name}`));
  const runs = (report.results as Result[]).reduce((n, x) => n + x.runRecords.length, 0);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, report, by, runs };
}

test('the shipped kernel: LKDTM reproduces, a missing option is not-applicable, the fixed real bugs do not crash', async () => {
  const k = await smallKernel();
  const tree = debianSourceTree(log).dir;
  const bundles = [lkdtm, needsNet(), ...real];
  const db = join(tmp('kdk-sweep-db-'), 'kdk.db');
  const first = await sweep(k.bzImage, tree, bundles, ['--fresh', '--db', db]);
  assert.equal(first.code, 1, first.stderr); // a bug reproduced
  assert.equal(first.by('lkdtm-warning').verdict, 'reproduces');
  const na = first.by('needs-net');
  assert.equal(na.verdict, 'not-applicable');
  assert.equal(na.missing[0].option, 'CONFIG_NET');
  assert.ok(na.missing[0].why.length > 0 && na.missing[0].toChange.length > 0);
  for (const b of realNames) {
    const r = first.by(b);
    assert.equal(r.verdict, 'no-crash', `${b}: ${JSON.stringify(r.titles)}`);
    assert.equal(r.fix.state, 'present', r.fix.how);
    assert.equal(r.assessment, 'fixed');
    assert.equal(r.resumed, false);
    assert.match(r.headers, /uapi-/); // compiled against the tree's own UAPI headers
  }
  // Recorded: one run per console the sweep printed (LKDTM's crash among them), a verdict per bundle.
  assert.equal(first.runs, bundles.length - 1); // needs-net ran nothing
  const rec = await stored(db);
  assert.equal(rec.runs, first.runs);
  assertRecorded(rec, first.report);
  assert.match(
    first.stderr,
    new RegExp(`recorded: 0 build\\(s\\), ${first.runs} run\\(s\\), .* ${rec.verdicts.length} sweep verdict`),
  );
  // Resumable: the same kernel again runs nothing and gives the same verdicts, and records nothing new.
  const again = await sweep(k.bzImage, tree, bundles, ['--db', db]);
  for (const r of again.report.results) {
    assert.equal(r.resumed, true, r.bundle);
    assert.equal(r.verdict, first.report.results.find((x: { bundle: string }) => x.bundle === r.bundle).verdict);
  }
  assert.ok(!/compiling/.test(again.stderr), again.stderr); // nothing compiled, nothing booted
  assert.match(again.stderr, /recorded: 0 build\(s\), 0 run\(s\), 0 crash\(es\), 0 gap finding\(s\), 0 sweep verdict/);
  assert.deepEqual(await stored(db), rec);
  // The same --json document into PostgreSQL (`kdk ingest`, the path --db takes): the same rows.
  const why = pgUnavailable();
  if (why) {
    log(`kdk: sweep test: no PostgreSQL (${why}); SQLite only`);
    return;
  }
  pg ??= await startPg();
  pg.createDb('sweep');
  const saved = join(tmp('kdk-sweep-db-'), 'sweep.json');
  writeFileSync(saved, first.stdout);
  const ing = await kdk(['ingest', '--db', pg.url('sweep'), saved]);
  assert.equal(ing.code, 0, ing.stderr);
  assert.deepEqual(await stored(pg.url('sweep')), rec);
});

test('the kernel with the fixes reverted: each real bug reproduces, names its fix, and is a missing backport', async (t) => {
  const tree = revertedTree();
  // Only booted: no bindeb-pkg (its headers and, with DWARF, debug packages would cost minutes for nothing).
  const k = await smallTestKernel(log, { tree, headers: false });
  // Built through the test kernel's ccache, beside its own tree (kernel-cache.ts): the untouched files hit. Only
  // reported: other builds sharing the cache at the same time blur the counts.
  const c = k.record.ccache;
  t.diagnostic(
    `reverted kernel built ${k.record.builtAt}: ${k.record.buildSeconds.toFixed(0)} s wall, ${k.record.cpuSeconds} CPU-s${c ? `, ccache ${c.hits} hits / ${c.misses} misses` : ''}`,
  );
  const db = join(tmp('kdk-sweep-db-'), 'kdk.db');
  const { report, by, stderr, runs } = await sweep(k.bzImage, tree.dir, real, ['--fresh', '--db', db]);
  for (const dir of real) {
    const bug = JSON.parse(readFileSync(join(dir, 'bug.json'), 'utf8'));
    const r = by(dir.split('/').pop()!);
    assert.equal(r.verdict, 'reproduces', `${dir}: ${JSON.stringify(r.titles)}\n${stderr}`);
    assert.equal(r.title, bug.title);
    assert.equal(r.fixCommit, bug.fix.commit);
    assert.equal(r.cve, bug.cve);
    assert.equal(r.fix.state, 'missing', r.fix.how);
    assert.equal(r.assessment, 'missing backport');
  }
  assert.equal(report.kernel.release, '6.1.176');
  const rec = await stored(db);
  assert.equal(rec.runs, runs);
  assertRecorded(rec, report);
});
