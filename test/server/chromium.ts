// Debian's chromium for the browser tests (installed by kdk's package installer), driven by playwright-core
// with no browser download, in a fresh profile directory.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { packagesSkipReason } from '../../src/util/deps.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Why no chromium can run here, or undefined (installing Debian's first). */
export function chromiumMissing(): string | undefined {
  // Through kdk's own installer: it waits for a dpkg lock another test's apt holds (a cold run once skipped here).
  const missing = packagesSkipReason(['chromium']);
  if (missing) return missing;
  return existsSync(CHROMIUM) ? undefined : `no ${CHROMIUM} after installing chromium`;
}

export interface Browser {
  context: BrowserContext;
  close: () => Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  // A fresh profile directory: playwright passes it to chromium as --user-data-dir.
  const profile = mkdtempSync(join(tmpdir(), 'kdk-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
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
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export const isPng = (b: Buffer) =>
  b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
