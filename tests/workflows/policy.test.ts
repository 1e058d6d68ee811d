/**
 * On the time-skipping server: later facts re-open duties, the custody exemption on facts, the
 * accounting of disclosures, major incidents, and the one-hour report in CISA's field set. Each in both
 * directions: the duty is carried out when the rule is met, and not when it is not.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../../domain/report.js';
import { reportIntakeSignal } from '../../workflows/messages.js';
import {
  DAY,
  FACTORS_HIGH,
  FACTORS_LOW,
  MEMO_CASE,
  aReport,
  decide,
  refusal,
  report,
  toAnalysis,
  stateOf,
  waitForPhase,
  waitForState,
  type Fixture,
  type IncidentHandle,
  skip,
  finished,
  groupFixture,
} from './fixture.js';

let f: Fixture;

const mine = (incidentId: string) => (c: { body: unknown }) =>
  (c.body as { incidentId?: string }).incidentId === incidentId;
const events = (s: { timeline: { event: string }[] }) => s.timeline.map((t) => t.event);

async function supplement(handle: IncidentHandle, incidentId: string, changes: Partial<Report>): Promise<void> {
  const now = await f.env.currentTimeMs();
  await handle.signal(reportIntakeSignal, {
    ...aReport({}, now),
    summary: 'More is known now.',
    ...changes,
    incidentId,
  });
}

function analysis(extra: Record<string, unknown> = {}) {
  return {
    kind: 'submit-analysis',
    factors: FACTORS_HIGH,
    options: ['notify-individuals'],
    rationale: 'CRG analysis of 468.4.',
    ...extra,
  } as never;
}

/** A fixture of its own for each group of tests (fixture.ts groupFixture). */
const freshFixture = () => groupFixture('policy', (fixture) => (f = fixture));

