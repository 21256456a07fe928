// The dashboard in a real browser: Debian's chromium (installed with apt by this set-up when root) driven by
// playwright-core, no browser download. Open the bug list of a store filled from real consoles, search, click
// through to a bug page, take screenshots; the titles must be what the page shows, and injected script must
// not run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { serveCorpus, type Served } from './fixture.js';
import { haveCorpus } from '../store/corpus-logs.js';
import { skipIf } from '../helpers.js';
import { chromiumMissing, isPng, launchChromium, type Browser } from './chromium.js';

const skip = skipIf(chromiumMissing() ?? (haveCorpus() ? undefined : 'no ../shared/corpora/syzkaller-report'));
let s: Served;
let chrome: Browser;
let browser: BrowserContext;
before(async () => {
  if (skip) return;
  s = await serveCorpus();
  chrome = await launchChromium();
  browser = chrome.context;
});
after(async () => {
  await chrome?.close();
  await s?.close();
});

test('bug list → search → bug page in Chromium, with screenshots', { skip, timeout: 120_000 }, async () => {
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(`${s.base}/`);
  assert.equal(await page.title(), 'Bugs');
  const listed = await page.locator('#bugs a.bug').allInnerTexts();
  for (const t of s.titles) assert.ok(listed.includes(t), `bug list shows ${t}`);
  // The markup title is shown as text, and its script never ran (the title would be "pwned").
  assert.ok(listed.includes('WARNING in <script>alert(1)</script>_fn'));
  const shotDir = mkdtempSync(join(tmpdir(), 'kdk-shots-'));
  try {
    const listShot = join(shotDir, 'list.png');
    await page.screenshot({ path: listShot, fullPage: true });
    const target = s.titles[3];
    await page.fill('input[name=q]', target.split(' ').slice(-1)[0]);
    await Promise.all([page.waitForURL(/\?q=/), page.click('button[type=submit]')]);
    const found = await page.locator('#bugs a.bug').allInnerTexts();
    assert.ok(found.includes(target), `search finds ${target}`);
    assert.ok(found.length < listed.length, 'search narrows the list');
    await Promise.all([page.waitForURL(/\/bug\/\d+$/), page.getByRole('link', { name: target, exact: true }).click()]);
    assert.equal(await page.title(), target);
    assert.equal(await page.locator('h1').innerText(), target);
    const report = await page.locator('#report').innerText();
    assert.ok(report.length > 0, 'the bug page shows the report text');
    const bugShot = join(shotDir, 'bug.png');
    await page.screenshot({ path: bugShot, fullPage: true });
    for (const f of [listShot, bugShot]) {
      const png = readFileSync(f);
      assert.ok(isPng(png) && png.length > 5000, `${f} is a real screenshot`);
    }
    // The console with an injected <script> line: shown, not run.
    await page.goto(`${s.base}/?q=${encodeURIComponent(s.titles[0])}`);
    await page.getByRole('link', { name: s.titles[0], exact: true }).click();
    await page.waitForURL(/\/bug\/\d+$/);
    assert.equal(await page.title(), s.titles[0]);
    assert.match(await page.locator('#console').innerText(), /<script>document\.title="pwned"<\/script>/);
  } finally {
    rmSync(shotDir, { recursive: true, force: true });
  }
});
