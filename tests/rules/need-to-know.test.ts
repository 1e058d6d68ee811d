/** Need to know (5 FAM 469.2c(1), domain/need-to-know.ts): who sees an incident, from its state alone. */
import { describe, expect, it } from 'vitest';
import { mayRead, readingOf, readsAll, reporterView, rolesOnIncident } from '../../domain/need-to-know.js';
import type { IncidentState } from '../../domain/state.js';

function state(overrides: Partial<IncidentState> = {}): IncidentState {
  return {
    incidentId: 'inc-1',
    phase: 'triage',
    medium: 'non-cyber',
    risk: null,
    riskComputed: null,
    riskReasons: [],
    discoveredAt: '2026-12-01T10:00:00Z',
    reportingDeadline: '2026-12-01T11:00:00Z',
    reportedAt: null,
    reportedLate: false,
    responsibleOffice: null,
    crgConvened: null,
    options: [],
    authorizedDisclosure: null,
    costEstimateUsd: null,
    awaiting: {
      role: 'ipsDirector',
      kinds: ['assign-responsible-office', 'convene-crg'],
      since: '2026-12-01T10:05:00Z',
    },
    actionItems: [],
    delay: null,
    notification: null,
    decisions: [],
    timeline: [],
    supplements: 0,
    closedAt: null,
    route: null,
    disclosures: [],
    majorIncident: null,
    reportReference: null,
    reportReceipts: [],
    ...overrides,
  };
}

