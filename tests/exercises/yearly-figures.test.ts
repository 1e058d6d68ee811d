/** The SAOP's yearly figures on incidents with known timings (no Temporal). */
import { describe, expect, it } from 'vitest';
import { computeYearly, percentile, type YearlyIncident } from '../../domain/yearly-figures.js';
import { calendarYear, fiscalYear, lastEndedFiscalYear } from '../../domain/yearly-periods.js';
import { yearlyHtml, yearlyText } from '../../reports/yearly.js';

const MIN = 60_000;
const t = (iso: string, plusMin = 0) => new Date(Date.parse(iso) + plusMin * MIN).toISOString();

function incident(
  id: string,
  discoveredAt: string,
  reportedAfterMin: number | null,
  extra: Partial<YearlyIncident> = {},
): YearlyIncident {
  return {
    incidentId: id,
    medium: 'cyber',
    outcome: 'notified',
    discoveredAt,
    reportingDeadline: t(discoveredAt, 60),
    reportedAt: reportedAfterMin === null ? null : t(discoveredAt, reportedAfterMin),
    reportedLate: reportedAfterMin !== null && reportedAfterMin > 60,
    milestones: {
      reported: reportedAfterMin === null ? null : t(discoveredAt, reportedAfterMin),
      'crg-convened': t(discoveredAt, 120),
    },
    notification: null,
    affectedCount: 10,
    authorizedDisclosure: null,
    ...extra,
  };
}

const INCIDENTS = [
  incident('a', '2026-01-10T10:00:00Z', 10, {
    notification: { letters: 3, emails: 7, failed: 1, returned: 4, substituted: 2, substituteNotice: true },
  }),
  incident('b', '2026-01-20T10:00:00Z', 20, {
    medium: 'non-cyber',
    outcome: 'no-breach',
    authorizedDisclosure: { basis: 'hipaa-custody-exemption', decidedAt: '2026-01-21T10:00:00Z' },
  }),
  incident('c', '2026-03-05T10:00:00Z', 90, { affectedCount: 250_000, outcome: 'notification-barred' }),
  incident('d', '2026-07-01T10:00:00Z', 400, {
    notification: { letters: 0, emails: 0, failed: 0, substituteNotice: true },
    affectedCount: null,
  }),
  incident('e', '2026-12-31T23:00:00Z', null, { outcome: 'open (triage)' }),
];

