import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuildRecord, debugRatios, loadRecords } from '../../src/build/record.js';

const rec = (over: Partial<BuildRecord>): BuildRecord => ({
  flavour: 'f',
  profile: '',
  base: 'b1',
  arch: 'x86_64',
  kernelVersion: '6.1.0',
  configHash: 'h',
  start: '2026-01-01T00:00:00Z',
  end: '2026-01-01T00:10:00Z',
  wallSeconds: 600,
  cpuSeconds: 1000,
  jobs: 2,
  ccache: null,
  artifacts: { bzImage: 10 },
  exitStatus: 0,
  ...over,
});

test('debug/plain ratios pair builds of the same base and arch; failed builds and unpaired ones do not count', () => {
  assert.equal(debugRatios([rec({})]), undefined, 'no debug build, no ratio');
  const r = debugRatios([
    rec({}),
    rec({ profile: 'syzbot', cpuSeconds: 2500, artifacts: { bzImage: 15 } }),
    rec({ profile: 'syzbot', base: 'other', cpuSeconds: 9999 }),
    rec({ profile: 'kasan', cpuSeconds: 99999, exitStatus: 2 }),
  ]);
  assert.deepEqual(r, { build: 2.5, size: 1.5, pairs: 1 });
  // A warm-cache plain build against a cold debug build would inflate the ratio: not paired.
  const warm = { hits: 90, misses: 10, hitRate: 0.9 };
  assert.equal(debugRatios([rec({ ccache: warm }), rec({ profile: 'syzbot', cpuSeconds: 5000 })]), undefined);
});

test('a ratio pairs only builds of the same make goals (a bzImage-only build is not set against bzImage modules)', () => {
  const full = rec({ target: 'bzImage modules', cpuSeconds: 3000 });
  const sample = rec({ target: 'bzImage', cpuSeconds: 400 });
  const debugSample = rec({ profile: 'minimal', target: 'bzImage', cpuSeconds: 1000 });
  // Without the goal check the last plain record (the full build) would give 1000/3000.
  const sampleArtifacts = { artifacts: { modules: 0 } };
  assert.deepEqual(
    debugRatios([{ ...sample, ...sampleArtifacts }, full, { ...debugSample, ...sampleArtifacts }]),
    { build: 2.5, size: undefined, pairs: 1 },
    'no images in these records: no size ratio',
  );
  assert.equal(debugRatios([full, debugSample]), undefined);
  // Records from before the field existed were bindeb-pkg builds.
  assert.equal(debugRatios([rec({}), rec({ profile: 'minimal', target: 'bindeb-pkg', cpuSeconds: 2000 })])?.build, 2);
});

test('only whole-kernel pairs give a ratio: directory samples understate the debug cost', () => {
  const plainFull = rec({ target: 'bzImage modules', cpuSeconds: 2000 });
  const debugFull = rec({ profile: 'syzbot', target: 'bzImage modules', cpuSeconds: 6600 });
  const plainMm = rec({ target: 'mm/', cpuSeconds: 60 });
  const debugMm = rec({ profile: 'syzbot', target: 'mm/', cpuSeconds: 110 });
  assert.equal(debugRatios([plainMm, debugMm, plainFull, debugFull])?.build, 3.3);
  assert.equal(debugRatios([plainMm, debugMm, plainFull, debugFull])?.pairs, 1);
  assert.equal(debugRatios([plainMm, debugMm]), undefined, 'samples alone: the plan keeps its measured default');
});

test('loadRecords skips files that are not build records', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-rec-'));
  try {
    writeFileSync(join(dir, 'a.json'), JSON.stringify(rec({})));
    writeFileSync(join(dir, 'b.json'), '{"previous":"good"}');
    assert.equal(loadRecords(dir).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
