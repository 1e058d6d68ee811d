/**
 * The people's pages in a real browser (headless Chromium, tests/browser/chromium.ts) against the whole
 * system as `npm start` runs it (tests/browser/system.ts):
 *   - the IPS Director's decision-request email, caught by the mail catcher, carries a signed link; opening
 *     it shows the form and decides nothing; submitting the form records the decision and the incident
 *     moves on (checked through the API); the link then works no more;
 *   - the Temporal UI's workflow list filtered by `BreachPhase` shows the incident's workflow;
 *   - the UI's workflow page shows no PII without the codec; once the operator has signed in to the pages
 *     (through the development IdP of npm start), and nothing more, the current details and the
 *     summaries of the event history read as the policy (the codec routes on the UI's origin).
 * Each page is saved as a screenshot in a temporary folder (printed), to look at.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { incidentWorkflowId } from '../../domain/ids.js';
import { launchChromium, type Chromium } from './chromium.js';
import { eventually, listedByServer, startSystem, type RunningSystem } from './system.js';

/** Demo tokens of playbooks/demo-api-tokens.json. */
const IPS_DIRECTOR = 'demo-ips-director-token';
const DS_CIRT = 'demo-ds-cirt-token';

let system: RunningSystem;
let browser: Chromium;

const incidentId = `BROWSER-${Date.now().toString(36)}`;
const workflowId = incidentWorkflowId(incidentId);
const report = {
  incidentId,
  reporter: {
    name: 'Robin Browserreporter',
    email: 'robin.browserreporter@state.example',
    office: 'Bureau of Consular Affairs',
  },
  supervisor: { name: 'Sam Browsersupervisor', email: 'sam.browsersupervisor@state.example' },
  discoveredAt: new Date(Date.now() - 5 * 60_000).toISOString(),
  medium: 'cyber',
  summary: 'A laptop holding the visa file of Jordan Quillfeather was stolen from a car.',
  piiTypes: ['ssn-or-passport-number'],
  affectedCount: 12,
  affectedPopulation: 'public',
  encrypted: false,
  classifiedInvolved: false,
  criminalActSuspected: false,
};
const PII = [
  report.reporter.name,
  report.reporter.email,
  report.supervisor.name,
  report.supervisor.email,
  'Quillfeather',
];

