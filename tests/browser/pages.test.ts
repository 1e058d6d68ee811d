/**
 * The people's pages in headless Chromium against the whole system as `npm start` runs it (with its
 * development IdP), signing in the real way (authorization code with PKCE through the IdP's page):
 *   - a workforce member with no role reports through the Breach Incident form, with an error corrected
 *     on the way (shown beside its field, the rest of the form kept), and gets the confirmation page;
 *   - the IPS Director sees the case in the list; an unrelated person does not, nor its page (469.2c(1));
 *   - the IPS Director triages from the case page; the timeline says so;
 *   - axe-core finds no WCAG 2.1 A/AA violation on the form, the list and the case page.
 * Screenshots go to a temporary folder (printed).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Chromium } from './chromium.js';
import { eventually, startSystemAndBrowser, type RunningSystem } from './system.js';

let system: RunningSystem;
let browser: Chromium;
let axeSource: string;

beforeAll(async () => {
  ({ system, browser, axeSource } = await startSystemAndBrowser());
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

/** axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is (evaluated through the DevTools protocol, so the page's CSP stays on). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(
            context: unknown,
            options: unknown,
          ): Promise<{ violations: { id: string; help: string; nodes: { target: unknown }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`,
    );
  });
  return violations;
}

/** Signs in at the development IdP as the person named (the browser is on its sign-in page or gets there). */
async function signInAs(page: Page, name: RegExp, start: string): Promise<void> {
  await browser.context.clearCookies();
  await page.goto(`${system.apiUrl}${start}`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByRole('radio', { name }).check();
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(system.apiUrl)),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
}

let incidentId = '';
let caseNumber = '';

