/**
 * The case record's printable page (GET /incidents/{id}/record, HTML) in headless Chromium against the
 * API on a real port and the real incident workflow on the dev server: what a records officer sees, and
 * printed to PDF by the browser. A screenshot is saved (its folder is printed).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  call,
  reportIncident,
  startApiFixture,
  TOKEN,
  waitForPhase,
  type ApiFixture,
  notConvenedToClosureReview,
  withShortObjectionWindow,
} from '../api/fixture.js';
import { launchChromium, type Chromium } from './chromium.js';

let f: ApiFixture;
let browser: Chromium;
let base: string;

beforeAll(async () => {
  [f, browser] = await Promise.all([startApiFixture({ playbook: withShortObjectionWindow }), launchChromium()]);
  base = await f.app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`screenshots in ${browser.screenshotDir}`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await f?.close();
});

test('468.7: the case record page shows the decisions, items, deadlines and filing of a closed case, and prints', async () => {
  const id = await reportIncident(f.app);
  const { caseNumber } = await notConvenedToClosureReview(f.app, id);
  expect(caseNumber).toMatch(/^PII-\d{4}-\d{4}$/);
  // The fact-finding is the program manager's item (its owner completes it); the IPS Director signs off.
  for (const [token, body] of [
    [
      TOKEN.programManager,
      {
        kind: 'complete-action-item',
        itemId: 'fact-finding',
        evidence: 'Fact-finding report BR-7 filed with the bureau.',
      },
    ],
    [TOKEN.ipsDirector, { kind: 'sign-off-closure', rationale: 'Media recovered; nothing more to do.' }],
  ] as const) {
    const res = await call(f.app, { method: 'POST', url: `/incidents/${id}/decisions`, token, body });
    expect(res.status, res.text).toBe(200);
  }
  await waitForPhase(f.app, id, 'closed');

  const page = browser.page;
  await page.setExtraHTTPHeaders({ authorization: `Bearer ${TOKEN.privacyDivision}`, accept: 'text/html' });
  const response = await page.goto(`${base}/incidents/${id}/record`);
  expect(response?.status()).toBe(200);
  // Titled by the case number (docs/contract.md "Case numbers"), the id in its first section.
  await expect(page.title()).resolves.toBe(`Case record ${caseNumber}`);
  const text = await page.locator('main').innerText();
  for (const expected of [
    id,
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
