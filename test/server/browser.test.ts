// The dashboard in a real browser: Debian's chromium (installed with apt by this set-up when root) driven by
// playwright-core, no browser download. Open the bug list of a store filled from real consoles, search, click
// through to a bug page, take screenshots; the titles must be what the page shows, and injected script must
// not run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { serveCorpus, type Served } from './fixture.js';
import { haveCorpus } from '../store/corpus-logs.js';
import { skipIf } from '../helpers.js';
import { packagesSkipReason } from '../../src/util/deps.js';

const CHROMIUM = '/usr/bin/chromium';

function ensureChromium(): string | undefined {
  // Through kdk's own installer: it waits for a dpkg lock another test's apt holds (a cold run once skipped here).
  const missing = packagesSkipReason(['chromium']);
  if (missing) return missing;
  if (!existsSync(CHROMIUM)) return `no ${CHROMIUM} after installing chromium`;
  return haveCorpus() ? undefined : 'no ../shared/corpora/syzkaller-report';
}

const skip = skipIf(ensureChromium());
let s: Served;
let browser: BrowserContext;
const profile = mkdtempSync(join(tmpdir(), 'kdk-chromium-'));
before(async () => {
  if (skip) return;
  s = await serveCorpus();
  // A fresh profile directory: playwright passes it to chromium as --user-data-dir.
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
after(async () => {
  await browser?.close();
  await s?.close();
  rmSync(profile, { recursive: true, force: true });
});

const isPng = (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

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
