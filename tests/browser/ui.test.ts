/**
 * What the Temporal UI shows an operator, asserted through the SDK on the real dev
 * server with the real workflow and activities: each incident is found by the visibility queries the UI
 * runs (`BreachPhase`, `BreachAwaitingRole`, `BreachReportedLate`); its current details say in a few lines
 * of markdown what it waits for, from whom and the next deadline; activities and timers carry summaries,
 * so the event history reads as the policy. Summaries and details are payloads: the codec encrypts them,
 * so the history holds ciphertext and only a holder of the key (the codec server) reads them.
 * browser.test.ts looks at the same things in the UI itself, in Chromium.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentWorkflowId } from '../../domain/ids.js';
import { BreachAwaitingRole, BreachPhase, BreachReportedLate } from '../../domain/search-attributes.js';
import { ENCRYPTED_ENCODING } from '../../security/codec.js';
import {
  aReport,
  call,
  reportIncident,
  startApiFixture,
  waitFor,
  waitForPhase,
  type ApiFixture,
} from '../api/fixture.js';
import { testDataConverter } from '../helpers/index.js';

const EventType = temporal.api.enums.v1.EventType;

let f: ApiFixture;

beforeAll(async () => {
  f = await startApiFixture();
});

afterAll(async () => {
  await f?.close();
});

/** Workflow ids the UI's list shows for a query (visibility is eventually consistent: polled). */
async function listed(query: string, expected: string, timeoutMs = 60_000): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  let ids: string[] = [];
  while (Date.now() < until) {
    ids = [];
    for await (const execution of f.env.client.workflow.list({ query })) ids.push(execution.workflowId);
    if (ids.includes(expected)) return ids;
    await new Promise((r) => setTimeout(r, 200));
  }
  return ids;
}

