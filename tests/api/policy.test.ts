/**
 * The later facts, the custody exemption and the major incident through the HTTP API and the CLI against the real workflow on the Temporal dev server: the
 * custody exemption's grounds (400 naming the field), the accounting of disclosures (`breach
 * disclosures`), later facts, major incidents listed by their search attribute, and the receiver's
 * reference of the one-hour report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../cli/context.js';
import { runCli } from '../../cli/main.js';
import { FACTORS_HIGH, MEMO_CASE as MEMO_FINDING } from '../workflows/fixture.js';
import { aReport, call, reportIncident, startApiFixture, TOKEN, triage, waitFor, type ApiFixture } from './fixture.js';

let f: ApiFixture;
beforeAll(async () => {
  f = await startApiFixture();
});
afterAll(async () => {
  await f?.close();
});

const decisions = (id: string) => `/incidents/${id}/decisions`;

async function breach(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    args,
    createContext({
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      env: { BREACH_TASK_QUEUE: f.taskQueue },
      client: f.env.client,
    }),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const MEDICAL = {
  piiTypes: ['medical' as const],
  disclosureFormat: 'paper' as const,
  disclosedBy: 'clinic records clerk',
  disclosedTo: 'ICE Health Service Corps',
  affectedCount: 1,
};
const MEMO_CASE = { ...MEMO_FINDING, disclosedAt: '2026-02-20T15:00:00Z' };
const analysis = (extra: Record<string, unknown>) => ({
  kind: 'submit-analysis',
  factors: FACTORS_HIGH,
  options: ['no-further-action'],
  rationale: 'CRG analysis of 468.4.',
  ...extra,
});

async function inAnalysis(overrides = {}): Promise<string> {
  const incidentId = await reportIncident(f.app, overrides);
  await triage(f.app, incidentId, true);
  await waitFor(f.app, incidentId, (s) => s.phase === 'analysis', 'analysis');
  return incidentId;
}

describe('custody exemption on facts (ICE memo; 45 CFR 164.512(k)(5)(i)) and the accounting (464c)', () => {
  it('45 CFR 164.512(k)(5)(i): 400 naming each missing ground (custodian, subjectInLawfulCustody, custodyPurpose, recipient), the incident unchanged', async () => {
    const incidentId = await inAnalysis(MEDICAL);
    const bare = {
      basis: 'hipaa-custody-exemption',
      explanation: 'Sent to the jail with lawful custody of the inmate, a correctional institution.',
    };
    const res = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      body: analysis({ authorizedDisclosure: bare }),
    });
    expect(res.status).toBe(400);
    expect((res.json.issues as unknown as { path: string }[]).map((i) => i.path)).toEqual([
      'authorizedDisclosure.recipient',
      'authorizedDisclosure.custodian',
      'authorizedDisclosure.custodyPurpose',
      'authorizedDisclosure.subjectInLawfulCustody',
    ]);
    const wrongKind = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      body: analysis({ authorizedDisclosure: { ...MEMO_CASE, custodian: { name: 'ICE', kind: 'hospital' } } }),
    });
    expect(wrongKind.status).toBe(400);
    expect(JSON.stringify(wrongKind.json.issues)).toContain('authorizedDisclosure.custodian.kind');
    // The CLI checks the same grounds before it sends (exit 2, each field named).
    const cli = await breach([
      'decide',
      incidentId,
      'submit-analysis',
      '--as',
      'ips-director',
      '--factors',
      JSON.stringify(FACTORS_HIGH),
      '--options',
      'no-further-action',
      '--rationale',
      'r',
      '--authorizedDisclosure',
      JSON.stringify(bare),
    ]);
    expect(cli.code).toBe(2);
    expect(cli.err).toContain('authorizedDisclosure.custodian');
    expect(cli.err).toContain('authorizedDisclosure.subjectInLawfulCustody');
    const state = await call(f.app, { method: 'GET', url: `/incidents/${incidentId}` });
    expect(state.json.phase).toBe('analysis');
    expect(state.json.disclosures).toEqual([]);
  });

  it("45 CFR 164.512(k)(5)(i): the memo's finding on a report that says the records went to a newspaper is refused through the API, naming report.disclosedTo", async () => {
    const incidentId = await inAnalysis({ ...MEDICAL, disclosedTo: 'The Daily Courier' });
    const res = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      body: analysis({ authorizedDisclosure: MEMO_CASE }),
    });
    // InvalidDecision (domain/refusal.ts) is a 400 (domain/refusal.ts refusalStatus).
    expect(res.status, res.text).toBe(400);
    expect(res.text).toContain('report.disclosedTo');
    const after = await call(f.app, { method: 'GET', url: `/incidents/${incidentId}` });
    expect(after.json.phase).toBe('analysis');
    expect(after.json.disclosures).toEqual([]);
  });

  it("ICE memo, 464c: the memo's case is accepted (200), its accounting entry is in the state and listed by `breach disclosures`", async () => {
    const incidentId = await inAnalysis(MEDICAL);
    const res = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      body: analysis({ authorizedDisclosure: MEMO_CASE }),
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.disclosures).toEqual([
      expect.objectContaining({
        entryId: `${incidentId}-D1`,
        disclosedAt: '2026-02-20T15:00:00Z',
        nature: 'paper disclosure of medical',
        recipient: MEMO_CASE.recipient,
        accountingRequired: true,
      }),
    ]);

    const listed = await breach(['disclosures', '--since', '2026-02-20', '--format', 'json']);
    expect(listed.code, listed.err).toBe(0);
    const entries = (
      JSON.parse(listed.out) as {
        disclosures: { entryId: string; recipient: { name: string; address: string }; purpose: string }[];
      }
    ).disclosures;
    const entry = entries.find((e) => e.entryId === `${incidentId}-D1`);
    expect(entry).toMatchObject({ recipient: MEMO_CASE.recipient });
    expect(entry!.purpose).toContain('45 CFR 164.512(k)(5)(i)');

    const table = await breach(['disclosures']);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/ENTRY\s+DATE\s+NATURE\s+PURPOSE\s+RECIPIENT\s+ADDRESS/);
    expect(table.out).toContain(`${incidentId}-D1`);
    expect(table.out).toContain('ICE Health Service Corps');

    const later = await breach(['disclosures', '--since', '2026-02-21', '--format', 'json']);
    expect(
      (JSON.parse(later.out) as { disclosures: { entryId: string }[] }).disclosures.map((e) => e.entryId),
    ).not.toContain(`${incidentId}-D1`);
    expect(await breach(['disclosures', '--since', 'last week'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--since'),
    });
  });
});

describe('later facts (468.1(4), 468.3b(2), 469.6) through the API', () => {
  it('468.3b(2), 467.2c: a second report that newly says classified and criminal refers to OIG/INV and moves the fact-finding to DS', async () => {
    const incidentId = await inAnalysis();
    const again = await call(f.app, {
      method: 'POST',
      url: '/incidents',
      body: aReport({
        incidentId,
        summary: 'The laptop held classified cables; it was taken by a burglar.',
        classifiedInvolved: true,
        criminalActSuspected: true,
      }),
    });
    expect(again.status).toBe(202);
    const state = await waitFor(
      f.app,
      incidentId,
      (s) =>
        s.timeline.some((t) => t.event === 'referred:oig') &&
        s.timeline.some((t) => t.event === 'security-incident-notified'),
      'the duties',
    );
    expect(state.actionItems.find((i) => i.id === 'fact-finding')?.ownerRole).toBe('securityIncident');
    expect(state.actionItems.find((i) => i.id === 'oig-referral')?.status).toBe('open');
  });

  it('468.3b(2): an analysis that says a criminal act is suspected refers at once; one that says nothing new does not', async () => {
    const quiet = await inAnalysis();
    const none = await call(f.app, {
      method: 'POST',
      url: decisions(quiet),
      body: { kind: 'submit-analysis', factors: FACTORS_HIGH, options: ['notify-individuals'], rationale: 'r' },
    });
    expect(none.status).toBe(200);
    expect(none.json.actionItems.map((i) => i.id)).not.toContain('oig-referral');

    const incidentId = await inAnalysis();
    const res = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      body: {
        kind: 'submit-analysis',
        factors: FACTORS_HIGH,
        options: ['notify-individuals'],
        criminalActSuspected: true,
        rationale: 'Forensics show an intrusion.',
      },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.actionItems.map((i) => i.id)).toContain('oig-referral');
    const oigPath = new URL(f.playbook.endpoints.oig.url).pathname;
    await f.receiver.waitFor(
      (c) => c.path === oigPath && (c.body as { incidentId?: string }).incidentId === incidentId,
    );
  });
});

describe('major incidents (OMB definition; search attribute BreachMajorIncident)', () => {
  it('OMB major incident: listed by GET /incidents?majorIncident=true and `breach list --major`; a small one is not', async () => {
    const major = await reportIncident(f.app, { affectedCount: 150_000 });
    const small = await reportIncident(f.app, { affectedCount: 10 });
    const state = await waitFor(f.app, major, (s) => s.majorIncident !== null, 'the flag');
    expect(state.actionItems.find((i) => i.id === 'congress-notification')?.ownerRole).toBe('ppgbChair');
    await f.mail.waitFor((m) => m.subject.includes(major) && m.subject.includes('MAJOR INCIDENT'));

    const until = Date.now() + 20_000;
    let ids: string[] = [];
    while (Date.now() < until) {
      const res = await call(f.app, { method: 'GET', url: '/incidents?majorIncident=true' });
      expect(res.status).toBe(200);
      ids = (res.json.incidents as unknown as { incidentId: string; majorIncident: boolean }[]).map(
        (i) => i.incidentId,
      );
      if (ids.includes(major)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(ids).toContain(major);
    expect(ids).not.toContain(small);
    const listed = await breach(['list', '--major', '--json']);
    expect(listed.code, listed.err).toBe(0);
    const incidents = (JSON.parse(listed.out) as { incidents: { incidentId: string; majorIncident: boolean }[] })
      .incidents;
    expect(incidents.find((i) => i.incidentId === major)).toMatchObject({ majorIncident: true });
    expect(incidents.map((i) => i.incidentId)).not.toContain(small);

    const bad = await call(f.app, { method: 'GET', url: '/incidents?majorIncident=perhaps' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json.issues)).toContain('majorIncident');
  });

  it('468.2a: the SAOP completes congress-notification with evidence; another role may not', async () => {
    const incidentId = await reportIncident(f.app, { affectedCount: 100_000 });
    await waitFor(f.app, incidentId, (s) => s.majorIncident !== null, 'the flag');
    const notification = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      token: TOKEN.notificationOfficial,
      body: { kind: 'complete-action-item', itemId: 'congress-notification', evidence: 'Told them.' },
    });
    // The notification official has no part in the case yet: need to know (469.2c(1)) answers 404.
    expect(notification.status).toBe(404);
    const done = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      token: TOKEN.ppgbChair,
      body: {
        kind: 'complete-action-item',
        itemId: 'congress-notification',
        evidence: 'Letters to the committees of jurisdiction, 4 March.',
      },
    });
    expect(done.status, done.text).toBe(200);
    expect(done.json.actionItems.find((i) => i.id === 'congress-notification')).toMatchObject({
      status: 'done',
      completedBy: 'ppgb-chair',
    });
  });
});

describe('the one-hour report (CISA guidelines)', () => {
  it("CISA guidelines: the receiver's reference is in the state; a second report sends an update naming it", async () => {
    const incidentId = await reportIncident(f.app);
    const first = await waitFor(f.app, incidentId, (s) => s.reportReference !== null, 'the reference');
    await call(f.app, {
      method: 'POST',
      url: '/incidents',
      body: aReport({ incidentId, summary: 'Backups were on it too.', affectedCount: 400 }),
    });
    const state = await waitFor(f.app, incidentId, (s) => s.reportReceipts.length === 2, 'the update');
    expect(state.reportReceipts.map((r) => r.kind)).toEqual(['initial', 'update']);
    const usCertPath = new URL(f.playbook.endpoints.usCert.url).pathname;
    const update = f.receiver
      .calls(usCertPath)
      .filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId)[1]!;
    expect(update.body).toMatchObject({
      reportType: 'update',
      updates: { reference: first.reportReference, supplement: 1 },
      affected: { records: 400 },
    });
  });
});