describe('469.2c(1): need to know', () => {
  it('the IPS Director, the Privacy Division and the SAOP see every incident', () => {
    for (const role of ['ipsDirector', 'privacyDivision', 'ppgbChair'] as const) {
      expect(readsAll({ key: 'x', roles: [role] })).toBe(true);
      expect(mayRead({ key: 'x', roles: [role] }, state())).toBe(true);
    }
  });

  it('469.2c(1): a program manager sees only the incidents that name them (incidents from before: every one)', () => {
    const pm = { key: 'pm-field-operations', roles: ['programManager' as const] };
    expect(readsAll(pm)).toBe(false);
    expect(mayRead(pm, state({ programManagers: ['pm-field-operations'] }))).toBe(true);
    expect(mayRead(pm, state({ programManagers: ['pm-human-resources'] }))).toBe(false);
    expect(mayRead(pm, state({ programManagers: [] }))).toBe(false);
    expect(mayRead(pm, state())).toBe(true);
  });

  it('469.2c(1): an alternate the playbook names for a role on the incident sees it (they may be asked to decide)', () => {
    const alternate = { key: 'ppgb-m-pri', roles: ['ppgb' as const], alternateFor: ['underSecretary' as const] };
    const atUnderSecretary = state({
      awaiting: { role: 'underSecretary', kinds: ['under-secretary-decision'], since: 'x' },
    });
    expect(mayRead({ ...alternate, alternateFor: [] }, atUnderSecretary)).toBe(false);
    expect(mayRead(alternate, atUnderSecretary)).toBe(true);
  });

  it("469.2c(1): a reporter sees their report's phase and what was decided, not others' evidence, the rationales or the disclosures", () => {
    const reporter = { key: 'oidc-abc', roles: [] };
    const full = state({
      phase: 'remediation',
      reporters: ['oidc-abc', 'oidc-other'],
      programManagers: ['pm-field-operations'],
      riskReasons: ['5 FAM 468.4(1) nature: high (+2)'],
      actionItems: [
        {
          id: 'conduct-review',
          ownerRole: 'responsibleOffice',
          status: 'done',
          evidence: 'The clerk was counselled and disciplined.',
          completedBy: 'pm-field-operations',
        },
      ],
      decisions: [
        {
          kind: 'under-secretary-decision',
          actorId: 'under-secretary',
          at: 't1',
          outcome: 'approve-notification',
          rationale: 'Because.',
        },
      ],
      timeline: [
        { at: 't0', event: 'reported' },
        { at: 't1', event: 'decision:under-secretary-decision:approve-notification', actorId: 'under-secretary' },
        { at: 't2', event: 'item-completed:conduct-review', actorId: 'pm-field-operations', detail: 'counselled' },
        { at: 't3', event: 'phase:remediation' },
      ],
      disclosures: [
        {
          entryId: 'inc-1-D1',
          incidentId: 'inc-1',
          disclosedAt: 't',
          nature: 'paper',
          purpose: 'p',
          recipient: { name: 'ICE', address: 'a' },
          basis: 'hipaa-custody-exemption',
          accountingRequired: true,
          keepAtLeastUntil: 't',
          recordedAt: 't',
          recordedBy: 'ips-director',
        },
      ],
    });
    expect(readingOf(reporter, full)).toBe('reporter');
    const seen = reporterView(full, reporter.key);
    expect(seen.phase).toBe('remediation');
    expect(seen.decisions).toEqual([
      { kind: 'under-secretary-decision', at: 't1', actorId: '', outcome: 'approve-notification' },
    ]);
    expect(seen.actionItems).toEqual([{ id: 'conduct-review', ownerRole: 'responsibleOffice', status: 'done' }]);
    expect(seen.disclosures).toEqual([]);
    expect(seen.riskReasons).toEqual([]);
    expect(seen.reporters).toEqual(['oidc-abc']);
    expect(seen.programManagers).toEqual([]);
    expect(seen.timeline.map((t) => t.event)).toEqual([
      'reported',
      'decision:under-secretary-decision:approve-notification',
      'phase:remediation',
    ]);
    expect(JSON.stringify(seen)).not.toContain('counselled');
    // Someone with a role on it sees it whole.
    expect(readingOf({ key: 'ips-director', roles: ['ipsDirector'] }, full)).toBe('full');
  });

  it('DS/CIRT sees the cyber incidents only (468.3b(1))', () => {
    const cirt = { key: 'ds-cirt', roles: ['dsCirt' as const] };
    expect(mayRead(cirt, state({ medium: 'cyber' }))).toBe(true);
    expect(mayRead(cirt, state({ medium: 'non-cyber' }))).toBe(false);
  });

  it('469.2c(1), DHS PIHG: the office the report was routed to reads it whatever the medium (the SOC told of every incident)', () => {
    const soc = { key: 'cbp-soc', roles: ['dsCirt' as const] };
    expect(mayRead(soc, state({ medium: 'non-cyber', routedTo: ['dsCirt', 'privacyDivision'] }))).toBe(true);
    expect(readingOf(soc, state({ medium: 'non-cyber', routedTo: ['privacyDivision'] }))).toBeNull();
  });

  it('the CRG sees an incident once convened (467.4-2), not before', () => {
    const member = { key: 'crg-ds', roles: ['crg' as const] };
    expect(mayRead(member, state())).toBe(false);
    expect(mayRead(member, state({ crgConvened: true, phase: 'analysis' }))).toBe(true);
  });

  it('a role reached by a phase (the Under Secretary) or owning an action item (OIG) comes in then', () => {
    expect(rolesOnIncident(state()).has('underSecretary')).toBe(false);
    expect(
      rolesOnIncident(state({ timeline: [{ at: '2026-12-02T00:00:00Z', event: 'phase:under-secretary-review' }] })).has(
        'underSecretary',
      ),
    ).toBe(true);
    expect(
      rolesOnIncident(
        state({ actionItems: [{ id: 'oig-referral', ownerRole: 'oigInvestigations', status: 'open' }] }),
      ).has('oigInvestigations'),
    ).toBe(true);
  });

  it('468.3a: a reporter with no role sees what they reported and nothing else', () => {
    const reporter = { key: 'oidc-abc', roles: [] };
    expect(mayRead(reporter, state({ reporters: ['oidc-abc'] }))).toBe(true);
    expect(mayRead(reporter, state({ reporters: ['oidc-other'] }))).toBe(false);
    expect(mayRead(reporter, state())).toBe(false);
  });

  it('a refused attempt gives no access; an accepted decision does', () => {
    const member = { key: 'crg-ds', roles: ['crg' as const] };
    expect(
      mayRead(
        member,
        state({ timeline: [{ at: '2026-12-01T10:06:00Z', event: 'decision-refused:convene-crg', actorId: 'crg-ds' }] }),
      ),
    ).toBe(false);
    expect(
      mayRead(
        member,
        state({ decisions: [{ kind: 'complete-action-item', actorId: 'crg-ds', at: '2026-12-01T10:06:00Z' }] }),
      ),
    ).toBe(true);
  });
});
