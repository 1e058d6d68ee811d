/** Phase 1, reporting, on the time-skipping server (5 FAM 468.3b; docs/lifecycle.md phase 1). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLink } from '../../security/links.js';
import {
  HOUR,
  LINK_SECRET,
  phases,
  report,
  startFixture,
  stateOf,
  waitForPhase,
  waitForState,
  type Fixture,
  skip,
} from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture('reporting');
});
afterAll(async () => {
  await f?.close();
});

describe('reporting', () => {
  it('468.3b(1): cyber on time: supervisor told, DS/CIRT told, US-CERT reported once within the hour, then triage', async () => {
    const { handle, incidentId } = await report(f, { medium: 'cyber' });
    const state = await waitForPhase(handle, 'triage');
    expect(state.reportedLate).toBe(false);
    expect(state.reportedAt).not.toBeNull();
    expect(Date.parse(state.reportedAt!)).toBeLessThanOrEqual(Date.parse(state.reportingDeadline));
    expect(Date.parse(state.reportingDeadline) - Date.parse(state.discoveredAt)).toBe(HOUR);
    expect(phases(state)).toEqual(['reporting', 'triage']);
    expect(state.awaiting).toMatchObject({ role: 'ipsDirector', kinds: ['assign-responsible-office', 'convene-crg'] });

    const usCert = f.receiver
      .calls('/usCert')
      .filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId);
    expect(usCert).toHaveLength(1);
    expect(usCert[0]!.idempotencyKey).toBe(`breach-${incidentId}:report-usCert`);
    expect(
      f.receiver.calls('/privacyDivision').some((c) => (c.body as { incidentId?: string }).incidentId === incidentId),
    ).toBe(false);

    const supervisorMail = await f.mail.waitFor(
      (m) => m.subject.includes(incidentId) && m.envelope.to.includes('sam.supervisor@state.example'),
    );
    expect(supervisorMail.text).toContain('5 FAM 468.3b');
    await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.envelope.to.includes('ds.cirt@state.example'));

    // The IPS Director is asked for both triage decisions, each with a signed link of its own.
    const ask = await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.subject.includes('decision needed'));
    expect(ask.envelope.to).toEqual(['ips.director@state.example']);
    const links = [...ask.text.matchAll(/http:\/\/localhost:3000\/links\/(\S+)/g)].map((m) =>
      verifyLink(LINK_SECRET, m[1]!),
    );
    expect(links.map((l) => (l.ok ? [l.claims.kind, l.claims.personId, l.claims.incidentId] : l.reason))).toEqual([
      ['assign-responsible-office', 'ips-director', incidentId],
      ['convene-crg', 'ips-director', incidentId],
    ]);
  });

  it('468.3b(1): non-cyber: routed to the Privacy Division endpoint and mailbox, not to US-CERT', async () => {
    const { handle, incidentId } = await report(f, { medium: 'non-cyber', disclosureFormat: 'paper' });
    const state = await waitForPhase(handle, 'triage');
    expect(state.medium).toBe('non-cyber');
    expect(state.reportedLate).toBe(false);
    const mine = (c: { body: unknown }) => (c.body as { incidentId?: string }).incidentId === incidentId;
    expect(f.receiver.calls('/privacyDivision').filter(mine)).toHaveLength(1);
    expect(f.receiver.calls('/usCert').filter(mine)).toHaveLength(0);
    await f.mail.waitFor(
      (m) => m.subject.includes(incidentId) && m.envelope.to.includes('privacy.division@state.example'),
    );
  });

  it('468.3b(1): endpoint down past the hour: late, escalated, keeps retrying, delivered once afterwards with one Idempotency-Key', async () => {
    let down = true;
    const restore = f.receiver.failWhile('/usCert', () => down, 503);
    try {
      const { handle, incidentId } = await report(f, { medium: 'cyber' });
      await skip(f, HOUR);
      const late = await waitForState(handle, (s) => s.reportedLate, 'the late mark');
      expect(late.reportedAt).toBeNull();
      expect(late.timeline.map((t) => t.event)).toContain('reported-late:deadline-passed');
      const escalation = await f.mail.waitFor(
        (m) => m.subject.includes(incidentId) && m.subject.includes('ESCALATION'),
      );
      expect(escalation.envelope.to).toEqual(expect.arrayContaining(['privacy.division@state.example']));
      const attempts = f.receiver
        .calls('/usCert')
        .filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId);
      expect(attempts.length).toBeGreaterThan(1);
      expect(new Set(attempts.map((c) => c.idempotencyKey)).size).toBe(1);

      down = false;
      await skip(f, 10 * 60_000);
      const delivered = await waitForState(
        handle,
        (s) => s.reportedAt !== null,
        'the delivery after the outage',
        30_000,
      );
      expect(delivered.reportedLate).toBe(true);
      expect(Date.parse(delivered.reportedAt!)).toBeGreaterThan(Date.parse(delivered.reportingDeadline));
      const ok = f.receiver
        .calls('/usCert')
        .filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId && c.status === 200);
      expect(ok).toHaveLength(1);
    } finally {
      restore();
    }
  });

  it('468.3b(1): intake after the hour: late on arrival, escalated at once', async () => {
    const now = await f.env.currentTimeMs();
    const { handle, incidentId } = await report(f, { discoveredAt: new Date(now - 3 * HOUR).toISOString() });
    const state = await waitForPhase(handle, 'triage');
    expect(state.reportedLate).toBe(true);
    expect(state.timeline.map((t) => t.event)).toContain('reported-late:on-arrival');
    await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.subject.includes('ESCALATION'));
  });

  it('468.3b(2): criminal act: OIG/INV referred (mail and endpoint) and an oig-referral action item opened', async () => {
    const { handle, incidentId } = await report(f, { criminalActSuspected: true });
    await waitForPhase(handle, 'triage');
    await f.receiver.waitFor((c) => c.path === '/oig' && (c.body as { incidentId?: string }).incidentId === incidentId);
    const oigMail = await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.subject.includes('OIG'));
    expect(oigMail.envelope.to).toContain('oig.investigations@state.example');
    const state = await waitForState(
      handle,
      (s) => s.timeline.some((t) => t.event === 'referred:oig'),
      'the OIG referral',
    );
    expect(state.actionItems).toContainEqual(
      expect.objectContaining({ id: 'oig-referral', ownerRole: 'oigInvestigations', status: 'open' }),
    );
  });

  it('468.1(4), 467.2c: classified: DS investigators, the E.O. 13526 program manager and L/M told; DS owns the fact-finding', async () => {
    const { handle, incidentId } = await report(f, { classifiedInvolved: true });
    await waitForPhase(handle, 'triage');
    const security = await f.mail.waitFor(
      (m) => m.subject.includes(incidentId) && m.subject.includes('Security incident'),
    );
    expect(security.text).toContain('DS, not the responsible office, does the fact-finding');
    expect(security.envelope.to).toHaveLength(3);
    await waitForState(
      handle,
      (s) => s.timeline.some((t) => t.event === 'security-incident-notified'),
      'the security notice',
    );
    const state = await stateOf(handle);
    expect(state.timeline.map((t) => t.event)).toContain('security-incident-notified');
  });
});
