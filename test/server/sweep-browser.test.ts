// The sweep and flavours pages in a real browser (Debian's chromium through playwright-core), on the store the
// sweep server test builds from two real `kdk sweep --json` reports and the default flavour, plus the reverted
// kernel's sweep once more under a kernel name carrying markup: from the bug list through the navigation to the
// sweep page, its filter form, a bug's page and its sweep line, back to that kernel's verdicts, then the
// flavours page; screenshots of both; the markup shows as text and its script never runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { tempDir } from '../store/tmp.js';
import { skipIf } from '../helpers.js';
import { chromiumMissing, isPng, launchChromium, type Browser } from './chromium.js';
import { HOSTILE, REVERTED, SHIPPED_NAME, report, serveSweeps, type SweepServed } from './sweep-fixture.js';

const skip = skipIf(chromiumMissing());
let s: SweepServed;
let chrome: Browser;
before(async () => {
  if (skip) return;
  s = await serveSweeps(join(tempDir('kdk-sweep-browser-'), 'kdk.db'));
  assert.equal((await s.store.ingest(REVERTED, { kernel: HOSTILE })).verdicts, report(REVERTED).results.length);
  chrome = await launchChromium();
});
after(async () => {
  await chrome?.close();
  await s?.close();
});

/** The text of each cell of the table rows, by column header. */
async function rows(page: Page, table: string): Promise<Record<string, string>[]> {
  const head = await page.locator(`${table} thead th`).allInnerTexts();
  const out: Record<string, string>[] = [];
  for (const tr of await page.locator(`${table} tbody tr`).all()) {
    const cells = await tr.locator('td').allInnerTexts();
    out.push(Object.fromEntries(head.map((h, i) => [h, cells[i]])));
  }
  return out;
}

test(
  'bug list → sweep → filter → bug page → that kernel → flavours, in Chromium',
  { skip, timeout: 120_000 },
  async () => {
    const reverted = report(REVERTED);
    const image = reverted.kernel.image;
    const page = chrome.context.pages()[0] ?? (await chrome.context.newPage());
    await page.goto(`${s.base}/`);
    await Promise.all([page.waitForURL(/\/sweep$/), page.getByRole('link', { name: 'sweep', exact: true }).click()]);
    assert.equal(await page.title(), 'Sweep verdicts');
    // One section per kernel; the kernel named with markup is its text, and its script did not run.
    const kernels = await page.locator('h2.kernel').allInnerTexts();
    assert.deepEqual(kernels, [image, HOSTILE, SHIPPED_NAME].sort());
    const shotDir = mkdtempSync(join(tmpdir(), 'kdk-shots-'));
    try {
      const sweepShot = join(shotDir, 'sweep.png');
      await page.screenshot({ path: sweepShot, fullPage: true });
      const first = await rows(page, '#sweep-1');
      assert.equal(first.length, reverted.results.length);
      const fd = first.find((r) => r.Bug === 'WARNING: kmalloc bug in alloc_fdtable')!;
      assert.deepEqual(
        [fd.Verdict, fd.Runs, fd.Assessment, fd['Fix commit']],
        ['reproduces', '1/1', 'missing backport', '04a2c4b4511d'],
      );
      // The filter form: reproduces only, across the kernels.
      await page.selectOption('select[name=verdict]', 'reproduces');
      await Promise.all([page.waitForURL(/verdict=reproduces/), page.click('button[type=submit]')]);
      const tables = await page.locator('table[id^=sweep-]').count();
      const shown: Record<string, string>[] = [];
      for (let i = 1; i <= tables; i++) shown.push(...(await rows(page, `#sweep-${i}`)));
      assert.equal(shown.length, 5); // two per reverted copy, LKDTM's on the shipped kernel
      assert.ok(shown.every((r) => r.Verdict === 'reproduces'));
      // Which are missing backports: the two real bugs on each reverted copy.
      await page.selectOption('select[name=verdict]', '');
      await page.selectOption('select[name=assessment]', 'missing backport');
      await Promise.all([page.waitForURL(/assessment=missing\+backport/), page.click('button[type=submit]')]);
      assert.deepEqual(await page.locator('h2.kernel').allInnerTexts(), [image, HOSTILE].sort());
      assert.equal(await page.locator('a.bug').count(), 4);
      // The bug's page: where the sweeps ran it, each kernel a link back to its verdicts.
      await Promise.all([
        page.waitForURL(/\/bug\/\d+$/),
        page.getByRole('link', { name: 'WARNING: kmalloc bug in alloc_fdtable', exact: true }).first().click(),
      ]);
      assert.equal(await page.title(), 'WARNING: kmalloc bug in alloc_fdtable');
      const lines = (await page.locator('#sweep li').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
      assert.equal(lines.length, 3);
      assert.ok(lines.some((l) => l.startsWith(`reproduces (1/1) on ${image}: missing backport of 04a2c4b4511d`)));
      assert.ok(lines.some((l) => l.startsWith(`reproduces (1/1) on ${HOSTILE}: missing backport of 04a2c4b4511d`)));
      assert.ok(lines.some((l) => l.startsWith(`no-crash (0/1) on ${SHIPPED_NAME}: fixed by 04a2c4b4511d`)));
      await Promise.all([
        page.waitForURL(/\/sweep\?kernel=/),
        page.locator('#sweep li a', { hasText: HOSTILE }).click(),
      ]);
      assert.deepEqual(await page.locator('h2.kernel').allInnerTexts(), [HOSTILE]);
      assert.equal(await page.locator('select[name=kernel]').inputValue(), HOSTILE);
      assert.equal(await page.title(), 'Sweep verdicts');
      // The flavours page through the navigation.
      await Promise.all([
        page.waitForURL(/\/flavours$/),
        page.getByRole('link', { name: 'flavours', exact: true }).click(),
      ]);
      assert.equal(await page.title(), 'Flavours');
      const [f] = await s.store.listFlavours();
      const [row] = await rows(page, '#flavours');
      assert.deepEqual(
        [row.Flavour, row.Profiles, row.Kernel, row.Arch],
        [f.name, f.profiles.join(' '), f.kernel, 'amd64'],
      );
      const flavourShot = join(shotDir, 'flavours.png');
      await page.screenshot({ path: flavourShot, fullPage: true });
      for (const file of [sweepShot, flavourShot]) {
        const png = readFileSync(file);
        assert.ok(isPng(png) && png.length > 5000, `${file} is a real screenshot`);
      }
    } finally {
      rmSync(shotDir, { recursive: true, force: true });
    }
  },
);
