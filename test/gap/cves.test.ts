// The version rule on the shared snapshot: hand-checked pins, and the open counts for 6.1.192 and 6.1.150
// against an independent, deliberately simple computation straight from the unpacked .dyad files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { skipIf } from '../helpers.js';
import { parseKernelArg, queryCves, judgeCode } from '../../src/gap/index.js';
import { snapshotIndex, snapshotMissing } from './snapshot.js';

interface Pin {
  cve: string;
  why: string;
  cases: [string, boolean, (string | null)?][];
}
const pins = (JSON.parse(readFileSync(new URL('./data/pins.json', import.meta.url), 'utf8')) as { pins: Pin[] }).pins;

test('hand-checked CVEs get the verdict their .dyad lines give', { skip: skipIf(snapshotMissing) }, async () => {
  const index = await snapshotIndex();
  const byId = new Map(index.cves.map((c) => [c.id, c]));
  for (const pin of pins) {
    const c = byId.get(pin.cve);
    assert.ok(c, `${pin.cve} is in the index`);
    for (const [kernel, affected, fixedIn] of pin.cases) {
      const v = judgeCode(c.code, parseKernelArg(kernel));
      assert.equal(v.affected, affected, `${pin.cve} on ${kernel} (${pin.why})`);
      if (affected)
        assert.equal(v.fixedIn ?? null, fixedIn ?? null, `${pin.cve} on ${kernel}: first fix on the branch`);
    }
  }
});

// ---- the independent computation: plain string handling of the raw files, no kdk code ----
const isMain = (v: string) => /^(?:2\.6\.\d+|[3-9]\.\d+|\d{2,}\.\d+)(?:-rc\d+)?$/.test(v);
const num = (v: string) =>
  v
    .replace(/-rc(\d+)$/, '.rc$1')
    .split('.')
    .map((x) => (x.startsWith('rc') ? Number(x.slice(2)) - 1000 : Number(x)));
function mainLE(a: string, b: string): boolean {
  const [x, y] = [num(a), num(b)];
  const base = (v: number[]) => v.filter((n) => n >= 0);
  const bx = base(x);
  const by = base(y);
  for (let i = 0; i < Math.max(bx.length, by.length); i++)
    if ((bx[i] ?? -1) !== (by[i] ?? -1)) return (bx[i] ?? -1) < (by[i] ?? -1);
  const rc = (v: number[]) => v.find((n) => n < 0) ?? 0; // -rcN sorts before the release (0)
  return rc(x) <= rc(y);
}

/** Is a CVE open in 6.1.n, by the rule written out directly over raw dyad lines. */
function simpleOpen(dyad: string, n: number): boolean {
  const lines = dyad
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.trim().split(':'));
  const p61 = (v: string) => (/^6\.1\.\d+$/.test(v) ? Number(v.slice(4)) : undefined);
  for (const [vv, , fv] of lines) {
    const s = p61(vv);
    if (s === undefined) continue;
    const e = p61(fv) ?? Infinity;
    if (s <= n && n < e) return true;
  }
  const commits = new Set(lines.filter(([vv]) => vv === '0' || isMain(vv)).map(([vv, vc]) => `${vv}:${vc}`));
  for (const c of commits) {
    const vv = c.split(':')[0];
    if (vv !== '0' && !mainLE(vv, '6.1')) continue;
    const mine = lines.filter(([a, b]) => `${a}:${b}` === c);
    if (mine.some(([, , fv]) => isMain(fv) && mainLE(fv, '6.1'))) continue;
    const fix = Math.min(...mine.map(([, , fv]) => p61(fv) ?? Infinity));
    if (n < fix) return true;
  }
  return false;
}

test(
  'open CVE counts for 6.1.192 and 6.1.150 equal an independent computation from the .dyad files',
  { skip: skipIf(snapshotMissing) },
  async () => {
    // The tree the index was built from (unpacked once into the cache), read with plain fs calls only.
    const index = await snapshotIndex();
    const pub = index.tree;
    const dyads = readdirSync(pub)
      .filter((y) => /^\d{4}$/.test(y))
      .flatMap((y) =>
        readdirSync(join(pub, y))
          .filter((f) => f.endsWith('.dyad'))
          .map((f) => ({ id: f.replace(/\.dyad$/, ''), text: readFileSync(join(pub, y, f), 'utf8') })),
      );
    assert.equal(dyads.length, index.cves.length);
    for (const n of [192, 150]) {
      const simple = new Set(dyads.filter((d) => simpleOpen(d.text, n)).map((d) => d.id));
      const ours = queryCves(index, parseKernelArg(`6.1.${n}`));
      const mine = new Set(ours.findings.map((f) => f.cve));
      const diff = [...simple].filter((x) => !mine.has(x)).concat([...mine].filter((x) => !simple.has(x)));
      assert.deepEqual(diff, [], `6.1.${n}: CVEs the two computations disagree on`);
      process.stderr.write(`gap: 6.1.${n}: ${mine.size} CVEs open (independent count ${simple.size})\n`);
      assert.ok(mine.size > 500, 'a plausible number of open CVEs');
    }
  },
);

test(
  '6.1.192 is past the data: only CVEs with no 6.1 fix stay open, and the horizon is reported',
  { skip: skipIf(snapshotMissing) },
  async () => {
    const r = queryCves(await snapshotIndex(), parseKernelArg('6.1.192'));
    assert.equal(r.newestKnownFix, '6.1.183');
    assert.ok(r.findings.every((f) => f.fixedIn === undefined));
    const blk = queryCves(await snapshotIndex(), parseKernelArg('6.1.150')).findings.filter((f) => f.crashTitle);
    assert.ok(blk.length > 50, 'crash titles quoted by descriptions are carried into findings');
  },
);
