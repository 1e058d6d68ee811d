/**
 * Case numbers (docs/contract.md "Case numbers"): `PII-<year>-<sequence>` from the case-numbering
 * workflow, one per incident, never twice, across API instances; shown in the 202, the state, the list,
 * mail, the case record and the Temporal UI's current details; a number is taken where an id is.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../api/server.js';
import { DEFAULT_API_TOKENS, loadApiTokens } from '../../config/index.js';
import { parseCaseNumber } from '../../domain/case-numbers.js';
import { aReport, call, LINK_SECRET, PUBLIC_URL, startApiFixture, waitFor, type ApiFixture } from './fixture.js';

let f: ApiFixture;
let second: FastifyInstance;

beforeAll(async () => {
  f = await startApiFixture();
  // A second API instance on the same Temporal and task queue, as two replicas behind a load balancer.
  second = await buildApi({
    client: f.env.client,
    taskQueue: f.taskQueue,
    playbook: f.playbook,
    tokens: await loadApiTokens(DEFAULT_API_TOKENS, f.playbook),
    linkSecret: LINK_SECRET,
    publicUrl: PUBLIC_URL,
    decisionWaitMs: 20_000,
  });
}, 120_000);

afterAll(async () => {
  await second?.close();
  await f?.close();
});

const year = new Date().getUTCFullYear();

describe('case numbers', () => {
  it('the number is in the state, the list, mail, the case record and the Temporal UI current details; a number is taken for the id', async () => {
    const res = await call(f.app, {
      method: 'POST',
      url: '/incidents',
      body: aReport({ title: 'Stolen laptop, visa applicants', affectedCount: 77 }),
    });
    expect(res.status).toBe(202);
    const { incidentId, caseNumber } = res.json as unknown as { incidentId: string; caseNumber: string };
    expect(caseNumber).toMatch(/^PII-\d{4}-\d{4}$/);
    const state = await waitFor(f.app, incidentId, (s) => s.discoveredAt !== '', 'the report', 90_000);
    expect(state.caseNumber).toBe(caseNumber);
    expect(state.title).toBe('Stolen laptop, visa applicants');
    expect(state.affectedCount).toBe(77);

    // The number where the id goes.
    const byNumber = await call(f.app, { method: 'GET', url: `/incidents/${caseNumber}` });
    expect(byNumber.status).toBe(200);
    expect((byNumber.json as { incidentId: string }).incidentId).toBe(incidentId);

    // The list: found by its number, with its title, office and count.
    let row: Record<string, unknown> | undefined;
    const until = Date.now() + 30_000;
    while (!row && Date.now() < until) {
      const list = await call(f.app, { method: 'GET', url: `/incidents?number=${caseNumber}` });
      expect(list.status).toBe(200);
      row = (list.json as unknown as { incidents: Record<string, unknown>[] }).incidents.find(
        (i) => i.incidentId === incidentId,
      );
      if (!row) await new Promise((r) => setTimeout(r, 300));
    }
    expect(row).toMatchObject({ caseNumber, title: 'Stolen laptop, visa applicants', affectedCount: 77 });
    expect(typeof row?.office).toBe('string');

    // Mail: the supervisor's notice names the case by its number.
    const mail = await f.mail.waitFor((m) => m.subject.includes(caseNumber), 60_000);
    expect(mail.subject).toContain(`[Breach ${caseNumber}]`);
    expect(mail.subject).toContain(`(incident ${incidentId})`);
    expect(mail.text).toContain(`Case: ${caseNumber} (incident ${incidentId})`);

    // The case record.
    const record = await call(f.app, { method: 'GET', url: `/incidents/${incidentId}/record` });
    expect(record.status).toBe(200);
    expect((record.json as { caseNumber?: string }).caseNumber).toBe(caseNumber);
    const html = await f.app.inject({
      method: 'GET',
      url: `/incidents/${caseNumber}/record?format=html`,
      headers: { authorization: 'Bearer demo-ips-director-token' },
    });
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain(`Case record ${caseNumber}`);

    // The Temporal UI: its current details and the summary at the top.
    const handle = f.env.client.workflow.getHandle(`breach-${incidentId}`);
    const metadata = (await handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
    expect(metadata.currentDetails).toContain(`**Case ${caseNumber}**`);
    const described = await handle.describe();
    expect(await described.staticSummary()).toContain(caseNumber);
  }, 120_000);

  it('a supplement keeps the number of its incident', async () => {
    const res = await call(f.app, { method: 'POST', url: '/incidents', body: aReport() });
    const { incidentId, caseNumber } = res.json as unknown as { incidentId: string; caseNumber: string };
    await waitFor(f.app, incidentId, (s) => s.discoveredAt !== '', 'the report', 90_000);
    const again = await call(f.app, {
      method: 'POST',
      url: '/incidents',
      body: aReport({ incidentId, summary: 'More files found.', title: 'Two boxes of files' }),
    });
    expect(again.status).toBe(202);
    expect((again.json as { caseNumber: string }).caseNumber).toBe(caseNumber);
    const state = await waitFor(f.app, incidentId, (s) => s.supplements === 1, 'the supplement', 90_000);
    expect(state.caseNumber).toBe(caseNumber);
    expect(state.title).toBe('Two boxes of files');
  }, 120_000);
  it('200 reports filed at once through two API instances get 200 distinct, consecutive numbers', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        call(i % 2 === 0 ? f.app : second, {
          method: 'POST',
          url: '/incidents',
          body: aReport({ title: `Surge report ${i}` }),
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 202));
    const numbers = answers.map((a) => (a.json as { caseNumber: string | null }).caseNumber);
    expect(numbers.every((n) => typeof n === 'string' && /^PII-\d{4}-\d{4}$/.test(n))).toBe(true);
    expect(new Set(numbers).size).toBe(200);
    const sequences = numbers.map((n) => parseCaseNumber(n!)!.sequence).sort((a, b) => a - b);
    // Consecutive: no number skipped and none given twice.
    expect(sequences.at(-1)! - sequences[0]!).toBe(199);
    expect(numbers.every((n) => parseCaseNumber(n!)!.year === year)).toBe(true);
  }, 600_000);
});
