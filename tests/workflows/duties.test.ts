/** What a case owes (domain/duties.ts) on the time-skipping server: a case ends only when its duties are done. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IncidentState } from '../../domain/state.js';
import { caseRecordSchema } from '../../domain/case-record.js';
import { caseRecordQuery, noticesReturnedSignal, reportIntakeSignal } from '../../workflows/messages.js';
import {
  FACTORS_HIGH,
  FACTORS_LOW,
  LETTER,
  aReport,
  decide,
  refusal,
  report,
  testPlaybook,
  toAnalysis,
  waitForPhase,
  waitForState,
  type Fixture,
  type IncidentHandle,
  skip,
  groupFixture,
} from './fixture.js';

let f: Fixture;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'duties-'));
});

function roster(name: string, lines: unknown[]): string {
  const file = join(dir, `${name}.ndjson`);
  writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
  return pathToFileURL(file).href;
}

const open = (s: IncidentState) => (s.duties ?? []).filter((d) => d.status === 'open').map((d) => d.id);

async function triage(handle: IncidentHandle, convene: boolean) {
  await waitForPhase(handle, 'triage');
  await decide(handle, 'ips-director', { kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' });
  return decide(handle, 'ips-director', { kind: 'convene-crg', convene, rationale: 'The IPS Director decides.' });
}

async function finalApproval(handle: IncidentHandle) {
  await decide(handle, 'ppgb-chair', {
    kind: 'ppgb-chair-decision',
    outcome: 'refer-to-under-secretary',
    rationale: 'For the final authority.',
  });
  return decide(handle, 'under-secretary', {
    kind: 'under-secretary-decision',
    outcome: 'approve-notification',
    rationale: 'Notify.',
  });
}

/** A fixture of its own for each group of tests (fixture.ts groupFixture). */
const freshFixture = () => groupFixture('duties', (fixture) => (f = fixture));

