/** Need to know (5 FAM 469.2c(1), domain/need-to-know.ts): who sees an incident, from its state alone. */
import { describe, expect, it } from 'vitest';
import { mayRead, readsAll, rolesOnIncident } from '../../domain/need-to-know.js';
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
  it('the IPS Director, the Privacy Division, the SAOP and the program manager see every incident', () => {
    for (const role of ['ipsDirector', 'privacyDivision', 'ppgbChair', 'programManager'] as const) {
      expect(readsAll({ key: 'x', roles: [role] })).toBe(true);
      expect(mayRead({ key: 'x', roles: [role] }, state())).toBe(true);
    }
  });

  it('DS/CIRT sees the cyber incidents only (468.3b(1))', () => {
    const cirt = { key: 'ds-cirt', roles: ['dsCirt' as const] };
    expect(mayRead(cirt, state({ medium: 'cyber' }))).toBe(true);
    expect(mayRead(cirt, state({ medium: 'non-cyber' }))).toBe(false);
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
