// `kdk plan mvp --db` and the dashboard's builds page on a real SQLite store. The store holds two BuildRecords
// carrying the figures scripts/measure-detectors.sh measured (docs/plan.md): the plain small-base kernel and its
// KASAN one, filed as kdk build files them (profile `kasan`, same base and goals), and a syzbot-profile build that
// enables many detectors at once and so measures none of them alone. The plan must take KASAN's build and image
// ratios from the pair, say `measured` and name the builds, and keep every other figure a default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import { buildsPage } from '../../src/server/pages.js';
import type { MvpPlan } from '../../src/plan/index.js';
import { haveShared, projectRoot, skipIf } from '../helpers.js';

const skip = skipIf(haveShared('corpora', 'syzkaller-report', 'report') ? undefined : 'no shared syzkaller corpus');
const kdk = join(projectRoot, 'bin', 'kdk.js');

function record(profile: string, cpuSeconds: number, bzImage: number, start: string) {
  return {
    flavour: profile ? `small-${profile}` : 'small',
    profile,
    base: 'measure-detectors',
    arch: 'x86_64',
    kernelVersion: `6.1.176-kdk${profile ? '-' + profile : ''}`,
    configHash: `c-${profile || 'plain'}`,
    start,
    end: start,
    wallSeconds: cpuSeconds,
    cpuSeconds,
    jobs: 2,
    target: 'bzImage',
    ccache: null,
    artifacts: { bzImage },
    exitStatus: 0,
  };
}

test(
  'plan mvp --db: a single-detector build pair is measured, the rest stays default; the builds page shows it',
  { skip },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kdk-mvp-db-'));
    const db = join(dir, 'kdk.db');
    try {
      const store = await openStore(db);
      try {
        await store.record(record('', 213.13, 1090560, '2026-12-03T14:47:00.000Z'), 'plain');
        await store.record(record('kasan', 288.41, 1618944, '2026-12-03T15:05:00.000Z'), 'kasan');
        await store.record(record('syzbot', 6746, 29400000, '2026-12-02T10:00:00.000Z'), 'syzbot');
      } finally {
        await store.close();
      }
      const r = spawnSync(process.execPath, [kdk, 'plan', 'mvp', '--db', db, '--json'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const plan = JSON.parse(r.stdout) as MvpPlan;
      const kasan = plan.rows.find((x) => x.detector === 'KASAN')!;
      assert.equal(kasan.figures.buildRatio.source, 'measured');
      assert.ok(Math.abs(kasan.figures.buildRatio.value - 288.41 / 213.13) < 1e-9);
      assert.ok(Math.abs(kasan.figures.imageRatio.value - 1618944 / 1090560) < 1e-9);
      assert.match(kasan.figures.buildRatio.from, /build #\d+ \(small-kasan, profile kasan\) vs plain build #\d+/);
      assert.equal(kasan.figures.bootSeconds.source, 'default', 'no runs in the store: boot stays the default');
      for (const row of plan.rows.filter((x) => x.detector !== 'KASAN'))
        for (const f of Object.values(row.figures)) assert.equal(f.source, 'default', row.detector);
      assert.ok(plan.measuredFrom?.some((n) => /small-syzbot\): profiles enable \d+ detectors/.test(n)));
      // The dashboard's builds page: the builds, then the same table with KASAN's measured figures marked.
      const s2 = await openStore(db);
      try {
        const page = await buildsPage(s2);
        assert.match(page, /<table id="mvp">/);
        for (const row of plan.rows) assert.match(page, new RegExp(`<td>${row.detector}</td>`));
        assert.match(page, /title="measured: [^"]*small-kasan[^"]*">[\d.]+\*<\/td>/);
        assert.match(page, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      } finally {
        await s2.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