describe('duties derived from the facts', () => {
  freshFixture();
  it('468.4, 468.5e: not convening the CRG still needs the six factors and the final authority at high risk', async () => {
    const { handle } = await report(f, { affectedCount: 150, encrypted: false });
    const state = await triage(handle, false);
    expect(state.phase).toBe('analysis');
    expect(state.timeline.map((t) => t.event)).toContain('analysis-without-crg');
    expect(open(state)).toContain('risk-assessment');
    const analysed = await decide(handle, 'ips-director', {
      kind: 'submit-analysis',
      factors: FACTORS_HIGH,
      options: ['no-further-action'],
      rationale: 'Recorded by the IPS Director as chair.',
    });
    expect(analysed.phase).toBe('ppgb-chair-review');
    expect(open(analysed)).toContain('final-decision');
    expect(analysed.duties?.find((d) => d.id === 'final-decision')).toMatchObject({
      paragraph: '468.5e',
      owner: 'underSecretary',
    });
    await decide(handle, 'ppgb-chair', {
      kind: 'ppgb-chair-decision',
      outcome: 'refer-to-under-secretary',
      rationale: 'For the final authority.',
    });
    const declined = await decide(handle, 'under-secretary', {
      kind: 'under-secretary-decision',
      outcome: 'decline-notification',
      rationale: 'No notice.',
    });
    expect(declined.duties?.find((d) => d.id === 'final-decision')?.status).toBe('discharged');
  });

  it('468.4, 468.5: a supplement that changes the finding after a minimal-risk finding sends the case back to the analysis', async () => {
    const { handle, incidentId } = await report(f, {
      medium: 'non-cyber',
      piiTypes: ['other'],
      affectedCount: 3,
      encrypted: true,
    });
    await toAnalysis(handle);
    const s = await decide(handle, 'ips-director', {
      kind: 'submit-analysis',
      factors: FACTORS_LOW,
      options: ['no-further-action'],
      rationale: 'Minimal.',
    });
    expect(s.phase).toBe('ppgb-advised');
    const now = await f.env.currentTimeMs();
    await handle.signal(reportIntakeSignal, {
      ...aReport({}, now),
      incidentId,
      medium: 'cyber',
      encrypted: false,
      piiTypes: ['ssn-or-passport-number', 'birth-data'],
      affectedCount: 20_000,
      occurredAt: new Date(now - 3 * 86_400_000).toISOString(),
      summary: 'The files were on an unencrypted share after all.',
    });
    const back = await waitForPhase(handle, 'analysis');
    const events = back.timeline.map((t) => t.event);
    expect(events).toContain('reanalysis-required');
    expect(events).toContain('fact-learned:cyber');
    expect(back.reanalysis?.reason).toContain('affectedCount');
    expect(back.medium).toBe('cyber');
    expect(open(back)).toEqual(expect.arrayContaining(['risk-assessment']));
    expect(back.duties?.find((d) => d.id === 'report:usCert')).toBeDefined();
    await waitForState(
      handle,
      (st) => st.duties?.find((d) => d.id === 'report:usCert')?.status === 'discharged',
      'US-CERT told',
    );
  });

  it('468.3b(1): a refused one-hour report keeps its duty open until the routed office records it filed; DS/CIRT, who owes it, is told at once', async () => {
    const restore = f.receiver.respondWith('/usCert', { status: 400, body: { error: 'bad' } });
    try {
      const { handle, incidentId } = await report(f, { piiTypes: ['other'], affectedCount: 2, encrypted: true });
      await waitForState(handle, (s) => s.timeline.some((t) => t.event === 'endpoint-rejected:usCert'), 'refusal');
      await waitForState(
        handle,
        () => mailTo(incidentId, 'ds.cirt@state.example', 'refused a report').length > 0,
        'DS/CIRT told of the refusal',
      );
      // Triage is accepted while the report is still owed; the hour passes.
      await decide(handle, 'ips-director', { kind: 'assign-responsible-office', office: 'IRM' });
      await decide(handle, 'ips-director', { kind: 'convene-crg', convene: true, rationale: 'Look at it.' });
      await skip(f, 2 * 3_600_000);
      await waitForPhase(handle, 'analysis');
      await decide(handle, 'ips-director', {
        kind: 'submit-analysis',
        factors: FACTORS_LOW,
        options: ['no-further-action'],
        rationale: 'Minimal.',
      });
      await skip(f, 11 * 86_400_000);
      await waitForPhase(handle, 'closure-review');
      const early = await refusal(decide(handle, 'ips-director', { kind: 'sign-off-closure', rationale: 'Done.' }));
      expect(early.message).toContain('467.2c item:fact-finding');
      await decide(handle, 'program-manager', {
        kind: 'complete-action-item',
        itemId: 'fact-finding',
        evidence: 'Fact-finding done.',
      });
      const refused = await refusal(decide(handle, 'ips-director', { kind: 'sign-off-closure', rationale: 'Done.' }));
      expect(refused.message).toContain('468.3b(1) report:usCert');
      const filed = await decide(handle, 'ds-cirt', {
        kind: 'report-filed',
        to: 'usCert',
        filedBy: 'DS/CIRT duty officer by telephone',
        reference: 'CISA-TEL-42',
      });
      expect(filed.reportedAt).not.toBeNull();
      const closed = await decide(handle, 'ips-director', { kind: 'sign-off-closure', rationale: 'Done.' });
      expect(['archiving', 'closed']).toContain(closed.phase);
      expect(closed.duties?.find((d) => d.id === 'report:usCert')?.dischargedBy).toContain('CISA-TEL-42');
      // 468.7: the case record lists every duty with its paragraph, owner, due date and how it was discharged.
      const record = caseRecordSchema.parse(await handle.query(caseRecordQuery));
      expect(record.duties?.find((d) => d.id === 'report:usCert')).toMatchObject({
        paragraph: '468.3b(1)',
        owner: 'dsCirt',
        status: 'discharged',
        dischargedBy: expect.stringContaining('DS/CIRT duty officer'),
      });
      expect(record.duties?.find((d) => d.id === 'item:fact-finding')?.dischargedBy).toContain('program-manager');
    } finally {
      restore();
    }
  });

  it('467.2c: only the item owner completes it, not the IPS Director', async () => {
    const { handle } = await report(f, { piiTypes: ['other'], affectedCount: 2, encrypted: true });
    await triage(handle, true);
    const refused = await refusal(
      decide(handle, 'ips-director', { kind: 'complete-action-item', itemId: 'fact-finding', evidence: 'x' }),
    );
    expect(refused.message).toContain('completed by its owner');
  });

  it('468.6: a failed run returns to notification-prep; a short roster and lines that are not people go into the substitute notice (468.6-2b)', async () => {
    const restore = f.receiver.respondWith('/roster-missing', { status: 404, body: { error: 'not found' } });
    const { handle, incidentId } = await report(f, { affectedCount: 5 });
    await toAnalysis(handle);
    await decide(handle, 'ips-director', {
      kind: 'submit-analysis',
      factors: FACTORS_HIGH,
      options: ['notify-individuals'],
      rationale: 'Notify.',
    });
    await finalApproval(handle);
    await decide(handle, 'notification-official', {
      kind: 'approve-letter',
      letter: LETTER,
      roster: { url: `${f.receiver.url}/roster-missing`, count: 5 },
    });
    const back = await waitForState(
      handle,
      (s) => s.timeline.some((t) => t.event === 'notification-returned-to-prep') && s.phase === 'notification-prep',
      'back to notification-prep',
      60_000,
    );
    expect(back.duties?.find((d) => d.id === 'notification')?.status).toBe('open');
    await decide(handle, 'notification-official', {
      kind: 'approve-letter',
      letter: LETTER,
      roster: {
        url: roster('short', [
          { name: 'Ada Letter', postalAddress: '1 Main St, Springfield, VA 22150' },
          'not a person',
        ]),
        count: 2,
      },
    });
    const done = await waitForState(
      handle,
      (s) => s.duties?.find((d) => d.id === 'notification')?.status === 'discharged',
      'the run done',
      60_000,
    );
    // One line not a person, three people the roster lacks against the five affected.
    expect(done.notification?.substituted).toBe(4);
    const posting = f.receiver
      .calls('/webPosting')
      .filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId);
    expect(posting.length).toBeGreaterThan(0);
    restore();
  });
});