beforeAll(async () => {
  const [started, launched] = await Promise.all([startSystem(), launchChromium()]);
  system = started;
  browser = launched;
  console.log(`npm start was ready in ${system.readySeconds.toFixed(1)} s; screenshots in ${browser.screenshotDir}`);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

async function state(): Promise<{ phase: string; responsibleOffice: string | null; crgConvened: boolean | null }> {
  const response = await system.api(IPS_DIRECTOR, `/incidents/${incidentId}`);
  if (response.status !== 200) throw new Error(`GET /incidents/${incidentId} answered ${response.status}`);
  return (await response.json()) as { phase: string; responsibleOffice: string | null; crgConvened: boolean | null };
}

const phase = (wanted: string) =>
  eventually(
    async () => ((await state().catch(() => undefined))?.phase === wanted ? true : undefined),
    `phase ${wanted}`,
  );

/** The link in the newest decision-request email to the IPS Director about this incident. */
async function approvalLinkFromMail(): Promise<string> {
  return eventually(async () => {
    const listing = (await (await fetch(`${system.mailUrl}/messages.json`)).json()) as {
      id: string;
      to: string[];
      subject: string;
    }[];
    const message = listing.find(
      (m) =>
        m.subject.includes(incidentId) &&
        m.subject.includes('decision needed') &&
        m.to.includes('ips.director@state.example'),
    );
    if (!message) return undefined;
    const parsed = (await (await fetch(`${system.mailUrl}/messages/${message.id}.json`)).json()) as { text: string };
    return /(https?:\/\/\S+\/links\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(parsed.text)?.[1];
  }, 'a decision-request email to the IPS Director at the mail catcher');
}

function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  return work().finally(() => console.log(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`));
}

test(
  'an approval link from a decision-request email opens a form; submitting it moves the incident',
  () =>
    timed('approval link', async () => {
      const posted = await system.api(DS_CIRT, '/incidents', { method: 'POST', body: JSON.stringify(report) });
      expect(posted.status, await posted.clone().text()).toBe(202);
      await phase('triage');
      // Triage needs both decisions: the CRG is convened through the API, the office is named through the link.
      const convened = await system.api(IPS_DIRECTOR, `/incidents/${incidentId}/decisions`, {
        method: 'POST',
        body: JSON.stringify({ kind: 'convene-crg', convene: true, rationale: 'Passport numbers of the public.' }),
      });
      expect(convened.status, await convened.clone().text()).toBe(200);

      const link = await approvalLinkFromMail();
      expect(link.startsWith(`${system.apiUrl}/links/`), link).toBe(true);

      const { page } = browser;
      const opened = await page.goto(link);
      expect(opened?.status()).toBe(200);
      // In the official's words, under the department's name.
      await expect.poll(() => page.locator('h1').innerText()).toBe('Name the office responsible');
      const form = await page.locator('body').innerText();
      expect(form).toContain('Department of State');
      expect(form).toContain(incidentId);
      expect(form).toMatch(/Phase\s+Triage/);
      expect(form).toMatch(/works once, until \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC \(\d+ (hours?|days?) left\)/);
      for (const pii of PII) expect(form).not.toContain(pii);
      console.log(`  ${await browser.screenshot(page, '1-approval-form')}`);
      // Opening the link (a mail scanner's prefetch too) decides nothing.
      expect((await state()).responsibleOffice).toBeNull();

      await page.locator('#f-office').fill('Bureau of Consular Affairs');
      await Promise.all([
        page.waitForURL(link),
        page.getByRole('button', { name: /^Name this office as Dana Demo/ }).click(),
      ]);
      await expect.poll(() => page.locator('h1').innerText()).toBe('Decision recorded');
      expect(await page.locator('body').innerText()).toMatch(/Phase\s+Risk analysis/);
      console.log(`  ${await browser.screenshot(page, '2-decision-recorded')}`);

      await phase('analysis');
      const after = await state();
      expect(after).toMatchObject({
        phase: 'analysis',
        responsibleOffice: 'Bureau of Consular Affairs',
        crgConvened: true,
      });

      // A link works once.
      const again = await page.goto(link);
      expect(again?.status()).toBe(409);
      expect(await page.locator('h1').innerText()).toBe('This link has already been used');
    }),
  300_000,
);

/**
 * Opens the UI's workflow list for a query once the server's visibility lists the incident for it (the
 * store catches up a moment after the workflow changes), then waits for the page to show it: each wait on
 * its own signal, with its own deadline for a loaded machine (the UI's page alone can take many seconds
 * to load and render there). It reloads only when a whole load went by without the row.
 */
async function listFiltered(page: Page, query: string): Promise<void> {
  await listedByServer(system, workflowId, query);
  const url = `${system.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;
  const row = page.getByRole('link', { name: workflowId, exact: true });
  try {
    await eventually(
      async () => {
        await page.goto(url);
        return (
          (await row
            .waitFor({ timeout: 30_000 })
            .then(() => true)
            .catch(() => false)) || undefined
        );
      },
      `${workflowId} in the Temporal UI's list for ${query} (the server's visibility lists it)`,
      120_000,
    );
  } catch (err) {
    const shown = await page
      .locator('body')
      .innerText()
      .catch(() => '');
    console.log(`  ${await browser.screenshot(page, 'ui-list-without-the-incident')}\n${shown.slice(0, 2_000)}`);
    throw err;
  }
}

test(
  'the Temporal UI lists the incident under its BreachPhase',
  () =>
    timed('Temporal UI list', async () => {
      const { page } = browser;
      await listFiltered(page, 'BreachPhase="analysis"');
      await expect.poll(() => page.locator('main').innerText()).toContain('BreachPhase = "analysis"');
      expect(await page.getByRole('link', { name: workflowId, exact: true }).isVisible()).toBe(true);
      console.log(`  ${await browser.screenshot(page, '3-ui-list-by-phase')}`);
    }),
  300_000,
);

test(
  'the UI shows no PII without the codec; signed in to the codec server, details and summaries read as the policy',
  () =>
    timed('Temporal UI workflow page', async () => {
      // Without a session or token the codec server answers 401: the UI says so and shows ciphertext.
      await browser.context.clearCookies();
      const { page } = browser;
      await listFiltered(page, 'BreachAwaitingRole="ipsDirector"');
      await page.getByRole('link', { name: workflowId, exact: true }).click();
      await page.waitForURL((url) => url.pathname.includes(`/workflows/${workflowId}/`));
      const workflowPage = page.url();
      await page.locator('#content').getByText('Codec Server could not connect').waitFor();
      await page.getByText('sendNotice').first().waitFor();
      const encrypted = await page.locator('body').innerText();
      for (const text of [...PII, 'Report to US-CERT', 'Waiting for']) expect(encrypted).not.toContain(text);
      console.log(`  ${await browser.screenshot(page, '4-ui-workflow-without-codec')}`);

      // What an operator does (npm start prints it): sign in to the pages through the identity provider,
      // which signs them in to the codec server too; the UI's codec calls go to its own origin with the cookie.
      await page.goto(`${system.apiUrl}/cases`);
      await page.getByRole('radio', { name: /Dana Demo/ }).check();
      await Promise.all([
        page.waitForURL(`${system.apiUrl}/cases`),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      await page.getByText('Signed in as Dana Demo').waitFor();
      // That is the one step (scripts/local/ui-proxy.ts: the codec routes on the UI's own origin): no codec settings.
      expect(system.output()).toContain(
        `To decrypt in the Temporal UI: sign in at ${system.apiUrl}/cases (that is all`,
      );
      await page.goto(workflowPage);
      await page.getByText('Report to US-CERT').first().waitFor();
      await page.getByText('One-hour reporting deadline').first().waitFor();
      await page.getByText('ipsDirector to decide submit-analysis, else reminder 1').first().waitFor();
      expect(await page.locator('#content').getByText('Codec Server could not connect').count()).toBe(0);
      console.log(`  ${await browser.screenshot(page, '5-ui-timeline-with-codec')}`);

      await page.getByRole('tab', { name: 'User Metadata' }).click();
      // The UI renders the markdown of the summary and of the current details each in a sandboxed frame.
      const framesText = async () =>
        (
          await Promise.all(
            page.frames().map((frame) =>
              frame
                .locator('body')
                .innerText()
                .catch(() => ''),
            ),
          )
        ).join('\n');
      await expect
        .poll(framesText, { timeout: 60_000 })
        .toMatch(/submit-analysis — from the ipsDirector \(ips-director\)/);
      expect(await framesText()).toMatch(/reminder to the ipsDirector; escalation to the SAOP/);
      expect(await framesText()).toMatch(/PII incident \(cyber\)/);
      console.log(`  ${await browser.screenshot(page, '6-ui-current-details-with-codec')}`);
    }),
  300_000,
);
