// The dashboard on a store filled from real consoles: the small LKDTM/KASAN test kernel (test/vm's, built once
// and cached) crashes on three LKDTM types, one of them in two runs; the consoles and the runs' --json go in
// through `kdk ingest` (the --json after its consoles adds no crash), `kdk serve` serves the store, and Chromium
// must show one bug per crash title, the repeated one with two crashes. The commands are README's "a dashboard
// for your crashes".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cFile, kdk, lkdtmSource, noQemuWith, smallKernel, tag, tmp } from '../vm/fixtures.js';
import { chromiumMissing, isPng, launchChromium } from './chromium.js';
import { projectRoot, skipIf } from '../helpers.js';

const titleOf = new Map(
  (
    JSON.parse(readFileSync(join(projectRoot, 'test', 'vm', 'data', 'lkdtm.json'), 'utf8')) as {
      cases: { type: string; title: string }[];
    }
  ).cases.map((c) => [c.type, c.title]),
);
const CASES = [
  { type: 'BUG', runs: 1 },
  { type: 'WARNING', runs: 2 },
  { type: 'EXCEPTION', runs: 1 },
];

/** `kdk serve` as a user starts it; resolves with its base URL once it printed the address. */
function serve(db: string): Promise<{ base: string; stop: () => void }> {
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'kdk.js'), 'serve', '--db', db, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (l) => {
      const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(l);
      if (m) resolve({ base: m[1], stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (c) => reject(new Error(`kdk serve exited ${c}`)));
  });
}

test(
  'LKDTM crashes of the small test kernel, ingested and served, are the bug list in Chromium',
  { skip: skipIf(chromiumMissing()), timeout: 900_000 },
  async () => {
    const kernel = await smallKernel();
    const dir = tmp('kdk-lkdtm-dash-');
    const db = join(dir, 'kdk.db');
    const consoles: string[] = [];
    const runDocs: string[] = [];
    const seen = new Map<string, number>(); // title → crashes kdk run reported
    const perCase = new Map<string, number>(); // the case's title → all crashes its runs reported
    for (const c of CASES) {
      const t = tag();
      // kdk run --kernel bzImage --repro lkdtm-TYPE.c --repeat N --json > run-TYPE.json
      const r = await kdk([
        ...['run', '--kernel', kernel.bzImage, '--repro', cFile(`lkdtm-${c.type}.c`, lkdtmSource(c.type))],
        ...['--repeat', String(c.runs), '--parallel', String(c.runs), '--append', t, '--timeout', '120', '--json'],
      ]);
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual(await noQemuWith(t), []);
      const doc = join(dir, `run-${c.type}.json`);
      writeFileSync(doc, r.stdout);
      runDocs.push(doc);
      for (const run of (JSON.parse(r.stdout) as { runs: { consoleLog: string; crashes: { title: string }[] }[] })
        .runs) {
        assert.match(readFileSync(run.consoleLog, 'utf8'), new RegExp(`lkdtm: Performing direct entry ${c.type}`));
        consoles.push(run.consoleLog);
        for (const x of run.crashes) seen.set(x.title, (seen.get(x.title) ?? 0) + 1);
        perCase.set(titleOf.get(c.type)!, (perCase.get(titleOf.get(c.type)!) ?? 0) + run.crashes.length);
      }
    }
    // The report stage read each type's title off its console, the repeated one twice. (A console may hold a
    // second report sharing an alternative title, like EXCEPTION's KASAN report and its NULL-pointer oops,
    // both 'bad-access in lkdtm_EXCEPTION': one bug, as syzbot files them.)
    for (const c of CASES) assert.equal(seen.get(titleOf.get(c.type)!), c.runs, `${c.type}: ${[...seen.keys()]}`);

    // kdk ingest --db kdk.db console logs, then the runs' --json: the same crashes, counted once.
    const ing = await kdk(['ingest', '--db', db, ...consoles, '--json']);
    assert.equal(ing.code, 0, ing.stderr);
    const crashes = (out: string) =>
      (JSON.parse(out) as { results: { crashes: number }[] }).results.reduce((s, x) => s + x.crashes, 0);
    assert.equal(
      crashes(ing.stdout),
      [...seen.values()].reduce((a, b) => a + b, 0),
    );
    const again = await kdk(['ingest', '--db', db, ...runDocs, '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(crashes(again.stdout), 0, 'the runs add no crash their consoles brought');

    // kdk serve --db kdk.db --port 8080, opened in Chromium.
    const server = await serve(db);
    const chrome = await launchChromium();
    try {
      const page = chrome.context.pages()[0] ?? (await chrome.context.newPage());
      await page.goto(`${server.base}/`);
      const rows = await page.locator('#bugs tbody tr').evaluateAll((trs) =>
        trs.map((tr) => {
          const td = [...tr.querySelectorAll('td')].map((d) => d.textContent?.trim() ?? '');
          return { title: td[0], crashes: Number(td[2]) };
        }),
      );
      // One bug per LKDTM type, holding every crash its runs reported; the repeated WARNING twice.
      assert.deepEqual(rows.map((x) => x.title).sort(), [...perCase.keys()].sort());
      for (const [title, n] of perCase)
        assert.deepEqual(
          rows.find((x) => x.title === title),
          { title, crashes: n },
        );
      assert.equal(rows.find((x) => x.title === titleOf.get('WARNING'))!.crashes, 2);
      assert.ok((await page.innerText('body')).includes(titleOf.get('WARNING')!));
      const shot = join(dir, 'bugs.png');
      await page.screenshot({ path: shot, fullPage: true });
      const png = readFileSync(shot);
      assert.ok(isPng(png) && png.length > 5000, 'a real screenshot');
    } finally {
      await chrome.close();
      server.stop();
    }
  },
);
