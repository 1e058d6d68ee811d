/**
 * The case record's printable page (GET /incidents/{id}/record, HTML) in headless Chromium against the
 * API on a real port and the real incident workflow on the dev server: what a records officer sees, and
 * printed to PDF by the browser. A screenshot is saved (its folder is printed).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { call, reportIncident, startApiFixture, TOKEN, triage, waitForPhase, type ApiFixture } from '../api/fixture.js';
import { launchChromium, type Chromium } from './chromium.js';

let f: ApiFixture;
let browser: Chromium;
let base: string;

beforeAll(async () => {
  [f, browser] = await Promise.all([startApiFixture(), launchChromium()]);
  base = await f.app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`screenshots in ${browser.screenshotDir}`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await f?.close();
});

test('468.7: the case record page shows the decisions, items, deadlines and filing of a closed case, and prints', async () => {
  const id = await reportIncident(f.app);
  await triage(f.app, id, false);
  await waitForPhase(f.app, id, 'closure-review');
  for (const body of [
    {
      kind: 'complete-action-item',
      itemId: 'fact-finding',
      evidence: 'Fact-finding report BR-7 filed with the bureau.',
    },
    { kind: 'sign-off-closure', rationale: 'Media recovered; nothing more to do.' },
  ]) {
    const res = await call(f.app, { method: 'POST', url: `/incidents/${id}/decisions`, body });
    expect(res.status, res.text).toBe(200);
  }
  await waitForPhase(f.app, id, 'closed');

  const page = browser.page;
  await page.setExtraHTTPHeaders({ authorization: `Bearer ${TOKEN.privacyDivision}`, accept: 'text/html' });
  const response = await page.goto(`${base}/incidents/${id}/record`);
  expect(response?.status()).toBe(200);
  await expect(page.title()).resolves.toBe(`Case record ${id}`);
  const text = await page.locator('main').innerText();
  for (const expected of [
    'Decisions',
    'convene-crg',
    'Media recovered; nothing more to do.',
    'Fact-finding report BR-7 filed with the bureau.',
    'Deadlines',
    '5 FAM 468.3b(1)',
    'Closure and filing',
    'filed, reference rcv-',
  ]) {
    expect(text).toContain(expected);
  }
  // Every section is a landmark with its heading, so a screen reader can move by section.
  const headings = await page.locator('section h2').allInnerTexts();
  expect(headings).toEqual(expect.arrayContaining(['Case', 'Decisions', 'Action items', 'Deadlines', 'Timeline']));
  const shot = await browser.screenshot(page, `case-record-${id}`);
  console.log(`case record page: ${shot}`);
  const printed = await page.pdf({ format: 'Letter' }).catch(() => undefined);
  if (printed) expect(printed.subarray(0, 5).toString()).toBe('%PDF-');
}, 120_000);