describe('later facts re-open duties', () => {
  freshFixture();
  it('468.1(4), 467.2b-c: a supplement that newly says classified information is involved tells the security offices at once and moves the fact-finding to DS', async () => {
    const { handle, incidentId } = await report(f);
    await toAnalysis(handle);
    expect((await stateOf(handle)).actionItems.find((i) => i.id === 'fact-finding')?.ownerRole).toBe(
      'responsibleOffice',
    );
    await supplement(handle, incidentId, { classifiedInvolved: true });
    const state = await waitForState(
      handle,
      (s) => events(s).includes('security-incident-notified'),
      'the security-incident notice',
    );
    const item = state.actionItems.find((i) => i.id === 'fact-finding')!;
    expect(item).toMatchObject({
      ownerRole: 'securityIncident',
      status: 'open',
      description: expect.stringContaining('467.2c'),
    });
    expect(state.timeline.find((t) => t.event === 'action-item-reassigned:fact-finding')?.detail).toContain(
      'responsibleOffice → securityIncident: supplement 1',
    );
    const notice = await f.mail.waitFor(
      (m) => m.subject.includes(incidentId) && m.subject.includes('Security incident'),
    );
    expect(notice.envelope.to).toHaveLength(3);
  });

  it('468.1(4): a supplement that does not newly say it (the report already did, or it says false) sends nothing again and moves nothing', async () => {
    const { handle, incidentId } = await report(f, { classifiedInvolved: true });
    await toAnalysis(handle);
    await supplement(handle, incidentId, { classifiedInvolved: true });
    const other = await report(f);
    await toAnalysis(other.handle);
    await supplement(other.handle, other.incidentId, { classifiedInvolved: false });
    const [state, otherState] = await Promise.all([
      waitForState(handle, (s) => s.supplements === 1, 'the supplement'),
      waitForState(other.handle, (s) => s.supplements === 1, 'the supplement'),
    ]);
    expect(events(state).filter((e) => e === 'security-incident-notified')).toHaveLength(1);
    expect(events(state)).not.toContain('fact-learned:classified');
    expect(state.actionItems.find((i) => i.id === 'fact-finding')?.ownerRole).toBe('securityIncident');
    expect(events(otherState)).not.toContain('fact-learned:classified');
    expect(events(otherState)).not.toContain('security-incident-notified');
    expect(otherState.actionItems.find((i) => i.id === 'fact-finding')?.ownerRole).toBe('responsibleOffice');
  });

  it('468.3b(2): a supplement that newly says a criminal act is suspected refers to OIG/INV at once; a repeat does not refer twice', async () => {
    const { handle, incidentId } = await report(f);
    await toAnalysis(handle);
    expect(f.receiver.calls('/oig').filter(mine(incidentId))).toHaveLength(0);
    await supplement(handle, incidentId, { criminalActSuspected: true });
    await f.receiver.waitFor((c) => c.path === '/oig' && mine(incidentId)(c));
    const state = await waitForState(handle, (s) => events(s).includes('referred:oig'), 'the referral');
    expect(state.actionItems).toContainEqual(
      expect.objectContaining({ id: 'oig-referral', ownerRole: 'oigInvestigations', status: 'open' }),
    );
    expect(state.timeline.find((t) => t.event === 'fact-learned:criminal')?.detail).toContain('supplement 1');
    await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.subject.includes('OIG'));

    await supplement(handle, incidentId, { criminalActSuspected: true });
    await waitForState(handle, (s) => s.supplements === 2, 'the second supplement');
    expect(f.receiver.calls('/oig').filter(mine(incidentId))).toHaveLength(1);
  });

  it('469.6: a supplement that newly says a workforce member caused it opens the conduct review; one that does not, does not', async () => {
    const { handle, incidentId } = await report(f);
    await toAnalysis(handle);
    await supplement(handle, incidentId, { causedByWorkforceMember: false, piiTypes: ['financial'] });
    let state = await waitForState(handle, (s) => s.supplements === 1, 'the supplement');
    expect(state.actionItems.map((i) => i.id)).not.toContain('conduct-review');
    await supplement(handle, incidentId, { causedByWorkforceMember: true });
    state = await waitForState(
      handle,
      (s) => s.actionItems.some((i) => i.id === 'conduct-review'),
      'the conduct review',
    );
    expect(state.actionItems.find((i) => i.id === 'conduct-review')).toMatchObject({
      ownerRole: 'responsibleOffice',
      status: 'open',
      description: expect.stringContaining('469.6'),
    });
  });

  it('468.3b(2), 468.1(4): facts learned in the analysis refer to OIG/INV, tell the security offices and move the fact-finding to DS', async () => {
    const { handle, incidentId } = await report(f);
    await toAnalysis(handle);
    await decide(handle, 'ips-director', analysis({ criminalActSuspected: true, classifiedInvolved: true }));
    await f.receiver.waitFor((c) => c.path === '/oig' && mine(incidentId)(c));
    const state = await waitForState(
      handle,
      (s) => events(s).includes('security-incident-notified') && events(s).includes('referred:oig'),
      'both duties',
    );
    expect(state.actionItems.find((i) => i.id === 'fact-finding')?.ownerRole).toBe('securityIncident');
    expect(state.timeline.find((t) => t.event === 'fact-learned:criminal')?.detail).toContain('the analysis');
  });

  it('468.3b(2): an analysis that learns nothing new refers nobody', async () => {
    const { handle, incidentId } = await report(f);
    await toAnalysis(handle);
    const state = await decide(handle, 'ips-director', analysis({ criminalActSuspected: false }));
    expect(events(state).filter((e) => e.startsWith('fact-learned'))).toEqual([]);
    expect(state.actionItems.map((i) => i.id)).not.toContain('oig-referral');
    expect(f.receiver.calls('/oig').filter(mine(incidentId))).toHaveLength(0);
  });
});

const MEDICAL: Partial<Report> = {
  piiTypes: ['medical'],
  disclosureFormat: 'paper',
  disclosedBy: 'clinic records clerk',
  disclosedTo: 'ICE Health Service Corps',
  affectedCount: 1,
  occurredAt: undefined,
};