/** The current details, as the UI reads them (the SDK's built-in metadata query). */
async function currentDetails(handle: WorkflowHandle): Promise<string> {
  const metadata = (await handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
  return metadata.currentDetails ?? '';
}

async function detailsUntil(handle: WorkflowHandle, predicate: (details: string) => boolean): Promise<string> {
  const until = Date.now() + 60_000;
  let details = '';
  while (Date.now() < until) {
    details = await currentDetails(handle);
    if (predicate(details)) return details;
    await new Promise((r) => setTimeout(r, 200));
  }
  return details;
}

/** Each summary of the history, by event type, decoded with the data converter (as the codec server does). */
async function summaries(
  handle: WorkflowHandle,
): Promise<{ activities: string[]; timers: string[]; encodings: string[] }> {
  const history = await handle.fetchHistory();
  const codec = testDataConverter().payloadCodecs![0]!;
  const activities: string[] = [];
  const timers: string[] = [];
  const encodings: string[] = [];
  for (const event of history.events ?? []) {
    const summary = event.userMetadata?.summary;
    if (!summary) continue;
    encodings.push(Buffer.from(summary.metadata?.encoding ?? new Uint8Array()).toString());
    const [decoded] = await codec.decode([summary]);
    const text = JSON.parse(Buffer.from(decoded!.data!).toString()) as string;
    // A notice no one waits on runs as a local activity: its marker carries the summary (workflows/activities.ts).
    if (
      event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED ||
      event.eventType === EventType.EVENT_TYPE_MARKER_RECORDED
    )
      activities.push(text);
    if (event.eventType === EventType.EVENT_TYPE_TIMER_STARTED) timers.push(text);
  }
  return { activities, timers, encodings };
}

describe('an incident in triage, reported in time', () => {
  let incidentId: string;
  let workflowId: string;
  let handle: WorkflowHandle;

  beforeAll(async () => {
    incidentId = await reportIncident(f.app);
    workflowId = incidentWorkflowId(incidentId);
    handle = f.env.client.workflow.getHandle(workflowId);
    await waitForPhase(f.app, incidentId, 'triage');
  });

  it('is found by BreachPhase, BreachAwaitingRole and BreachReportedLate, as the UI filters', async () => {
    const id = `WorkflowId = '${workflowId}'`;
    expect(await listed(`BreachPhase = "triage" AND ${id}`, workflowId)).toEqual([workflowId]);
    expect(await listed(`BreachAwaitingRole = "ipsDirector" AND ${id}`, workflowId)).toEqual([workflowId]);
    expect(await listed(`BreachReportedLate = false AND ${id}`, workflowId)).toEqual([workflowId]);
    expect(await listed(`BreachPhase = "analysis" AND ${id}`, workflowId, 500)).toEqual([]);

    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(BreachPhase)).toBe('triage');
    expect(described.typedSearchAttributes.get(BreachAwaitingRole)).toBe('ipsDirector');
    expect(described.typedSearchAttributes.get(BreachReportedLate)).toBe(false);
  });

  it('its current details say what it waits for, from whom, and the next deadline, in markdown without PII', async () => {
    const details = await detailsUntil(handle, (d) => d.includes('**Waiting for:**'));
    const lines = details.split('\n\n');
    // The case by its number first (docs/contract.md "Case numbers").
    expect(lines[0]).toMatch(/^\*\*Case PII-\d{4}-\d{4}\*\* · \*\*Phase:\*\* triage · \*\*Medium:\*\* cyber$/);
    expect(details).toContain(
      '**Waiting for:** assign-responsible-office, convene-crg — from the ipsDirector (ips-director), since ',
    );
    // The shipped playbook reminds daily and escalates after five days: the next deadline is the first reminder.
    expect(details).toMatch(
      /\*\*Next deadline:\*\* \d{4}-\d\d-\d\dT[\d:.]+Z — reminder to the ipsDirector; escalation to the SAOP at \d{4}-/,
    );
    // Reported in time and out of the reporting phase: the one-hour report is no longer news.
    expect(details).not.toContain('One-hour report');
    expect(lines.length).toBe(3);
    const report = aReport();
    for (const pii of [
      report.reporter.name,
      report.reporter.email,
      report.supervisor.name,
      report.supervisor.email,
      report.summary,
    ])
      expect(details).not.toContain(pii);
  });

  it('its activities and timers carry summaries that read as the policy, encrypted in the history', async () => {
    const { activities, timers, encodings } = await summaries(handle);
    expect(activities).toEqual(expect.arrayContaining(['Report to US-CERT', 'Ask ipsDirector to decide']));
    // The intake notices are one activity: its summary names each (workflows/reporting.ts).
    expect(activities.find((a) => a.startsWith('Tell the supervisor'))).toMatch(/; Route to DS\/CIRT$/);
    expect(timers).toEqual(
      expect.arrayContaining([
        'One-hour reporting deadline',
        'ipsDirector to decide assign-responsible-office / convene-crg, else reminder 1',
      ]),
    );
    // Without the codec the UI sees ciphertext only: every summary is an encrypted payload.
    expect(new Set(encodings)).toEqual(new Set([ENCRYPTED_ENCODING]));
    const raw = Buffer.from(temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish());
    for (const text of ['Report to US-CERT', 'One-hour reporting deadline', 'Ask ipsDirector'])
      expect(raw.includes(text)).toBe(false);
  });

  it('once one triage decision is in, the details wait for the other one only', async () => {
    const res = await call(f.app, {
      method: 'POST',
      url: `/incidents/${incidentId}/decisions`,
      body: { kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' },
    });
    expect(res.status, res.text).toBe(200);
    const details = await detailsUntil(handle, (d) => d.includes('**Waiting for:** convene-crg —'));
    expect(details).toContain('**Waiting for:** convene-crg — from the ipsDirector (ips-director), since ');
  });

  it('after triage the search attributes and the details follow it into the analysis', async () => {
    const res = await call(f.app, {
      method: 'POST',
      url: `/incidents/${incidentId}/decisions`,
      body: { kind: 'convene-crg', convene: true, rationale: 'Passport numbers of the public.' },
    });
    expect(res.status, res.text).toBe(200);
    await waitForPhase(f.app, incidentId, 'analysis');
    expect(await listed(`BreachPhase = "analysis" AND WorkflowId = '${workflowId}'`, workflowId)).toEqual([workflowId]);
    const details = await detailsUntil(handle, (d) => d.includes('submit-analysis'));
    expect(details).toContain('**Waiting for:** submit-analysis — from the ipsDirector (ips-director)');
    expect(details).toContain('**Open action items:** fact-finding, risk-assessment');
  });

  it('468.5c: in the PPGB objection window the next deadline is the end of the window', async () => {
    const factors = {
      dataNature: 'low',
      misuseLikelihood: 'low',
      logicalAccess: 'low',
      physicalAccess: 'low',
      deliberateTargeting: 'low',
      priorMisuse: 'low',
    };
    const res = await call(f.app, {
      method: 'POST',
      url: `/incidents/${incidentId}/decisions`,
      // Low factors leave passport numbers at moderate risk (468.4); the CRG finds minimal risk by overriding (468.5c).
      body: {
        kind: 'submit-analysis',
        factors,
        riskOverride: { level: 'low', rationale: 'Recovered at once, unopened.' },
        options: ['no-further-action'],
        rationale: 'Recovered at once; minimal risk.',
      },
    });
    expect(res.status, res.text).toBe(200);
    await waitForPhase(f.app, incidentId, 'ppgb-advised');
    const details = await detailsUntil(handle, (d) => d.includes('ppgb-override'));
    // 468.5c: any PPGB member may object, so the window waits on the board.
    expect(details).toMatch(/\*\*Waiting for:\*\* ppgb-override — from the ppgb \([^)]*ppgb-chair[^)]*\), since /);
    expect(details).toMatch(
      /\*\*Next deadline:\*\* \S+ — the PPGB objection window ends: closure review unless a PPGB member objects/,
    );
    const { timers } = await summaries(handle);
    expect(timers).toContain('PPGB objection window (5 FAM 468.5c)');
    expect(await listed(`BreachAwaitingRole = "ppgb" AND WorkflowId = '${workflowId}'`, workflowId)).toEqual([
      workflowId,
    ]);
  });
});

describe('an incident reported after its hour', () => {
  it('468.3b(1): is found by BreachReportedLate = true, and its details say the report is late', async () => {
    const incidentId = await reportIncident(f.app, {
      discoveredAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
    });
    const workflowId = incidentWorkflowId(incidentId);
    const handle = f.env.client.workflow.getHandle(workflowId);
    expect(await listed(`BreachReportedLate = true AND WorkflowId = '${workflowId}'`, workflowId)).toEqual([
      workflowId,
    ]);
    expect((await handle.describe()).typedSearchAttributes.get(BreachReportedLate)).toBe(true);
    // Delivered after its hour: the details keep saying so, whatever the phase.
    await waitFor(f.app, incidentId, (s) => s.reportedAt !== null, 'the late report delivered');
    const details = await detailsUntil(handle, (d) => d.includes('(late)'));
    expect(details).toMatch(/\*\*Reported:\*\* \S+ \(late\)/);
  });
});
