/**
 * The after-action report on the case page: an exercise run on the whole system as `npm start` runs it (started
 * with the CLI, as a facilitator does); its incident's case page links the after-action report, which
 * opens in headless Chromium with its expectations and its two charts (SVG), passes axe-core's WCAG 2.1
 * A/AA rules, and takes the facilitator's findings through a form with CSRF; the CLI's report then has
 * the same findings. Screenshots go to a temporary folder (printed).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createContext } from '../../cli/context.js';
import { runCli } from '../../cli/main.js';
import type { AfterActionReport } from '../../exercises/report.js';
import type { Chromium } from './chromium.js';
import { eventually, startSystemAndBrowser, type RunningSystem } from './system.js';

let system: RunningSystem;
let browser: Chromium;
let axeSource: string;
let runId = '';

async function breach(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  // The development key npm start made in its data folder (security/keyring.ts), as an operator would point to it.
  const env = { ...system.env, BREACH_KEYRING: join(system.env.BREACH_DATA_DIR!, 'keyring.json') };
  const code = await runCli(args, createContext({ out: (t) => out.push(t), err: (t) => err.push(t), env }));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  ({ system, browser, axeSource } = await startSystemAndBrowser());
}, 240_000);

afterAll(async () => {
  if (runId) await breach(['exercise', 'stop', runId]).catch(() => undefined);
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

test("an exercise incident's case page links its after-action report: expectations, a timeline and time-per-gate bars as SVG, accessible", async () => {
  // 3600: an hour of scenario time a second; the one-hour report is missed (US-CERT down from +10 min).
  const started = await breach(['exercise', 'run', 'lost-laptop', '--speed', '3600']);
  expect(started.code, started.err).toBe(0);
  runId = /run (ex-[a-z0-9-]+)/.exec(started.out)![1]!;

  const { page } = browser;
  await signInAs(page, /Dana Demo/, `/cases/${runId}`);
  await eventually(
    async () => {
      await page.goto(`${system.apiUrl}/cases/${runId}`);
      return (await page.getByRole('link', { name: 'The after-action report' }).count()) > 0 || undefined;
    },
    'the exercise case page with its after-action link',
    60_000,
  );
  await Promise.all([
    page.waitForURL(/\/after-action$/),
    page.getByRole('link', { name: 'The after-action report' }).click(),
  ]);
  expect(await page.locator('h1').innerText()).toMatch(/^After-action report: /);
  expect(await page.locator('text=EXERCISE: after-action report').count()).toBe(1);
  // The page and the JSON are read at two moments of a clock running an hour a second, so an expectation
  // may fall due between them: they are compared when the JSON read before the page and after it agree.
  const results = async () => {
    const json = (await (
      await page.request.get(`${system.apiUrl}/cases/${runId}/after-action?format=json`)
    ).json()) as AfterActionReport;
    return JSON.stringify(Object.fromEntries(json.expectations.map((e) => [e.id, e.result])));
  };
  const [before, rows, after] = await eventually(
    async () => {
      const first = await results();
      await page.reload();
      const shown = await page.$$eval('#expectations tbody tr', (trs) =>
        trs.map((tr) => [tr.getAttribute('data-id'), tr.getAttribute('data-result')]),
      );
      const last = await results();
      return first === last ? ([first, shown, last] as const) : undefined;
    },
    'the report read twice with no expectation falling due between',
    30_000,
  );
  expect(before).toBe(after);
  expect(Object.fromEntries(rows)).toEqual(JSON.parse(after));
  expect(rows.length).toBeGreaterThan(3);
  expect(await page.locator('svg[role="img"]').count()).toBe(2);
  expect(await axeViolations(page)).toEqual([]);
  console.log(`  ${await browser.screenshot(page, 'after-action-1-case-page')}`);
});

test("the facilitator edits the findings on the page (CSRF form); the CLI's report has the same; a bad form keeps what was written", async () => {
  const { page } = browser;
  await page.goto(`${system.apiUrl}/cases/${runId}/after-action`);
  const first = page.locator('textarea[name^="finding-"]').first();
  const firstName = (await first.getAttribute('name'))!;
  await first.fill('Nobody watched the US-CERT delivery: name a duty officer.');
  await page.getByLabel('A new finding').fill('The toll-free line was not staffed during the exercise.');
  await Promise.all([page.waitForURL(/saved=1/), page.getByRole('button', { name: 'Save the findings' }).click()]);
  expect(await page.getByRole('status').innerText()).toContain('The findings were saved');
  const findings = await page.$$eval('#findings li', (lis) =>
    lis.map((li) => [li.getAttribute('data-source'), li.textContent]),
  );
  expect(findings).toContainEqual(['facilitator', 'Nobody watched the US-CERT delivery: name a duty officer.']);
  expect(findings.at(-1)).toEqual(['facilitator', 'The toll-free line was not staffed during the exercise.']);
  expect(await axeViolations(page)).toEqual([]);
  console.log(`  ${await browser.screenshot(page, 'after-action-2-findings-saved')}`);

  // The CLI reads the same findings (the same BREACH_EXERCISE_DIR).
  const cli = await breach(['exercise', 'report', runId, '--format', 'json']);
  expect(cli.code, cli.err).toBe(0);
  const report = JSON.parse(cli.out) as AfterActionReport;
  expect(report.findings.find((f) => f.id === firstName.slice('finding-'.length))).toMatchObject({
    text: 'Nobody watched the US-CERT delivery: name a duty officer.',
    source: 'facilitator',
  });

  // Too long: 400, the error beside the field, what was written kept, nothing saved.
  // Past the field's maxlength, as a client without it would send.
  await page
    .locator('#new-finding')
    .evaluate((el, v) => ((el as unknown as { value: string }).value = v), 'x'.repeat(4_001));
  await page.getByRole('button', { name: 'Save the findings' }).click();
  await expect.poll(() => page.locator('main').innerText()).toContain('The findings were not saved');
  expect(await page.locator('main').innerText()).toContain('at most 4000 characters');
  expect((await page.getByLabel('A new finding').inputValue()).length).toBe(4_001);
  console.log(`  ${await browser.screenshot(page, 'after-action-3-findings-error')}`);
});

test('who may edit: a person who may read the case but is not a facilitator sees the report without the form; a forged post is 403, nothing saved', async () => {
  const { page } = browser;
  // The program manager is told of every incident (need to know) and holds neither facilitator role.
  await signInAs(page, /Morgan Mock/, `/cases/${runId}/after-action`);
  await expect.poll(() => page.locator('h1').innerText()).toMatch(/^After-action report: /);
  expect(await page.getByRole('heading', { name: 'Edit the findings' }).count()).toBe(0);
  expect(await page.locator('main').innerText()).toContain(
    "the exercise's facilitators (the IPS Director and the Privacy Division) edit them",
  );
  // The page's own CSRF token (the sign-out form's), posted as the edit form would be.
  const csrf = await page.locator('input[name="_csrf"]').first().getAttribute('value');
  const res = await page.request.post(`${system.apiUrl}/cases/${runId}/after-action/findings`, {
    form: { _csrf: csrf!, 'new-finding': 'Not a facilitator.' },
  });
  expect(res.status()).toBe(403);
  expect(await res.text()).toContain('You may not edit these findings');
  const json = (await (
    await page.request.get(`${system.apiUrl}/cases/${runId}/after-action?format=json`)
  ).json()) as AfterActionReport;
  expect(JSON.stringify(json.findings)).not.toContain('Not a facilitator.');
});
