// Sizes come from apt's real Packages indexes for every bookworm release architecture (fetched once into the
// cache); the assertions compare strategies with each other and with the measured inputs, not fixed numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../helpers.js';
import { makePlan, kernelSizesFromPackages, BOOKWORM_RELEASE_ARCHS, measuredSizes } from '../../src/plan/index.js';

const kdk = join(projectRoot, 'bin', 'kdk.js');
const run = (args: string[]) => spawnSync(process.execPath, [kdk, ...args], { encoding: 'utf8', timeout: 600_000 });

test("measured sizes: every release arch has kernel flavours; amd64's image and -dbg are real-sized", () => {
  const m = measuredSizes();
  assert.deepEqual(m.missing, []);
  assert.deepEqual(Object.keys(m.archs).sort(), [...BOOKWORM_RELEASE_ARCHS].sort());
  const amd64 = m.archs.amd64.find((f) => f.flavour === 'amd64')!;
  assert.ok(amd64.image > 40e6 && amd64.image < 150e6, `amd64 image ${amd64.image}`);
  assert.ok(amd64.dbg > 10 * amd64.image, '-dbg is an order of magnitude larger than the image');
});

test('Packages parsing: newest ABI per flavour, signed/unsigned/dbg/headers folded together', () => {
  const stanza = (pkg: string, size: number, v = '6.1.1-1') => `Package: ${pkg}\nVersion: ${v}\nSize: ${size}\n`;
  const text = [
    stanza('linux-image-6.1.0-9-amd64', 100),
    stanza('linux-image-6.1.0-9-amd64-dbg', 1000),
    stanza('linux-image-6.1.0-10-amd64-unsigned', 110),
    stanza('linux-image-6.1.0-10-amd64-dbg', 1100),
    stanza('linux-headers-6.1.0-10-amd64', 7),
    stanza('linux-headers-6.1.0-10-common', 50),
    stanza('linux-image-amd64', 5),
  ].join('\n');
  assert.deepEqual(kernelSizesFromPackages(text, 'amd64'), [
    { arch: 'amd64', flavour: 'amd64', abi: '6.1.0-10', version: '6.1.1-1', image: 110, dbg: 1100, headers: 7 },
  ]);
});

test('strategies order as they should, and parameters act linearly', () => {
  const plan = makePlan({});
  const by = Object.fromEntries(plan.strategies.map((s) => [s.strategy, s]));
  assert.equal(plan.strategies.length, 5);
  assert.ok(plan.inputs.current.dbgShare > 0.8, 'most of what Debian ships per upload is -dbg');
  assert.equal(by['separate-archive'].perYear.mirrorTrafficGB, 0);
  assert.equal(by['combined'].perYear.mirrorTrafficGB, 0);
  assert.ok(by['no-dbg'].perUpload.archiveGB < by['all-archs'].perUpload.archiveGB / 5);
  assert.ok(by['amd64-arm64-dev'].perYear.buildHours < by['all-archs'].perYear.buildHours);
  assert.equal(by['all-archs'].archs.length, 8);
  const doubled = makePlan({ params: { mirrors: plan.inputs.params.mirrors * 2 }, sizes: plan.inputs.sizes });
  const d = Object.fromEntries(doubled.strategies.map((s) => [s.strategy, s]));
  assert.ok(Math.abs(d['all-archs'].perYear.mirrorTrafficGB - 2 * by['all-archs'].perYear.mirrorTrafficGB) < 1e-6);
});

test('kdk plan --json --chart writes an SVG with a bar per strategy and metric; bad input exits 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kdk-plan-'));
  try {
    const svg = join(dir, 'p.svg');
    const r = run(['plan', '--json', '--chart', svg, '--mirrors', '400', '--uploads', 'unstable=20']);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.inputs.params.mirrors, 400);
    assert.equal(doc.inputs.params.uploadsPerYear.unstable, 20);
    const text = readFileSync(svg, 'utf8');
    assert.match(text, /^<svg /);
    assert.equal((text.match(/<rect [^>]*><title>/g) ?? []).length, 5 * 3);
    assert.equal(run(['plan', '--strategy', 'everything']).status, 2);
    assert.equal(run(['plan', '--uploads', 'sid=3']).status, 2);
    assert.equal(run(['plan', '--mirrors', '-1']).status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kdk plan --help states the default build ratio the plan really uses (issue 16 item 11)', async () => {
  const { DEFAULT_PARAMS } = await import('../../src/plan/model.js');
  const help = run(['plan', '--help']).stdout.replace(/\s+/g, ' ');
  assert.ok(help.includes(`records, else ${DEFAULT_PARAMS.buildRatio})`), help);
  assert.ok(help.includes(`records, else ${DEFAULT_PARAMS.sizeRatio})`), help);
});