describe('custody exemption and the accounting of disclosures', () => {
  freshFixture();
  it('45 CFR 164.512(k)(5)(i): a custody finding without its structured grounds is refused naming each, whatever the words say', async () => {
    const { handle } = await report(f, MEDICAL);
    await toAnalysis(handle);
    const words = {
      ...MEMO_CASE,
      explanation: 'Sent to the jail with lawful custody of the inmate, a correctional institution.',
    } as Record<string, unknown>;
    delete words.custodian;
    delete words.subjectInLawfulCustody;
    const refused = await refusal(
      decide(handle, 'ips-director', analysis({ options: ['no-further-action'], authorizedDisclosure: words })),
    );
    expect(refused.type).toBe('InvalidDecision');
    expect(refused.message).toContain('authorizedDisclosure.custodian');
    expect(refused.message).toContain('authorizedDisclosure.subjectInLawfulCustody');
    const state = await stateOf(handle);
    expect(state.phase).toBe('analysis');
    expect(state.disclosures).toEqual([]);
  });

  it("ICE memo, 464c: the memo's own case is accepted and makes an accounting entry with date, nature, purpose, recipient name and address", async () => {
    const { handle, incidentId } = await report(f, MEDICAL);
    await toAnalysis(handle);
    const state = await decide(
      handle,
      'ips-director',
      analysis({ options: ['no-further-action'], authorizedDisclosure: MEMO_CASE }),
    );
    expect(state.authorizedDisclosure).toEqual({ basis: 'hipaa-custody-exemption' });
    expect(state.disclosures).toHaveLength(1);
    expect(state.disclosures[0]).toMatchObject({
      entryId: `${incidentId}-D1`,
      incidentId,
      disclosedAt: state.discoveredAt,
      nature: 'paper disclosure of medical',
      recipient: MEMO_CASE.recipient,
      basis: 'hipaa-custody-exemption',
      accountingRequired: true,
      recordedBy: 'ips-director',
    });
    expect(state.disclosures[0]!.purpose).toContain('(a): the provision of health care');
    expect(events(state)).toContain('disclosure-accounted');
  });

  it('45 CFR 164.512(k)(5)(i): with SSNs in the same disclosure only the medical part is exempt and accounted; the SSNs stay a breach, routed by their own risk', async () => {
    const { handle } = await report(f, { ...MEDICAL, piiTypes: ['medical', 'ssn-or-passport-number'] });
    await toAnalysis(handle);
    const empty = await refusal(
      decide(handle, 'ips-director', analysis({ options: [], authorizedDisclosure: MEMO_CASE })),
    );
    expect(empty.type).toBe('InvalidDecision');
    expect(empty.message).toContain('ssn-or-passport-number stay a breach');
    const state = await decide(
      handle,
      'ips-director',
      analysis({ options: ['notify-individuals'], authorizedDisclosure: MEMO_CASE }),
    );
    expect(state.authorizedDisclosure).toEqual({
      basis: 'hipaa-custody-exemption',
      breachRemains: ['ssn-or-passport-number'],
    });
    expect(state.disclosures[0]).toMatchObject({ nature: 'paper disclosure of medical' });
    expect(state.riskReasons.join(' ')).toContain('sensitive PII involved: ssn-or-passport-number (+1)');
    expect(state.phase).toBe('ppgb-chair-review');
  });

  it('45 CFR 164.512(k)(5)(i): refused for workforce members (not in custody) and for a recipient other than the custodian, each field named', async () => {
    const { handle } = await report(f, { ...MEDICAL, affectedPopulation: 'workforce' });
    await toAnalysis(handle);
    const refused = await refusal(
      decide(
        handle,
        'ips-director',
        analysis({
          options: ['no-further-action'],
          authorizedDisclosure: { ...MEMO_CASE, recipient: { name: 'The Daily Courier', address: '1 Press Row' } },
        }),
      ),
    );
    expect(refused.type).toBe('InvalidDecision');
    expect(refused.message).toContain('authorizedDisclosure.recipient');
    expect(refused.message).toContain('report.affectedPopulation');
    expect((await stateOf(handle)).disclosures).toEqual([]);
  });

  it("45 CFR 164.512(k)(5)(i): refused while the report says the records went to a newspaper; taken once a supplement corrects the report's recipient", async () => {
    const { handle, incidentId } = await report(f, { ...MEDICAL, disclosedTo: 'The Daily Courier newsroom' });
    await toAnalysis(handle);
    const finding = analysis({ options: ['no-further-action'], authorizedDisclosure: MEMO_CASE });
    const refused = await refusal(decide(handle, 'ips-director', finding));
    expect(refused.type).toBe('InvalidDecision');
    expect(refused.message).toContain('report.disclosedTo');
    expect(refused.message).toContain('"The Daily Courier newsroom"');
    expect((await stateOf(handle)).disclosures).toEqual([]);
    const now = await f.env.currentTimeMs();
    await handle.signal(reportIntakeSignal, {
      ...aReport(
        { ...MEDICAL, summary: 'The clerk mailed the summary to ICE Health Service Corps, not to the paper.' },
        now,
      ),
      incidentId,
    });
    await waitForState(handle, (st) => st.supplements === 1, 'the supplement merged');
    const taken = await decide(handle, 'ips-director', finding);
    expect(taken.phase).toBe('ppgb-advised');
    expect(taken.disclosures).toHaveLength(1);
  });

  it('45 CFR 164.512(k)(5)(i), 468.4: a supplement saying the records went to a newspaper after all sends the custody finding back to the analysis, where it is refused', async () => {
    const { handle, incidentId } = await report(f, MEDICAL);
    await toAnalysis(handle);
    const finding = analysis({ options: ['no-further-action'], authorizedDisclosure: MEMO_CASE });
    expect((await decide(handle, 'ips-director', finding)).phase).toBe('ppgb-advised');
    const now = await f.env.currentTimeMs();
    await handle.signal(reportIntakeSignal, {
      ...aReport({ ...MEDICAL, disclosedTo: 'The Daily Courier', summary: 'A copy went to the paper as well.' }, now),
      incidentId,
    });
    const back = await waitForPhase(handle, 'analysis');
    expect(back.reanalysis?.reason).toContain('disclosedTo');
    const refused = await refusal(decide(handle, 'ips-director', finding));
    expect(refused.message).toContain('report.disclosedTo');
  });

  it('464c: the accounting entry is kept in the case record filed at closure', async () => {
    const { handle, incidentId } = await report(f, MEDICAL);
    await toAnalysis(handle);
    await decide(handle, 'ips-director', analysis({ options: ['no-further-action'], authorizedDisclosure: MEMO_CASE }));
    await skip(f, 10 * DAY + 60_000);
    await waitForPhase(handle, 'closure-review');
    await decide(handle, 'program-manager', {
      kind: 'complete-action-item',
      itemId: 'fact-finding',
      evidence: 'Fact-finding report filed.',
    });
    await decide(handle, 'ips-director', {
      kind: 'sign-off-closure',
      rationale: 'Authorized disclosure; nothing more to do.',
    });
    await finished(f, handle);
    const record = await f.receiver.waitFor((c) => c.path === '/recordsArchive' && mine(incidentId)(c));
    const body = record.body as {
      disclosures: { entryId: string; recipient: unknown }[];
      reportReference: string | null;
      majorIncident: unknown;
    };
    expect(body.disclosures).toEqual([
      expect.objectContaining({ entryId: `${incidentId}-D1`, recipient: MEMO_CASE.recipient }),
    ]);
    expect(body.reportReference).toMatch(/^rcv-/);
    expect(body.majorIncident).toBeNull();
  });

  it('464c: an analysis without an authorized disclosure makes no accounting entry', async () => {
    const { handle } = await report(f);
    await toAnalysis(handle);
    const state = await decide(handle, 'ips-director', analysis());
    expect(state.disclosures).toEqual([]);
    expect(events(state)).not.toContain('disclosure-accounted');
  });
});

