/**
 * Section 508 (5 FAM 468.6-2b: accommodations such as telecommunications devices for the deaf): the
 * substitute notice as posted and the letter as HTML (the email a person gets) pass axe-core's WCAG 2.0 /
 * 2.1 A and AA rules in headless Chromium with no violation, and name the playbook's TTY/relay number.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK, loadPlaybookFile } from '../../config/index.js';
import { renderEmail, renderSubstituteNotice } from '../../domain/letter-render.js';
import type { Playbook } from '../../domain/playbook.js';
import { LETTER } from '../workflows/fixture.js';
import { launchChromium, type Chromium } from './chromium.js';

let browser: Chromium;
let axeSource: string;
let playbook: Playbook;

beforeAll(async () => {
  browser = await launchChromium();
  axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  playbook = await loadPlaybookFile(DEFAULT_PLAYBOOK);
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

async function axeViolations(html: string): Promise<string[]> {
  const page = browser.page;
  await page.setContent(html);
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

describe('Section 508: the notices as HTML', () => {
  it('468.6-2b: the posted substitute notice passes axe-core with zero violations and names the TTY/relay number of the playbook', async () => {
    const tty = playbook.accessibility!.ttyRelay;
    const notice = renderSubstituteNotice(
      { ...LETTER, creditProtectionOffer: 'Two years of credit monitoring, free of charge.' },
      { organization: playbook.organization, affectedCount: 1_234, ttyRelay: tty },
    );
    expect(notice.webPosting.html).toContain(`call TTY ${tty}`);
    expect(notice.mediaText).toContain(`call TTY ${tty}`);
    expect(await axeViolations(notice.webPosting.html)).toEqual([]);
  });

  it('468.6-1: the letter as HTML passes axe-core with zero violations and names the TTY/relay number', async () => {
    const tty = playbook.accessibility!.ttyRelay;
    const email = renderEmail(
      { ...LETTER, contact: { ...LETTER.contact, website: 'https://www.state.example/breach' } },
      { name: 'Ada Person' },
      { organization: playbook.organization, incidentRef: 'inc-0001', ttyRelay: tty },
    );
    expect(email.html).toContain(`call TTY ${tty}`);
    expect(await axeViolations(email.html)).toEqual([]);
  });
});
