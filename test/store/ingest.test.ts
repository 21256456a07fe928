// `kdk ingest` of each kind of kdk output: build records, run results (single and `runs` lists), report JSON,
// gap cves (a real query on the shared CVE snapshot), reproducer bundles; each idempotent, malformed input
// named, and paths inside the input never followed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BuildRecord } from '../../src/build/record.js';
import { parseLog, reportToJson } from '../../src/report/index.js';
import { openStore } from '../../src/store/index.js';
import { parseKernelArg, queryCves } from '../../src/gap/index.js';
import { corpusCases, haveCorpus } from './corpus-logs.js';
import { tempDir } from './tmp.js';
import { snapshotIndex, snapshotMissing } from '../gap/snapshot.js';
import { projectRoot, skipIf } from '../helpers.js';

const skip = skipIf(haveCorpus() ? undefined : 'no ../shared/corpora/syzkaller-report');

test(
  'build records, run results and bundles; twice adds nothing; consoleLog paths are not read',
  { skip },
  async () => {
    const dir = tempDir();
    const store = await openStore(join(dir, 'kdk.db'));
    try {
      const build = BuildRecord.parse({
        flavour: 'debug-kasan',
        profile: 'kasan',
        base: 'debian-6.1',
        arch: 'x86_64',
        kernelVersion: '6.1.150',
        configHash: '1ae80fef5a91faf3',
        start: '2026-12-01T10:00:00.000Z',
        end: '2026-12-01T10:20:00.000Z',
        wallSeconds: 1200,
        cpuSeconds: 4400,
        jobs: 4,
        target: 'bzImage modules',
        ccache: { hits: 10, misses: 90, hitRate: 0.1 },
        artifacts: { bzImage: 12345678 },
        exitStatus: 0,
      });
      const bp = join(dir, 'build.json');
      writeFileSync(bp, JSON.stringify({ recordPath: '/somewhere/record.json', ...build }, null, 2));
      assert.equal((await store.ingest(bp)).builds, 1);
      assert.equal((await store.ingest(bp)).already, true);
      const [b] = await store.listBuilds();
      assert.equal(b.kernel, '6.1.150');
      assert.equal((b as Record<string, unknown>).wallSeconds, 1200);

      const [c1, c2] = corpusCases(2);
      const crash = (c: typeof c1) => reportToJson(parseLog(c.log)[0]);
      const run = {
        kernel: '/boot/vmlinuz-6.1.150-kasan',
        arch: 'x86_64',
        accelerator: 'tcg',
        booted: true,
        bootSeconds: 8.5,
        wallSeconds: 30,
        verdict: 'crash',
        reason: 'kernel crash',
        crashes: [crash(c1)],
        consoleLog: '/etc/passwd',
        programs: [],
      };
      const rp = join(dir, 'run.json');
      writeFileSync(rp, JSON.stringify({ ...run, accelVerdict: {} }));
      const r = await store.ingest(rp, { kernel: '6.1.150' });
      assert.deepEqual([r.kind, r.runs, r.crashes], ['run', 1, 1]);
      const many = join(dir, 'many.json');
      writeFileSync(
        many,
        JSON.stringify({ summary: {}, runs: [run, { ...run, crashes: [crash(c2)], verdict: 'crash' }] }),
      );
      // The first run of the list is the one already stored: only the second is new.
      const m = await store.ingest(many, { kernel: '6.1.150' });
      assert.deepEqual([m.runs, m.crashes], [1, 1]);
      assert.equal((await store.listRuns()).length, 2);
      const consoles = await store.conn.db
        .selectFrom('artifacts')
        .select('sha256')
        .where('kind', '=', 'console')
        .execute();
      assert.equal(consoles.length, 0, 'the run named /etc/passwd as its console: not read');

      // A bundle: its bug opens, its files attach; a later crash of the same title joins it.
      const bd = join(dir, 'bundle');
      mkdirSync(bd);
      writeFileSync(join(bd, 'bug.json'), JSON.stringify({ title: c2.want.title, kernel: { version: '6.1.150' } }));
      writeFileSync(join(bd, 'repro.c'), 'int main(void) { return 0; }\n');
      writeFileSync(join(bd, '.config'), 'CONFIG_KASAN=y\n');
      await store.ingest(bd);
      assert.equal((await store.ingest(bd)).already, true);
      const bug = (await store.listBugs({ q: c2.want.title })).bugs.find((x) => x.title === c2.want.title)!;
      const d = (await store.getBug(bug.id))!;
      assert.deepEqual(d.artifacts.map((a) => a.role).sort(), ['bug.json', 'config', 'repro.c']);
      assert.equal(d.crashes, 1);
    } finally {
      await store.close();
    }
  },
);

test(
  'gap cves --json: the findings of a real query land per kernel, grouped by subsystem',
  {
    skip: skipIf(snapshotMissing),
  },
  async () => {
    const idx = await snapshotIndex();
    const res = queryCves(idx, parseKernelArg('6.1.100'));
    assert.ok(res.findings.length > 100);
    const dir = tempDir();
    const p = join(dir, 'gap.json');
    writeFileSync(p, JSON.stringify(res));
    const store = await openStore(join(dir, 'kdk.db'));
    try {
      const r = await store.ingest(p);
      const unique = new Set(res.findings.map((f) => `${f.cve} ${f.fixCommit}`)).size;
      assert.equal(r.findings, unique);
      const gap = await store.gapOf('6.1.100');
      assert.equal(gap.length, unique);
      const f = res.findings.find((x) => x.files[0]?.startsWith('net/'))!;
      assert.equal(gap.find((g) => g.cve === f.cve)!.subsystem, f.files[0].split('/').slice(0, 2).join('/'));
    } finally {
      await store.close();
    }
  },
);

test('kdk ingest: malformed --json names the file (exit 2); --json prints the results', { skip }, () => {
  const dir = tempDir();
  const db = join(dir, 'kdk.db');
  const kdk = (...a: string[]) =>
    spawnSync(process.execPath, [join(projectRoot, 'bin', 'kdk.js'), 'ingest', '--db', db, ...a], { encoding: 'utf8' });
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ reports: [{ title: 3 }] }));
  const r = kdk(bad);
  assert.equal(r.status, 2);
  assert.match(r.stderr, new RegExp(`${bad}: not a kdk --json output: reports\\.0\\.title`));
  const log = join(dir, 'c.log');
  writeFileSync(log, corpusCases(1)[0].log);
  const ok = kdk('--json', log);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).results[0].crashes, 1);
  assert.equal(kdk(join(dir, 'missing.log')).status, 2);
});
