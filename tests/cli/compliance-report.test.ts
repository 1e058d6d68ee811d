/** The compliance arithmetic on incidents with known timings (no Temporal). */
import { describe, expect, it } from 'vitest';
import { PHASES, type IncidentState } from '../../domain/state.js';
import {
  complianceIncidentFromState,
  computeCompliance,
  median,
  phaseVisits,
  type ComplianceIncident,
} from '../../cli/compliance-report.js';
import { complianceCsv, complianceTable } from '../../cli/compliance.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(T0 + ms).toISOString();
const NOW = new Date(T0 + 30 * DAY);
const OPTIONS = { now: NOW, gateEscalateAfterMs: 5 * DAY, phaseOrder: PHASES };

function incident(
  id: string,
  changes: [number, string][],
  extra: Partial<ComplianceIncident> = {},
): ComplianceIncident {
  return {
    incidentId: id,
    phase: changes.length ? changes[changes.length - 1]![1] : 'reporting',
    startedAt: at(0),
    closedAt: null,
    reportingDeadline: at(HOUR),
    reportedAt: at(10 * MIN),
    reportedLate: false,
    awaiting: null,
    phaseChanges: changes.map(([ms, phase]) => ({ at: at(ms), phase })),
    ...extra,
  };
}

// A: triage 2h, analysis 1d, closed.  B: triage 4h, analysis 3d, now at ppgb-chair-review for 26d 23h.
// C: triage 1h then closure-review (declined), still there since 6h.  D: report still undelivered, past its hour.
const A = incident(
  'a',
  [
    [HOUR, 'triage'],
    [3 * HOUR, 'analysis'],
    [DAY + 3 * HOUR, 'closure-review'],
    [DAY + 5 * HOUR, 'closed'],
  ],
  { closedAt: at(DAY + 5 * HOUR) },
);
const B = incident(
  'b',
  [
    [HOUR, 'triage'],
    [5 * HOUR, 'analysis'],
    [3 * DAY + 5 * HOUR, 'ppgb-chair-review'],
  ],
  {
    reportedAt: at(2 * HOUR),
    reportedLate: true,
    awaiting: { role: 'ppgbChair', kinds: ['ppgb-chair-decision'], since: at(3 * DAY + 5 * HOUR) },
  },
);
const C = incident('c', [], {
  phase: 'closure-review',
  startedAt: at(30 * DAY - 8 * HOUR),
  phaseChanges: [
    { at: at(30 * DAY - 7 * HOUR), phase: 'triage' },
    { at: at(30 * DAY - 6 * HOUR), phase: 'closure-review' },
  ],
  reportingDeadline: at(30 * DAY - 7 * HOUR),
  reportedAt: at(30 * DAY - 7.5 * HOUR),
  awaiting: { role: 'ipsDirector', kinds: ['sign-off-closure'], since: at(30 * DAY - 6 * HOUR) },
});
const D = incident('d', [], {
  startedAt: at(30 * DAY - 2 * HOUR),
  reportingDeadline: at(30 * DAY - HOUR),
  reportedAt: null,
});
const E = incident('e', [], {
  startedAt: at(30 * DAY - 10 * MIN),
  reportingDeadline: at(30 * DAY + 50 * MIN),
  reportedAt: null,
});