describe("employees' medical information (the Rehabilitation Act; DHS PIHG, CBP)", () => {
  freshFixture();
  const WORKFORCE_MEDICAL: Partial<Report> = { ...MEDICAL, affectedPopulation: 'workforce', encrypted: true };

  it('Rehabilitation Act: disclosing an employee\'s medical information is never "no breach" nor "minimal risk, no further action"; it keeps the mitigation and the conduct review, and says so', async () => {
    const { handle } = await report(f, WORKFORCE_MEDICAL);
    await toAnalysis(handle);
    let state = await stateOf(handle);
    expect(state.rehabilitationAct).toBe(true);
    expect(events(state)).toContain('rehabilitation-act-matter');
    expect(state.actionItems.filter((i) => i.status === 'open').map((i) => i.id)).toEqual(
      expect.arrayContaining(['other-mitigation', 'conduct-review']),
    );
    expect(state.actionItems.find((i) => i.id === 'other-mitigation')?.description).toContain('extra copies');

    const noBreach = await refusal(
      decide(handle, 'ips-director', analysis({ options: ['no-further-action'], authorizedDisclosure: MEMO_CASE })),
    );
    expect(noBreach.type).toBe('InvalidDecision');
    expect(noBreach.message).toContain("authorizedDisclosure: employees' medical information is involved");
    expect(noBreach.message).toContain(
      'options: employees\' medical information is involved: "no-further-action" does not apply',
    );
    const withoutMitigation = await refusal(
      decide(handle, 'ips-director', analysis({ options: ['systemic-review'], factors: FACTORS_LOW })),
    );
    expect(withoutMitigation.message).toContain('expected "other-mitigation"');

    state = await decide(
      handle,
      'ips-director',
      analysis({
        options: ['other-mitigation'],
        factors: FACTORS_LOW,
        riskOverride: { level: 'low', rationale: 'One copy, recovered.' },
      }),
    );
    expect(state.risk).toBe('low');
    // Never the 468.5c route to closure: the PPGB Chair decides.
    expect(state.phase).toBe('ppgb-chair-review');
    expect(state.actionItems.find((i) => i.id === 'conduct-review')?.status).toBe('open');
  });

  it("Rehabilitation Act: the public's medical information is not such a matter", async () => {
    const { handle } = await report(f, MEDICAL);
    await toAnalysis(handle);
    const state = await stateOf(handle);
    expect(state.rehabilitationAct).toBeUndefined();
    expect(state.actionItems.map((i) => i.id)).not.toContain('conduct-review');
  });
});

