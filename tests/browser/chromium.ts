/**
 * Headless Chromium for the browser tests, driven by playwright-core: the one `npm install` found or
 * installed (scripts/install/chromium.mjs: BREACH_CHROMIUM_PATH, PATH, apt-get, playwright's download). A fresh
 * profile per launch, and none of Chromium's own traffic (updates, sync, safe browsing lists), so the
 * pages are all a test sees. With no Chromium the test fails with the line `npm install` printed, which
 * names the command that fixes it: a browser test that skipped itself would pass without testing anything.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { findChromium, missingChromiumLine } from '../../scripts/install/chromium.mjs';

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
  const found = await findChromium();
  if (!found.path) throw new Error(missingChromiumLine());
  const profile = await mkdtemp(join(tmpdir(), 'breach-chromium-profile-'));
  const screenshotDir =
    process.env.BREACH_SCREENSHOT_DIR || (await mkdtemp(join(tmpdir(), 'breach-browser-screenshots-')));
  await mkdir(screenshotDir, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: found.path,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
  });
  // Deadlines for a loaded 2-CPU machine, where the Temporal UI alone takes many seconds to render a page;
  // a wait only lasts that long when what it waits for does not come.
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(90_000);
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