test('468.3b: a workforce member with no role reports through the form, corrects an error, and gets the confirmation', async () => {
  const { page } = browser;
  await signInAs(page, /Wren Workforce/, '/report');
  await expect
    .poll(() => page.locator('h1').innerText())
    .toBe('Report a breach of personally identifiable information');
  expect(await page.locator('header').innerText()).toContain('Department of State');
  expect(await page.locator('#f-reporter-email').inputValue()).toBe('workforce.member@state.example');
  expect(await axeViolations(page)).toEqual([]);
  console.log(`  ${await browser.screenshot(page, 'pages-1-report-form')}`);

  await page.locator('#f-reporter-office').fill('Embassy Paris, Consular Section');
  await page.locator('#f-supervisor-name').fill('Sam Supervisor');
  // The supervisor's email is left out, and medical information is reported without by whom and to whom.
  await page.locator('#f-discoveredAt').fill(new Date(Date.now() - 10 * 60_000).toISOString().slice(0, 16));
  await page.getByLabel(/Yes: electronic/).check();
  await page
    .locator('#f-summary')
    .fill('A spreadsheet of visa applicants with medical notes was emailed to the wrong distribution list.');
  await page.getByLabel(/Medical information/).check();
  await page.getByLabel(/Social Security numbers or passport numbers/).check();
  await page.locator('#f-affectedCount').fill('40');
  await page.getByLabel('Members of the public').check();
  await page.locator('#f-encrypted').getByLabel('No').check();
  await page.locator('#f-classifiedInvolved').getByLabel('No').check();
  await page.locator('#f-criminalActSuspected').getByLabel('No').check();
  await page.getByRole('button', { name: 'Send the report' }).click();

  await expect.poll(() => page.locator('h1').innerText()).toMatch(/^Error: /);
  const summary = await page.getByRole('alert').innerText();
  expect(summary).toContain("Enter your supervisor's email address");
  expect(summary).toMatch(/by whom it was disclosed: it is needed when medical information is involved/);
  // Beside the field, tied to it for screen readers; what was typed is kept.
  expect(await page.locator('#f-supervisor-email').getAttribute('aria-invalid')).toBe('true');
  expect(await page.locator('#f-supervisor-email-error').innerText()).toContain("supervisor's email address");
  expect(await page.locator('#f-supervisor-email').getAttribute('aria-describedby')).toContain(
    'f-supervisor-email-error',
  );
  expect(await page.locator('#f-summary').inputValue()).toContain('wrong distribution list');
  expect(await page.getByLabel(/Medical information/).isChecked()).toBe(true);
  expect(await axeViolations(page)).toEqual([]);
  console.log(`  ${await browser.screenshot(page, 'pages-2-report-errors')}`);

  await page.locator('#f-supervisor-email').fill('sam.supervisor@state.example');
  await page.getByLabel('Electronic', { exact: true }).check();
  await page.locator('#f-disclosedBy').fill('A consular assistant');
  await page.locator('#f-disclosedTo').fill('An internal distribution list of 30 staff');
  await Promise.all([
    page.waitForURL(/\/report\/received\//),
    page.getByRole('button', { name: 'Send the report' }).click(),
  ]);
  expect(await page.locator('h1').innerText()).toBe('Report received');
  const body = await page.locator('main').innerText();
  incidentId = /(?:Your incident number is|The system's reference:) (inc-[0-9a-f-]+)/.exec(body)?.[1] ?? '';
  caseNumber = /Your case number is (PII-\d{4}-\d{4,})/.exec(body)?.[1] ?? '';
  expect(caseNumber).not.toBe('');
  expect(incidentId).not.toBe('');
  expect(body).toMatch(
    /one-hour deadline for reporting it to US-CERT is \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC \(\d+ minutes left\)/,
  );
  expect(body).toContain('Your supervisor is told');
  expect(body).toContain('DS/CIRT');
  console.log(`  ${await browser.screenshot(page, 'pages-3-report-received')}`);

  // The reporter follows their own case: their report, the phase and the outcome (469.2c(1)).
  await page.goto(`${system.apiUrl}/cases/${incidentId}`);
  expect(await page.locator('main').innerText()).toContain('You reported this case.');
});

test('469.2c(1): the IPS Director sees the case in the list; a person with no role on it sees neither it nor its page', async () => {
  const { page } = browser;
  await signInAs(page, /Dana Demo/, '/cases');
  const row = page.getByRole('link', { name: caseNumber, exact: true });
  await eventually(
    async () => {
      await page.goto(`${system.apiUrl}/cases`);
      return (await row.count()) > 0 || undefined;
    },
    `${caseNumber} in the IPS Director's list (visibility catches up)`,
    90_000,
  );
  expect(await page.locator('main').innerText()).toMatch(/UTC \(\d+ (minutes?|hours?|days?) (left|ago)\)/);
  expect(await axeViolations(page)).toEqual([]);
  console.log(`  ${await browser.screenshot(page, 'pages-4-cases-ips-director')}`);

  await signInAs(page, /Parker Placeholder/, '/cases');
  await expect.poll(() => page.locator('h1').innerText()).toBe('Cases');
  expect(await page.getByRole('link', { name: caseNumber, exact: true }).count()).toBe(0);
  const direct = await page.goto(`${system.apiUrl}/cases/${incidentId}`);
  expect(direct?.status()).toBe(404);
  expect(await page.locator('h1').innerText()).toBe('No such case');
  console.log(`  ${await browser.screenshot(page, 'pages-5-case-hidden')}`);
});

test('the IPS Director triages from the case page; the timeline records it', async () => {
  const { page } = browser;
  await signInAs(page, /Dana Demo/, `/cases/${incidentId}`);
  const caseUrl = `${system.apiUrl}/cases/${incidentId}`;
  // Triage waits for the one-hour report's routing first: reload until the decision forms are there.
  await eventually(async () => {
    await page.goto(caseUrl);
    return (await page.getByRole('heading', { name: 'Name the office responsible' }).count()) > 0 || undefined;
  }, 'the triage decisions on the case page');
  expect(await axeViolations(page)).toEqual([]);
  console.log(`  ${await browser.screenshot(page, 'pages-6-case-triage')}`);

  await page.locator('#assign-responsible-office-f-office').fill('Bureau of Consular Affairs');
  await Promise.all([
    page.waitForURL(/done=assign-responsible-office/),
    page.getByRole('button', { name: 'Name this office' }).click(),
  ]);
  expect(await page.getByRole('status').innerText()).toContain('Recorded: Name the office responsible');

  // A decision the schema refuses comes back as words beside the field, nothing recorded.
  await page.getByRole('button', { name: 'Record this decision' }).click();
  await expect.poll(() => page.locator('main').innerText()).toContain('The decision was not recorded');
  await page.locator('#convene-crg-f-convene').getByLabel('Yes').check();
  await page.locator('#convene-crg-f-rationale').fill('Passport numbers and medical notes of the public.');
  await Promise.all([
    page.waitForURL(/done=convene-crg/),
    page.getByRole('button', { name: 'Record this decision' }).click(),
  ]);

  await eventually(async () => {
    await page.goto(caseUrl);
    return (await page.locator('#timeline').innerText()).includes('Now: Risk analysis') || undefined;
  }, 'the analysis phase in the timeline');
  const timeline = await page.locator('#timeline').innerText();
  expect(timeline).toMatch(/Decided: Name the office responsible\s+Dana Demo/);
  expect(timeline).toMatch(/Decided: Decide whether to convene the Core Response Group\s+Dana Demo/);
  expect(timeline).toContain('Core Response Group told');
  expect(await page.locator('main').innerText()).toMatch(/Office responsible\s+Bureau of Consular Affairs/);
  expect(await axeViolations(page)).toEqual([]);
  console.log(`  ${await browser.screenshot(page, 'pages-7-case-after-triage')}`);
});