describe('computeCompliance', () => {
  const report = computeCompliance([A, B, C, D, E], OPTIONS);

  it('counts incidents by phase, in the order of the phases', () => {
    expect(report.incidents).toBe(5);
    expect(report.byPhase).toEqual([
      { phase: 'reporting', count: 2 },
      { phase: 'ppgb-chair-review', count: 1 },
      { phase: 'closure-review', count: 1 },
      { phase: 'closed', count: 1 },
    ]);
  });

  it('468.3b(1): gives the share of one-hour reports delivered in time, leaving out those still within the hour', () => {
    expect(report.reporting).toEqual({ onTime: 2, late: 2, pending: 1, shareOnTime: 0.5 });
  });

  it('gives the median and worst time at each gate over the visits that ended, and the ones open now', () => {
    const gate = (name: string) => report.gates.find((g) => g.gate === name)!;
    expect(gate('triage')).toEqual({
      gate: 'triage',
      completed: 3,
      medianMs: 2 * HOUR,
      worstMs: 4 * HOUR,
      openNow: 0,
      oldestOpenMs: null,
    });
    expect(gate('analysis')).toMatchObject({ completed: 2, medianMs: 2 * DAY, worstMs: 3 * DAY });
    expect(gate('closure-review')).toEqual({
      gate: 'closure-review',
      completed: 1,
      medianMs: 2 * HOUR,
      worstMs: 2 * HOUR,
      openNow: 1,
      oldestOpenMs: 6 * HOUR,
    });
    expect(gate('ppgb-chair-review')).toMatchObject({
      completed: 0,
      medianMs: null,
      worstMs: null,
      openNow: 1,
      oldestOpenMs: 26 * DAY + 19 * HOUR,
    });
  });

  it('lists the gates open now by role, oldest first within a role', () => {
    expect(report.openGatesByRole).toEqual([
      { role: 'ipsDirector', open: 1, oldestSince: at(30 * DAY - 6 * HOUR), incidents: ['c'] },
      { role: 'ppgbChair', open: 1, oldestSince: at(3 * DAY + 5 * HOUR), incidents: ['b'] },
    ]);
  });

  it('lists incidents past a deadline, the most overdue first', () => {
    expect(report.pastDeadline.map((p) => [p.incidentId, p.deadline, p.overdueMs])).toEqual([
      ['b', 'gate-escalation', 30 * DAY - (3 * DAY + 5 * HOUR) - 5 * DAY],
      ['b', 'reporting', HOUR],
      ['d', 'reporting', HOUR],
    ]);
    expect(report.pastDeadline.find((p) => p.incidentId === 'd')!.detail).toBe('one-hour report not delivered');
  });

  it('has no share when no report is due yet', () => {
    expect(computeCompliance([E], OPTIONS).reporting.shareOnTime).toBeNull();
    expect(computeCompliance([], OPTIONS)).toMatchObject({
      incidents: 0,
      byPhase: [],
      openGatesByRole: [],
      pastDeadline: [],
    });
  });

  it('renders as a table and as CSV', () => {
    const table = complianceTable(report);
    expect(table).toContain('50.0% within the hour (2 on time, 2 late, 1 still within the hour)');
    expect(table).toMatch(/^triage\s+3\s+2h\s+4h\s+0\s+-$/m);
    const csv = complianceCsv(report);
    expect(csv).toMatch(/^gate,analysis,median-seconds,172800$/m);
    expect(csv).toMatch(/^past-deadline,d,reporting,3600$/m);
  });
});

describe('helpers', () => {
  it('median of odd and even counts', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('phase visits from the timeline; the last one is open unless the incident closed', () => {
    expect(phaseVisits(B).map((v) => [v.phase, v.to === null ? null : v.to - v.from])).toEqual([
      ['reporting', HOUR],
      ['triage', 4 * HOUR],
      ['analysis', 3 * DAY],
      ['ppgb-chair-review', null],
    ]);
  });

  it('reads the phase changes out of a queried state', () => {
    const state = {
      incidentId: 'x-1',
      phase: 'triage',
      reportingDeadline: at(HOUR),
      reportedAt: at(MIN),
      reportedLate: false,
      awaiting: null,
      closedAt: null,
      timeline: [
        { at: at(0), event: 'reported' },
        { at: at(MIN), event: 'phase:triage' },
        { at: at(2 * MIN), event: 'decision:convene-crg', actorId: 'ips-director' },
      ],
    } as unknown as IncidentState;
    expect(complianceIncidentFromState(state, at(0), null).phaseChanges).toEqual([{ at: at(MIN), phase: 'triage' }]);
  });
});