// Its own fixture: a month passes in it, which would drive every earlier incident of the group too.
describe('duties derived from the facts: the returns window', () => {
  freshFixture();
  it('468.6-2a/b: the sign-off waits for the returns window after the last letter; a letter returned in it still reaches the substitute notice', async () => {
    const playbook = testPlaybook(f.receiver.url, { timers: { ...f.playbook.timers, returnsWindow: '30d' } });
    const { handle } = await report(f, { affectedCount: 1 }, playbook);
    await toAnalysis(handle);
    await decide(handle, 'ips-director', {
      kind: 'submit-analysis',
      factors: FACTORS_HIGH,
      options: ['notify-individuals'],
      rationale: 'Notify.',
    });
    await finalApproval(handle);
    await decide(handle, 'program-manager', {
      kind: 'complete-action-item',
      itemId: 'fact-finding',
      evidence: 'Done.',
    });
    await decide(handle, 'notification-official', {
      kind: 'approve-letter',
      letter: LETTER,
      roster: {
        url: roster('window', [{ name: 'Ada Letter', postalAddress: '1 Main St, Springfield, VA 22150' }]),
        count: 1,
      },
    });
    const waiting = await waitForState(
      handle,
      (s) => s.timeline.some((t) => t.event === 'returns-window-open'),
      'the returns window',
      60_000,
    );
    expect(waiting.phase).toBe('remediation');
    expect(waiting.duties?.find((d) => d.id === 'returns-window')).toMatchObject({
      status: 'open',
      paragraph: '468.6-2a/b',
    });
    const early = await refusal(decide(handle, 'ips-director', { kind: 'sign-off-closure', rationale: 'Done.' }));
    expect(early.message).toContain('468.6-2a/b returns-window');
    await handle.signal(noticesReturnedSignal, { returns: [{ line: 0, means: 'letter', reason: 'moved' }] });
    await waitForState(handle, (s) => (s.notification?.substituted ?? 0) === 1, 'the return counted');
    await skip(f, 31 * 86_400_000);
    await waitForPhase(handle, 'closure-review');
    const closed = await decide(handle, 'ips-director', { kind: 'sign-off-closure', rationale: 'Done.' });
    expect(closed.duties?.find((d) => d.id === 'returns-window')?.status).toBe('discharged');
  });
});

