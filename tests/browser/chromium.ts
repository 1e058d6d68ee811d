/**
 * Headless Chromium for the browser tests: Debian's `chromium` package (installed by .ci/run) driven by
 * playwright-core, which brings no browser of its own. A fresh profile per launch, and none of
 * Chromium's own traffic (updates, sync, safe browsing lists), so the pages are all a test sees.
 * BREACH_CHROMIUM_PATH points at another Chromium; a missing one fails the test with the command that
 * installs it: a browser test that skips itself would pass without testing anything.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.BREACH_CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface Chromium {
  context: BrowserContext;
  page: Page;
  /** Where screenshots go (a temporary folder, kept after the test so they can be looked at). */
  screenshotDir: string;
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Install Debian's: apt-get update && apt-get install -y --no-install-recommends chromium ` +
        '(.ci/run does), or set BREACH_CHROMIUM_PATH to a Chromium binary.',
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'breach-chromium-profile-'));
  const screenshotDir = process.env.BREACH_SCREENSHOT_DIR || (await mkdtemp(join(tmpdir(), 'breach-browser-screenshots-')));
  await mkdir(screenshotDir, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    screenshotDir,
    async screenshot(target, name) {
      const path = join(screenshotDir, `${name}.png`);
      await target.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