describe('major incidents', () => {
  freshFixture();
  it('OMB major incident: a report at the threshold flags it, tells the SAOP and the CIO, and opens congress-notification due in 7 days with reminders and escalation', async () => {
    const { handle, incidentId } = await report(f, { affectedCount: 100_000 });
    let state = await waitForState(handle, (s) => s.majorIncident !== null, 'the major-incident flag');
    const { since, congressDueAt } = state.majorIncident!;
    expect(Date.parse(congressDueAt) - Date.parse(since)).toBe(7 * DAY);
    expect(state.majorIncident).toMatchObject({ source: 'the report', affectedCount: 100_000 });
    expect(state.actionItems.find((i) => i.id === 'congress-notification')).toMatchObject({
      ownerRole: 'ppgbChair',
      status: 'open',
      description: expect.stringContaining('468.2a'),
    });
    const told = await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.subject.includes('MAJOR INCIDENT'));
    expect(told.envelope.to.sort()).toEqual(['ppgb.chair@state.example', 'ppgb.cio@state.example']);

    await skip(f, DAY + 60_000);
    await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.subject.includes('Reminder 1: Congress'));
    await skip(f, 4 * DAY);
    state = await waitForState(handle, (s) => events(s).includes('escalated:congress-notification'), 'the escalation');
    expect(state.timeline.filter((t) => t.event === 'reminder:congress-notification').length).toBeGreaterThanOrEqual(4);
    const escalation = await f.mail.waitFor(
      (m) => m.subject.includes(incidentId) && m.subject.includes('ESCALATION: Congress'),
    );
    // Never to the SAOP alone: the final authority, the Privacy Division and the CIO too.
    expect(escalation.envelope.to).toEqual(
      expect.arrayContaining([
        'under.secretary@state.example',
        'privacy.division@state.example',
        'ppgb.cio@state.example',
      ]),
    );

    state = await decide(handle, 'ppgb-chair', {
      kind: 'complete-action-item',
      itemId: 'congress-notification',
      evidence: 'Letters to the committees of jurisdiction sent on day 6.',
    });
    expect(state.actionItems.find((i) => i.id === 'congress-notification')).toMatchObject({
      status: 'done',
      completedBy: 'ppgb-chair',
    });
    await skip(f, 3 * DAY);
    expect(events(await stateOf(handle))).not.toContain('overdue:congress-notification');
  });

  it("OMB major incident: the Congress notice's clock is in the UI's current details (workflows/gates.ts dueDate)", async () => {
    const { handle } = await report(f, { affectedCount: 100_000 });
    const state = await waitForState(handle, (s) => s.majorIncident !== null, 'the major-incident flag');
    const due = state.majorIncident!.congressDueAt.replace(/\.\d{3}Z$/, '');
    let details = '';
    for (let i = 0; i < 120 && !details.includes('**Due '); i++) {
      const meta = (await handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
      details = meta.currentDetails ?? '';
      if (!details.includes('**Due ')) await new Promise((r) => setTimeout(r, 250));
    }
    expect(details).toContain(`**Due ${due}`);
    expect(details).toMatch(
      /congress-notification\) — next: reminder to the ppgbChair; escalation to the final notification authority/,
    );
  });

  it('OMB major incident: below the threshold nothing is flagged', async () => {
    const { handle } = await report(f, { affectedCount: 99_999 });
    const state = await waitForPhase(handle, 'triage');
    expect(state.majorIncident).toBeNull();
    expect(state.actionItems.map((i) => i.id)).not.toContain('congress-notification');
  });

  it('OMB major incident: a supplement or the analysis that crosses the threshold flags it, and names which', async () => {
    const first = await report(f, { affectedCount: 120 });
    await waitForPhase(first.handle, 'triage');
    await supplement(first.handle, first.incidentId, { affectedCount: 250_000 });
    const bySupplement = await waitForState(first.handle, (s) => s.majorIncident !== null, 'the flag');
    expect(bySupplement.majorIncident).toMatchObject({ source: 'supplement 1', affectedCount: 250_000 });

    const second = await report(f, { affectedCount: 120 });
    await toAnalysis(second.handle);
    const byAnalysis = await decide(second.handle, 'ips-director', analysis({ affectedCount: 100_001 }));
    expect(byAnalysis.majorIncident).toMatchObject({ source: 'the analysis', affectedCount: 100_001 });
    expect(byAnalysis.timeline.find((t) => t.event === 'fact-learned:affected-count')?.detail).toContain(
      '120 → 100001',
    );
  });

  it('OMB major incident: the playbook sets the threshold and the time for Congress; a congress notification left undone is marked overdue', async () => {
    const playbook = { ...f.playbook, majorIncident: { threshold: 500, congressWithin: '2d' } };
    const { handle, incidentId } = await report(f, { affectedCount: 600 }, playbook);
    const state = await waitForState(handle, (s) => s.majorIncident !== null, 'the flag');
    expect(Date.parse(state.majorIncident!.congressDueAt) - Date.parse(state.majorIncident!.since)).toBe(2 * DAY);
    await skip(f, 2 * DAY + 60_000);
    await waitForState(handle, (s) => events(s).includes('overdue:congress-notification'), 'overdue');
    await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.subject.includes('OVERDUE'));
  });
});