describe('computeYearly', () => {
  const y = computeYearly(INCIDENTS, 2026, new Date('2027-01-15T14:00:00Z'));

  it('one-hour reports on time and late, the late ones by id and by how much (468.3b(1))', () => {
    expect(y.oneHourReports).toEqual({
      onTime: 2,
      late: 3,
      pending: 0,
      lateIncidents: [
        { incidentId: 'c', reportedAt: '2026-03-05T11:30:00.000Z', lateByMs: 30 * MIN },
        { incidentId: 'd', reportedAt: '2026-07-01T16:40:00.000Z', lateByMs: 340 * MIN },
        { incidentId: 'e', reportedAt: null, lateByMs: null },
      ],
    });
  });

  it('median and 90th percentile from discovery to each milestone, over the incidents that reached it', () => {
    expect(y.timeToMilestone.find((m) => m.milestone === 'reported')).toEqual({
      milestone: 'reported',
      reached: 4,
      medianMs: 55 * MIN,
      p90Ms: 400 * MIN,
    });
    expect(y.timeToMilestone.find((m) => m.milestone === 'crg-convened')).toMatchObject({
      reached: 5,
      medianMs: 120 * MIN,
      p90Ms: 120 * MIN,
    });
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([], 90)).toBeNull();
  });

  it('by medium and outcome, notifications, people, major incidents (OMB M-17-12), authorized disclosures, per month, time-to-report bins', () => {
    expect(y.byMediumAndOutcome).toEqual([
      { medium: 'cyber', outcome: 'notified', count: 2 },
      { medium: 'cyber', outcome: 'notification-barred', count: 1 },
      { medium: 'cyber', outcome: 'open (triage)', count: 1 },
      { medium: 'non-cyber', outcome: 'no-breach', count: 1 },
    ]);
    expect(y.notifications).toEqual({
      letters: 3,
      emails: 7,
      sent: 10,
      returned: 4,
      substituted: 2,
      failed: 1,
      substituteNotices: 2,
      incidentsNotified: 2,
    });
    expect(y.people).toEqual({ affected: 250_030, unknownFor: 1 });
    expect(y.majorIncidents).toEqual([{ incidentId: 'c', affectedCount: 250_000, outcome: 'notification-barred' }]);
    expect(y.authorizedDisclosures).toEqual([
      {
        incidentId: 'b',
        basis: 'hipaa-custody-exemption',
        decidedAt: '2026-01-21T10:00:00Z',
        medium: 'non-cyber',
        accounting: [],
      },
    ]);
    expect(y.perMonth.map((m) => m.count)).toEqual([2, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(y.timeToReport.map((b) => [b.bin, b.count])).toEqual([
      ['< 15 min', 1],
      ['15-30 min', 1],
      ['30-45 min', 0],
      ['45-60 min', 0],
      ['1-2 h', 1],
      ['2-6 h', 0],
      ['> 6 h', 1],
    ]);
  });

  it("major incidents follow the workflow's own finding (the playbook's threshold) when it made one; the 464c accounting is listed without recipients", () => {
    const own = computeYearly(
      [
        incident('f', '2026-02-01T10:00:00Z', 10, { affectedCount: 50_000, major: true }),
        incident('g', '2026-02-02T10:00:00Z', 10, { affectedCount: 200_000, major: false }),
        incident('h', '2026-02-03T10:00:00Z', 10, {
          outcome: 'no-breach',
          authorizedDisclosure: { basis: 'routine-use', decidedAt: '2026-02-04T10:00:00Z' },
          accounting: [
            {
              entryId: 'acc-1',
              disclosedAt: '2026-02-03T09:00:00Z',
              basis: 'routine-use',
              nature: 'visa file',
              purpose: 'routine use 12',
              accountingRequired: true,
            },
          ],
        }),
      ],
      2026,
      new Date('2027-01-15T14:00:00Z'),
    );
    expect(own.majorIncidents.map((m) => m.incidentId)).toEqual(['f']);
    expect(own.authorizedDisclosures[0]!.accounting.map((a) => a.entryId)).toEqual(['acc-1']);
    expect(yearlyHtml(own)).toContain('acc-1, 2026-02-03T09:00:00Z: visa file; routine use 12');
    expect(JSON.stringify(own)).not.toContain('recipient');
  });

  it('renders as text and as HTML with two charts, unreadable incidents named', () => {
    const named = computeYearly(INCIDENTS, 2026, new Date('2027-01-15T14:00:00Z'), ['z']);
    expect(yearlyText(named)).toContain('NOT COUNTED (state unreadable): z');
    expect(yearlyText(named)).toContain('late: c (by 30m)');
    const html = yearlyHtml(named);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('Not counted (state unreadable): z');
  });
});

describe('the federal fiscal year (FISMA)', () => {
  it('FY2026 is 1 October 2025 to 30 September 2026; the calendar year is January to December; the last fiscal year ended', () => {
    expect(fiscalYear(2026)).toEqual({
      kind: 'fiscal',
      year: 2026,
      from: '2025-10-01T00:00:00.000Z',
      to: '2026-10-01T00:00:00.000Z',
      label: 'FY2026 (federal fiscal year, 2025-10-01 to 2026-09-30)',
    });
    expect(calendarYear(2026)).toMatchObject({
      kind: 'calendar',
      from: '2026-01-01T00:00:00.000Z',
      to: '2027-01-01T00:00:00.000Z',
      label: 'calendar year 2026 (2026-01-01 to 2026-12-31)',
    });
    expect(lastEndedFiscalYear(new Date('2026-10-15T13:00:00Z'))).toBe(2026);
    expect(lastEndedFiscalYear(new Date('2026-09-30T23:59:00Z'))).toBe(2025);
    expect(lastEndedFiscalYear(new Date('2027-01-15T13:00:00Z'))).toBe(2026);
  });

  it('the figures of a fiscal year: its months from October, and the report says which period it covers', () => {
    const fy = [
      incident('sep', '2025-09-30T23:30:00Z', 10),
      incident('oct', '2025-10-01T00:30:00Z', 10),
      incident('jan', '2026-01-10T10:00:00Z', 10),
      incident('sep2', '2026-09-30T20:00:00Z', 10),
    ].filter((i) => (i.discoveredAt ?? '') >= fiscalYear(2026).from && (i.discoveredAt ?? '') < fiscalYear(2026).to);
    const y = computeYearly(fy, fiscalYear(2026), new Date('2026-10-15T13:00:00Z'));
    expect(y).toMatchObject({
      year: 2026,
      period: { kind: 'fiscal', label: 'FY2026 (federal fiscal year, 2025-10-01 to 2026-09-30)' },
      from: '2025-10-01T00:00:00.000Z',
      to: '2026-10-01T00:00:00.000Z',
      incidents: 3,
    });
    expect(y.perMonth.map((m) => m.month)).toEqual([
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
    ]);
    expect(y.perMonth.map((m) => m.count)).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(yearlyText(y)).toContain(
      'SAOP yearly breach figures FY2026, covering FY2026 (federal fiscal year, 2025-10-01 to 2026-09-30)',
    );
    const html = yearlyHtml(y);
    expect(html).toContain('<h1>SAOP yearly breach figures, FY2026</h1>');
    expect(html).toContain('Covering FY2026 (federal fiscal year, 2025-10-01 to 2026-09-30)');
    // The calendar year says so too.
    expect(yearlyText(computeYearly(fy, 2026, new Date('2027-01-15T14:00:00Z')))).toContain(
      'covering calendar year 2026 (2026-01-01 to 2026-12-31)',
    );
  });
});
