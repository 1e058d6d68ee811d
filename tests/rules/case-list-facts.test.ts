/**
 * The case list's memo (domain/case-list-facts.ts): what a row shows and who may see it, read back from
 * the memo as the list reads it, is what the state itself says (need to know, 5 FAM 469.2c(1)).
 */
import { describe, expect, it } from 'vitest';
import { CASE_LIST_MEMO, caseListFacts, readCaseListFacts } from '../../domain/case-list-facts.js';
import { readersOf, readingBy, readingOf, type Reader } from '../../domain/need-to-know.js';
import type { IncidentState } from '../../domain/state.js';
import { deadlines } from '../../pages/case-view.js';
import { DEFAULT_PLAYBOOK, loadPlaybookFile } from '../../config/index.js';

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

/** The memo as it comes back from visibility: through JSON, as the payload converter writes it. */
function memoOf(s: IncidentState): unknown {
  return JSON.parse(JSON.stringify({ [CASE_LIST_MEMO]: caseListFacts(s, readersOf(s)) }));
}

const STATES: IncidentState[] = [
  state(),
  state({ medium: 'cyber', title: 'Laptop lost', reportingOffice: 'CA/PPT', affectedCount: 12 }),
  state({
    crgConvened: true,
    phase: 'analysis',
    awaiting: null,
    responsibleOffice: 'CA/PPT',
    reportedAt: '2026-12-01T10:20:00Z',
  }),
  state({ programManagers: ['pm-field-operations'], reporters: ['oidc-abc'] }),
  state({
    phase: 'notification-delayed',
    delay: { requestingEntity: 'DS/ICI', barred: false, notifyAfter: '2026-12-09T00:00:00Z' },
    timeline: [
      { at: '2026-12-01T10:06:00Z', event: 'decision-refused:convene-crg', actorId: 'crg-ds' },
      { at: '2026-12-01T10:07:00Z', event: 'phase:under-secretary-review' },
    ],
    decisions: [{ kind: 'complete-action-item', actorId: 'crg-cgfs', at: '2026-12-01T10:06:00Z' }],
    actionItems: [{ id: 'oig-referral', ownerRole: 'oigInvestigations', status: 'open' }],
  }),
];

const READERS: Reader[] = [
  { key: 'x', roles: ['ipsDirector'] },
  { key: 'pm-field-operations', roles: ['programManager'] },
  { key: 'pm-other', roles: ['programManager'] },
  { key: 'cirt', roles: ['dsCirt'] },
  { key: 'crg-member', roles: ['crg'] },
  { key: 'crg-ds', roles: [] },
  { key: 'crg-cgfs', roles: [] },
  { key: 'oidc-abc', roles: [] },
  { key: 'us', roles: ['underSecretary'] },
  { key: 'alt', roles: [], alternateFor: ['oigInvestigations'] },
  { key: 'liaison', roles: ['securityLiaison'] },
];

describe('469.2c(1): the case list reads need to know from the memo as from the state', () => {
  it('469.2c(1): every reader sees from the memo exactly what the state lets them see (roles, named program managers, who acted, who reported)', () => {
    for (const s of STATES) {
      const facts = readCaseListFacts(memoOf(s));
      expect(facts).toBeDefined();
      for (const reader of READERS)
        expect([reader.key, readingBy(reader, facts!.readers)]).toEqual([reader.key, readingOf(reader, s)]);
    }
  });

  it("a row's title, office, people affected and next deadline from the memo are the state's", async () => {
    const playbook = await loadPlaybookFile(DEFAULT_PLAYBOOK);
    for (const s of STATES) {
      const facts = readCaseListFacts(memoOf(s))!;
      expect(facts.title).toBe(s.title ?? null);
      expect(facts.office).toBe(s.responsibleOffice ?? s.reportingOffice ?? null);
      expect(deadlines(facts.clock, playbook)).toEqual(deadlines(s, playbook));
    }
  });

  it('a memo that is absent or not of this shape is not read (the list asks the state instead)', () => {
    expect(readCaseListFacts(undefined)).toBeUndefined();
    expect(readCaseListFacts({})).toBeUndefined();
    const memo = memoOf(state()) as Record<string, Record<string, unknown>>;
    expect(
      readCaseListFacts({ [CASE_LIST_MEMO]: { ...memo[CASE_LIST_MEMO], readers: { roles: ['nobody'] } } }),
    ).toBeUndefined();
    expect(
      readCaseListFacts({ [CASE_LIST_MEMO]: { ...memo[CASE_LIST_MEMO], clock: { phase: 'nowhere' } } }),
    ).toBeUndefined();
  });
});