/** The UI's current details of the incident (workflows/details.ts). */
async function currentDetails(handle: IncidentHandle): Promise<string> {
  const metadata = (await handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
  return metadata.currentDetails ?? '';
}

const mailTo = (incidentId: string, address: string, subject: string) =>
  f.mail
    .messages()
    .filter(
      (m) =>
        m.subject.includes(incidentId) &&
        m.subject.includes(subject) &&
        m.envelope.to.some((to) => to.toLowerCase() === address),
    );

describe('duties owned, reminded and derived again (the follow-ups)', () => {
  freshFixture();
  it("467.2c: an open action item reminds its owner and escalates like a gate, in the workflow's current details", async () => {
    const { handle, incidentId } = await report(f, { piiTypes: ['other'], affectedCount: 2, encrypted: true });
    await triage(handle, true);
    await waitForState(handle, (s) => s.actionItems.some((i) => i.id === 'fact-finding'), 'the fact-finding item');
    const opened = await currentDetails(handle);
    expect(opened).toContain('**Open item:** the responsibleOffice completes the action item fact-finding');
    expect(opened).toContain('next: reminder to the responsibleOffice');
    // The playbook's gateEscalateAfter is 5 days: a reminder every 24 h before it, then the escalation.
    await skip(f, 5 * 86_400_000 + 60_000);
    const stalled = await waitForState(
      handle,
      (s) => s.timeline.some((t) => t.event === 'escalated:item:fact-finding'),
      'the escalation of the item',
    );
    expect(stalled.timeline.filter((t) => t.event === 'reminder:item:fact-finding').length).toBeGreaterThan(0);
    await f.mail.waitFor(
      (m) =>
        m.subject.includes(incidentId) &&
        m.subject.includes('Reminder 1: action item still open: fact-finding') &&
        m.envelope.to.includes('program.manager@state.example'),
    );
    const escalation = await f.mail.waitFor(
      (m) =>
        m.subject.includes(incidentId) &&
        m.subject.includes('ESCALATION to the SAOP') &&
        m.subject.includes('responsibleOffice'),
    );
    expect(escalation.envelope.to).toContain('ppgb.chair@state.example');
    expect(escalation.text).toContain('fact-finding');
    const record = caseRecordSchema.parse(await handle.query(caseRecordQuery));
    expect(record.escalations.map((e) => e.event)).toContain('escalated:item:fact-finding');
    await decide(handle, 'program-manager', {
      kind: 'complete-action-item',
      itemId: 'fact-finding',
      evidence: 'Fact-finding done.',
    });
    await waitForState(
      handle,
      (s) => s.actionItems.find((i) => i.id === 'fact-finding')?.status === 'done',
      'the item done',
    );
    expect(await currentDetails(handle)).not.toContain('action item fact-finding');
  });

  it('467.2c: an option item a resubmitted analysis replaces ends its clock: its owner is reminded and escalated once, for the item that stands', async () => {
    const { handle } = await report(f, { piiTypes: ['other'], affectedCount: 2, encrypted: true });
    await triage(handle, true);
    await waitForPhase(handle, 'analysis');
    await decide(handle, 'ips-director', {
      kind: 'submit-analysis',
      factors: FACTORS_HIGH,
      options: ['remediation', 'systemic-review'],
      rationale: 'First finding.',
    });
    await decide(handle, 'ppgb-chair', { kind: 'ppgb-chair-decision', outcome: 'return-to-crg', rationale: 'Again.' });
    await waitForPhase(handle, 'analysis');
    await decide(handle, 'ips-director', {
      kind: 'submit-analysis',
      factors: FACTORS_HIGH,
      options: ['remediation'],
      rationale: 'Second finding: no systemic review.',
    });
    await skip(f, 5 * 86_400_000 + 60_000);
    const stalled = await waitForState(
      handle,
      (s) => s.timeline.some((t) => t.event === 'escalated:item:remediation'),
      'the escalation of the remediation item',
    );
    const events = stalled.timeline.map((t) => t.event);
    expect(events.filter((e) => e === 'escalated:item:remediation')).toHaveLength(1);
    expect(events).not.toContain('escalated:item:systemic-review');
    expect(await currentDetails(handle)).toContain('action item remediation');
  });

  it('468.3b(1): a US-CERT report owed after a supplement makes the case cyber is marked late when its hour passes', async () => {
    const restore = f.receiver.respondWith('/usCert', { status: 400, body: { error: 'bad' } });
    try {
      const { handle, incidentId } = await report(f, {
        medium: 'non-cyber',
        piiTypes: ['other'],
        affectedCount: 2,
        encrypted: true,
      });
      const first = await waitForState(handle, (s) => s.reportedAt !== null, 'the first report delivered');
      expect(first.reportedLate).toBe(false);
      const now = await f.env.currentTimeMs();
      await handle.signal(reportIntakeSignal, {
        ...aReport({}, now),
        incidentId,
        medium: 'cyber',
        piiTypes: ['other'],
        affectedCount: 2,
        encrypted: true,
        summary: 'It was a phishing mail after all.',
      });
      await waitForState(
        handle,
        (s) => s.timeline.some((t) => t.event === 'endpoint-rejected:usCert'),
        'US-CERT refused',
      );
      await skip(f, 2 * 3_600_000);
      const late = await waitForState(
        handle,
        (s) => s.timeline.some((t) => t.event === 'reported-late:learned-cyber'),
        'the late mark',
      );
      expect(late.reportedLate).toBe(true);
      expect(late.duties?.find((d) => d.id === 'report:usCert')?.status).toBe('open');
      const record = caseRecordSchema.parse(await handle.query(caseRecordQuery));
      expect(record.escalations.map((e) => e.event)).toContain('reported-late:learned-cyber');
      await waitForState(
        handle,
        () => mailTo(incidentId, 'ppgb.chair@state.example', 'one-hour report not delivered').length > 0,
        'the SAOP told',
      );
    } finally {
      restore();
    }
  });

  it("468.3b(2): the OIG referral is DS/CIRT's to owe and to record filed another way, not the Privacy Division's", async () => {
    const restore = f.receiver.respondWith('/oig', { status: 400, body: { error: 'bad' } });
    try {
      const { handle } = await report(f, { piiTypes: ['other'], affectedCount: 2, criminalActSuspected: true });
      const refused = await waitForState(
        handle,
        (s) => s.timeline.some((t) => t.event === 'endpoint-rejected:oig'),
        'OIG refused',
      );
      expect(refused.duties?.find((d) => d.id === 'report:oig')).toMatchObject({ owner: 'dsCirt', status: 'open' });
      const byPrivacy = await refusal(
        decide(handle, 'privacy-division', {
          kind: 'report-filed',
          to: 'oig',
          filedBy: 'Privacy Division by telephone',
          reference: 'OIG-TEL-1',
        }),
      );
      expect(byPrivacy.message).toContain('report-filed is decided by the dsCirt role');
      const filed = await decide(handle, 'ds-cirt', {
        kind: 'report-filed',
        to: 'oig',
        filedBy: 'DS/CIRT duty officer by telephone',
        reference: 'OIG-TEL-2',
      });
      expect(filed.duties?.find((d) => d.id === 'report:oig')).toMatchObject({
        owner: 'dsCirt',
        status: 'discharged',
        dischargedBy: expect.stringContaining('OIG-TEL-2'),
      });
    } finally {
      restore();
    }
  });

  it('469.2c(1), DHS PIHG: a supplement naming a program manager tells them, and they alone of the program managers need to know it', async () => {
    const second = { id: 'pm-second', name: 'Pat Second', email: 'pm.second@state.example', roles: ['programManager'] };
    const playbook = testPlaybook(f.receiver.url, { people: [...f.playbook.people, second] as never });
    const { handle, incidentId } = await report(f, { piiTypes: ['other'], affectedCount: 2 }, playbook);
    const first = await waitForState(handle, (s) => (s.programManagers ?? []).length === 2, 'every PM told');
    expect([...first.programManagers!].sort()).toEqual(['pm-second', 'program-manager']);
    const now = await f.env.currentTimeMs();
    await handle.signal(reportIntakeSignal, {
      ...aReport({}, now),
      incidentId,
      piiTypes: ['other'],
      affectedCount: 2,
      programManager: { name: 'Pat Second', email: 'PM.Second@state.example' },
      summary: 'The reporter names their program manager.',
    });
    const named = await waitForState(
      handle,
      (s) => s.timeline.some((t) => t.event === 'program-manager-named'),
      'the program manager named',
    );
    expect(named.programManagers).toEqual(['pm-second']);
    await waitForState(handle, () => mailTo(incidentId, 'pm.second@state.example', '').length >= 2, 'told again');
  });

  it("Rehabilitation Act (DHS PIHG): a supplement adding employees' medical information after triage opens the mitigation and the conduct review", async () => {
    const { handle, incidentId } = await report(f, {
      medium: 'non-cyber',
      piiTypes: ['other'],
      affectedCount: 3,
      affectedPopulation: 'workforce',
      encrypted: true,
    });
    const triaged = await triage(handle, true);
    expect(triaged.rehabilitationAct).toBeUndefined();
    const now = await f.env.currentTimeMs();
    await handle.signal(reportIntakeSignal, {
      ...aReport({}, now),
      incidentId,
      medium: 'non-cyber',
      piiTypes: ['medical'],
      affectedCount: 3,
      affectedPopulation: 'workforce',
      encrypted: true,
      summary: "The papers held the employees' medical certificates.",
    });
    const matter = await waitForState(handle, (s) => s.rehabilitationAct === true, 'a Rehabilitation Act matter');
    const events = matter.timeline.map((t) => t.event);
    expect(events).toContain('fact-learned:rehabilitation-act');
    expect(events).toContain('rehabilitation-act-matter');
    expect(matter.actionItems.map((i) => i.id)).toEqual(expect.arrayContaining(['other-mitigation', 'conduct-review']));
    expect(open(matter)).toEqual(expect.arrayContaining(['item:other-mitigation', 'item:conduct-review']));
  });
});