describe("the one-hour report in CISA's field set", () => {
  freshFixture();
  it("CISA guidelines: the initial report carries the impact fields, what was affected and the focal point as contact; the receiver's reference is kept", async () => {
    const restore = f.receiver.respondWith('/usCert', {
      status: 200,
      body: { ok: true, caseNumber: 'CISA-2026-004217' },
    });
    try {
      const { handle, incidentId } = await report(f, {
        functionalImpact: 'minimal-impact-to-non-critical-services',
        attackVector: 'loss-or-theft-of-equipment',
      });
      const state = await waitForState(handle, (s) => s.reportedAt !== null, 'the report');
      expect(state.reportReference).toBe('CISA-2026-004217');
      expect(state.reportReceipts).toEqual([
        expect.objectContaining({ kind: 'initial', reference: 'CISA-2026-004217' }),
      ]);
      const body = f.receiver.calls('/usCert').filter(mine(incidentId))[0]!.body as Record<string, unknown>;
      expect(body).toMatchObject({
        reportType: 'initial',
        functionalImpact: 'minimal-impact-to-non-critical-services',
        informationImpact: 'privacy-data-breach',
        recoverability: null,
        attackVector: 'loss-or-theft-of-equipment',
        affected: {
          medium: 'cyber',
          piiTypes: ['ssn-or-passport-number', 'birth-data'],
          records: 120,
          population: 'public',
          encrypted: false,
        },
        contact: {
          organization: 'the Department of State',
          office: 'dsCirt',
          people: [{ email: 'ds.cirt@state.example' }],
        },
      });
      expect(body).not.toHaveProperty('updates');
      expect(JSON.stringify(body.contact)).not.toContain('robin.reporter');
    } finally {
      restore();
    }
  });

  it('CISA guidelines: a supplement sends an update naming the first report and its reference; no supplement, no update', async () => {
    const { handle, incidentId } = await report(f);
    const first = await waitForState(handle, (s) => s.reportedAt !== null, 'the report');
    expect(first.reportReference).toMatch(/^rcv-\d+$/);
    expect(f.receiver.calls('/usCert').filter(mine(incidentId))).toHaveLength(1);
    await supplement(handle, incidentId, { recoverability: 'supplemented', affectedCount: 300 });
    const state = await waitForState(handle, (s) => s.reportReceipts.length === 2, 'the update');
    const calls = f.receiver.calls('/usCert').filter(mine(incidentId));
    expect(calls).toHaveLength(2);
    expect(calls[1]!.idempotencyKey).toBe(`breach-${incidentId}:report-usCert-update-1`);
    expect(calls[1]!.body).toMatchObject({
      reportType: 'update',
      updates: { incidentId, reference: first.reportReference, supplement: 1 },
      recoverability: 'supplemented',
      affected: { records: 300 },
    });
    expect(state.reportReceipts[1]).toMatchObject({
      kind: 'update',
      supplement: 1,
      reference: expect.stringMatching(/^rcv-/),
    });
    expect(events(state)).toContain('report-updated:usCert');
  });
});
