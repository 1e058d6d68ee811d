/**
 * The case workspace in headless Chromium against the whole system as `npm start` runs it:
 *   - a workforce member reports through the form with a title and gets a case number (PII-<year>-NNNN);
 *   - the IPS Director opens the case by its number and reads the report: the facts as reported, the
 *     supplement with what it changed, each decision with its reasons and who took it (469.2c(1));
 *   - the reporter, whose only standing is having reported, sees their report, the phase and the
 *     outcome, and none of the others' evidence;
 *   - the list finds the case by number, office, phase and reported date, and its CSV holds what is shown;
 *   - axe-core finds no WCAG 2.1 A/AA violation on the case page (both views) and the list.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { sampleReport } from '../../scripts/local/sample-report.js';
import type { Chromium } from './chromium.js';
import { eventually, startSystemAndBrowser, type RunningSystem } from './system.js';

let system: RunningSystem;
let browser: Chromium;
let axeSource: string;

beforeAll(async () => {
  ({ system, browser, axeSource } = await startSystemAndBrowser());
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
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
}

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

const TITLE = 'Misdirected medical list, Embassy Rome';
const SUMMARY = 'A list of visa applicants with medical notes was sent to a wrong mailing list.';
const SUPPLEMENT = 'A second list with passport numbers went to the same mailing list.';
const RATIONALE = 'Medical notes and passport numbers of the public: the CRG must weigh the risk.';
const DIRECTOR = 'demo-ips-director-token';
let incidentId = '';
let caseNumber = '';

test('468.3: a workforce member reports with a title and is given a case number people can say', async () => {
  const { page } = browser;
  await signInAs(page, /Wren Workforce/, '/report');
  await page.locator('#f-reporter-office').fill('Embassy Rome, Consular Section');
  await page.locator('#f-supervisor-name').fill('Sam Supervisor');
  await page.locator('#f-supervisor-email').fill('sam.supervisor@state.example');
  await page.locator('#f-discoveredAt').fill(new Date(Date.now() - 10 * 60_000).toISOString().slice(0, 16));
  await page.getByLabel(/Yes: electronic/).check();
  await page.locator('#f-title').fill(TITLE);
  await page.locator('#f-summary').fill(SUMMARY);
  await page.getByLabel('Electronic', { exact: true }).check();
  await page.locator('#f-disclosedBy').fill('A consular assistant');
  await page.locator('#f-disclosedTo').fill('An internal mailing list of 30 staff');
  await page.getByLabel(/Medical information/).check();
  await page.locator('#f-affectedCount').fill('40');
  await page.getByLabel('Members of the public').check();
  await page.locator('#f-encrypted').getByLabel('No').check();
  await page.locator('#f-classifiedInvolved').getByLabel('No').check();
  await page.locator('#f-criminalActSuspected').getByLabel('No').check();
  await Promise.all([
    page.waitForURL(/\/report\/received\//),
    page.getByRole('button', { name: 'Send the report' }).click(),
  ]);
  const body = await page.locator('main').innerText();
  caseNumber = /Your case number is (PII-\d{4}-\d{4,})/.exec(body)?.[1] ?? '';
  incidentId = /The system's reference: (inc-[0-9a-f-]+)/.exec(body)?.[1] ?? '';
  expect(caseNumber).toMatch(new RegExp(`^PII-${new Date().getUTCFullYear()}-\\d{4}$`));
  expect(incidentId).not.toBe('');

  // The IPS Director names the office and convenes the CRG, with reasons; a supplement adds to the facts.
  const decide = (body: object) =>
    system.api(DIRECTOR, `/incidents/${incidentId}/decisions`, { method: 'POST', body: JSON.stringify(body) });
  expect((await decide({ kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' })).status).toBe(200);
  expect((await decide({ kind: 'convene-crg', convene: true, rationale: RATIONALE })).status).toBe(200);
  const supplement = await system.api(DIRECTOR, '/incidents', {
    method: 'POST',
    body: JSON.stringify(
      sampleReport({
        incidentId,
        summary: SUPPLEMENT,
        piiTypes: ['ssn-or-passport-number'],
        affectedCount: 95,
        affectedPopulation: 'public',
        disclosedTo: 'The same list and one address outside the Department',
      }),
    ),
  });
  expect(supplement.status).toBe(202);
  expect(((await supplement.json()) as { caseNumber: string }).caseNumber).toBe(caseNumber);
}, 120_000);

test('469.2c(1): the IPS Director opens the case by its number and reads the report, the supplement and the decisions with their reasons', async () => {
  const { page } = browser;
  await signInAs(page, /Dana Demo/, `/cases/${caseNumber}`);
  const main = await eventually(async () => {
    await page.goto(`${system.apiUrl}/cases/${caseNumber}`);
    const text = await page.locator('main').innerText();
    return text.includes('Supplement 1') && text.includes('Decide whether to convene') ? text : undefined;
  }, 'the supplement and the decisions on the case page');
  expect(await page.locator('h1').innerText()).toBe(`Case ${caseNumber}: ${TITLE}`);
  expect(main).toContain(SUMMARY);
  expect(main).toMatch(/Kinds of information\s+Medical/);
  expect(main).toMatch(/People affected \(estimate\)\s+40/);
  expect(main).toMatch(/Encrypted\s+No/);
  expect(main).toMatch(/Disclosed to\s+An internal mailing list of 30 staff/);
  // As supplemented: what changed, and when.
  expect(main).toContain(SUPPLEMENT);
  expect(main).toContain('People affected: 40 → 95');
  expect(main).toMatch(/Kinds of information added: .*passport numbers/i);
  expect(main).toContain(
    'Disclosed to: An internal mailing list of 30 staff → The same list and one address outside the Department',
  );
  // As known now: the facts merged as the workflow merged them (domain/report-merge.ts).
  expect(main).toMatch(/As known now[\s\S]*People affected \(estimate\)\s+95/);
  expect(main).toMatch(/As known now[\s\S]*Disclosed to\s+The same list and one address outside/);
  // Each decision with its reasons and who took it.
  expect(main).toContain(`Reasons: ${RATIONALE}`);
  expect(main).toMatch(/Decide whether to convene the Core Response Group\s+\d.*by Dana Demo/);
  expect(await axeViolations(page)).toEqual([]);
  console.log(`  ${await browser.screenshot(page, 'workspace-1-case-director')}`);
}, 120_000);

test("469.2c(1): the reporter sees their report, the phase and the outcome, not others' evidence", async () => {
  const { page } = browser;
  await signInAs(page, /Wren Workforce/, `/cases/${incidentId}`);
  await page.goto(`${system.apiUrl}/cases/${incidentId}`);
  const main = await page.locator('main').innerText();
  expect(main).toContain('You reported this case');
  expect(main).toContain(caseNumber);
  expect(main).toContain(SUMMARY);
  expect(main).toMatch(/Phase\s+\S/);
  expect(main).toMatch(/Outcome\s+Not decided yet/);
  expect(main).not.toContain(SUPPLEMENT);
  expect(main).not.toContain(RATIONALE);
  expect(main).not.toContain('Bureau of Consular Affairs');
  expect(await page.locator('#timeline').count()).toBe(0);
  expect(await axeViolations(page)).toEqual([]);
  console.log(`  ${await browser.screenshot(page, 'workspace-2-case-reporter')}`);
}, 60_000);

test('the list finds the case by number, office, phase and reported date; the CSV holds what is shown', async () => {
  const { page } = browser;
  await signInAs(page, /Dana Demo/, '/cases');
  const link = () => page.getByRole('link', { name: caseNumber, exact: true });
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  await eventually(async () => {
    await page.goto(`${system.apiUrl}/cases`);
    return (await link().count()) > 0 || undefined;
  }, `${caseNumber} in the list`);
  const row = page.locator('#cases tr', { has: link() });
  expect(await row.innerText()).toMatch(
    new RegExp(`${caseNumber}\\s+${TITLE}\\s+Bureau of Consular Affairs\\s+95\\s+`),
  );

  // By number (the form), then by part of the number, by office, phase and reported date (the query).
  await page.locator('#f-number').fill(caseNumber);
  await Promise.all([page.waitForURL(/number=/), page.getByRole('button', { name: 'Search' }).click()]);
  expect(await page.locator('#cases tbody tr').count()).toBe(1);
  expect(await link().count()).toBe(1);
  expect(await axeViolations(page)).toEqual([]);
  console.log(`  ${await browser.screenshot(page, 'workspace-3-cases-search')}`);
  const found = async (query: string) => {
    await page.goto(`${system.apiUrl}/cases?${query}`);
    return link().count();
  };
  expect(await found(`number=${caseNumber.slice(-4)}`)).toBe(1);
  expect(await found('office=consular+affairs')).toBe(1);
  expect(await found('office=Embassy+Nowhere')).toBe(0);
  expect(await found('phase=analysis')).toBe(1);
  expect(await found('phase=closed')).toBe(0);
  expect(await found(`reportedFrom=${today}&reportedTo=${today}`)).toBe(1);
  expect(await found(`reportedFrom=${tomorrow}`)).toBe(0);

  // The CSV of that search, as the browser downloads it (the session's cookie).
  await page.goto(`${system.apiUrl}/cases?number=${caseNumber}`);
  const href = await page.getByRole('link', { name: 'Download these cases as CSV' }).getAttribute('href');
  const csv = await page.request.get(`${system.apiUrl}${href}`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
  expect(csv.headers()['cache-control']).toBe('no-store');
  const lines = (await csv.text()).trim().split('\r\n');
  expect(lines[0]).toBe(
    '"Case number","Title","Office","People affected","Phase","Next deadline","What is due","Reported","Incident id"',
  );
  expect(lines).toHaveLength(2);
  expect(lines[1]!.startsWith(`"${caseNumber}","${TITLE}","Bureau of Consular Affairs","95","Risk analysis",`)).toBe(
    true,
  );
  expect(lines[1]).toContain(`"${incidentId}"`);
}, 120_000);
