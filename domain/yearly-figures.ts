/**
 * The SAOP's yearly figures (docs/exercises.md), pure (docs/style.md 3): incidents by medium
 * and outcome, one-hour reports on time and late (the late ones by id), time from discovery to each
 * milestone (median and 90th percentile), notifications sent, returned and substituted, people affected,
 * major incidents, and the authorized disclosures with their accounting.
 *
 * Major incidents: the workflow's own finding (`state.majorIncident`, the playbook's threshold, OMB's
 * 100,000 people by default); for an incident from before that finding existed, 100,000 people or more.
 * Authorized disclosures: the accounting entries of 5 FAM 464c from the state, without the recipient's
 * name and address (they stay in the case record; the figures are mailed).
 */
import { MILESTONES, reachedAt, type Milestone } from './milestones.js';
import type { IncidentState, NotificationProgress } from './state.js';
import { calendarYear, type FiguresPeriod } from './yearly-periods.js';

export const MAJOR_INCIDENT_PEOPLE = 100_000;

/** One incident as the yearly figures see it. */
export interface YearlyIncident {
  incidentId: string;
  medium: string;
  /** The case summary's outcome once closed; else `open (<phase>)`. */
  outcome: string;
  discoveredAt: string | null;
  reportingDeadline: string | null;
  reportedAt: string | null;
  reportedLate: boolean;
  milestones: Partial<Record<Milestone, string | null>>;
  notification: NotificationProgress | null;
  /** From the report (the workflow's history); null when it could not be read. */
  affectedCount: number | null;
  authorizedDisclosure: { basis: string; decidedAt: string | null } | null;
  /** The workflow found it a major incident (null: not, or an incident from before the finding). */
  major?: boolean;
  /** 5 FAM 464c accounting entries, recipient left out. */
  accounting?: {
    entryId: string;
    disclosedAt: string;
    basis: string;
    nature: string;
    purpose: string;
    accountingRequired: boolean;
  }[];
}

export function yearlyIncidentFromState(
  state: IncidentState,
  outcome: string | null,
  reportedCount: number | null,
): YearlyIncident {
  // The count may have grown since the first report (a supplement, the analysis): the larger one.
  const grown = state.majorIncident?.affectedCount ?? null;
  const affectedCount = reportedCount === null ? grown : Math.max(reportedCount, grown ?? 0);
  return {
    incidentId: state.incidentId,
    medium: state.medium,
    outcome: outcome ?? (state.phase === 'closed' ? 'closed' : `open (${state.phase})`),
    discoveredAt: state.discoveredAt || null,
    reportingDeadline: state.reportingDeadline || null,
    reportedAt: state.reportedAt,
    reportedLate: state.reportedLate,
    milestones: Object.fromEntries(MILESTONES.map((m) => [m, reachedAt(state.timeline, m)])),
    notification: state.notification,
    affectedCount,
    authorizedDisclosure: state.authorizedDisclosure
      ? { basis: state.authorizedDisclosure.basis, decidedAt: reachedAt(state.timeline, 'analysis-submitted') }
      : null,
    ...(state.majorIncident !== undefined ? { major: state.majorIncident !== null } : {}),
    accounting: (state.disclosures ?? []).map((d) => ({
      entryId: d.entryId,
      disclosedAt: d.disclosedAt,
      basis: d.basis,
      nature: d.nature,
      purpose: d.purpose,
      accountingRequired: d.accountingRequired,
    })),
  };
}

export interface YearlyFigures {
  /** The calendar year, or the fiscal year's number (FY2026: 2026). */
  year: number;
  /** What the figures cover, said in the report. */
  period: { kind: FiguresPeriod['kind']; label: string };
  from: string;
  to: string;
  generatedAt: string;
  incidents: number;
  /** Incidents listed whose state could not be read: not in the figures, named so that nobody misses them. */
  unreadable: string[];
  byMediumAndOutcome: { medium: string; outcome: string; count: number }[];
  oneHourReports: {
    onTime: number;
    late: number;
    pending: number;
    lateIncidents: { incidentId: string; reportedAt: string | null; lateByMs: number | null }[];
  };
  /** Discovery to each milestone, over the incidents that reached it. */
  timeToMilestone: { milestone: Milestone; reached: number; medianMs: number | null; p90Ms: number | null }[];
  /** `returned`: notices that came back (468.6-2a); `substituted`: people reached by a substitute notice; `failed`: roster lines that could not be sent. */
  notifications: {
    letters: number;
    emails: number;
    sent: number;
    returned: number;
    substituted: number;
    failed: number;
    substituteNotices: number;
    incidentsNotified: number;
  };
  people: { affected: number; unknownFor: number };
  majorIncidents: { incidentId: string; affectedCount: number; outcome: string }[];
  authorizedDisclosures: {
    incidentId: string;
    basis: string;
    decidedAt: string | null;
    medium: string;
    accounting: NonNullable<YearlyIncident['accounting']>;
  }[];
  /** Incidents by month of discovery (YYYY-MM), the period's twelve. */
  perMonth: { month: string; count: number }[];
  /** Time from discovery to the one-hour report, in bins (the distribution chart). */
  timeToReport: { bin: string; count: number; late: boolean }[];
}

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const MIN = 60_000;
const BINS: { bin: string; upTo: number; late: boolean }[] = [
  { bin: '< 15 min', upTo: 15 * MIN, late: false },
  { bin: '15-30 min', upTo: 30 * MIN, late: false },
  { bin: '30-45 min', upTo: 45 * MIN, late: false },
  { bin: '45-60 min', upTo: 60 * MIN, late: false },
  { bin: '1-2 h', upTo: 120 * MIN, late: true },
  { bin: '2-6 h', upTo: 360 * MIN, late: true },
  { bin: '> 6 h', upTo: Infinity, late: true },
];

const WHAT_THE_FIGURES_TIME: Milestone[] = [
  'reported',
  'crg-convened',
  'analysis-submitted',
  'final-decision',
  'letters-approved',
  'notified',
  'closed',
];

export function computeYearly(
  incidents: YearlyIncident[],
  yearOrPeriod: number | FiguresPeriod,
  now: Date,
  unreadable: string[] = [],
): YearlyFigures {
  const period = typeof yearOrPeriod === 'number' ? calendarYear(yearOrPeriod) : yearOrPeriod;
  const from = new Date(period.from);
  const to = new Date(period.to);
  const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

  const groups = new Map<string, { medium: string; outcome: string; count: number }>();
  for (const i of incidents) {
    const key = `${i.medium}\u0000${i.outcome}`;
    const entry = groups.get(key) ?? { medium: i.medium, outcome: i.outcome, count: 0 };
    entry.count += 1;
    groups.set(key, entry);
  }

  let onTime = 0;
  let pending = 0;
  const lateIncidents: YearlyFigures['oneHourReports']['lateIncidents'] = [];
  const toOneHourReport: number[] = [];
  for (const i of incidents) {
    const deadline = ms(i.reportingDeadline);
    const delivered = ms(i.reportedAt);
    const discovered = ms(i.discoveredAt);
    if (delivered !== null && discovered !== null) toOneHourReport.push(delivered - discovered);
    const late = i.reportedLate || (deadline !== null && (delivered ?? now.getTime()) > deadline);
    if (late)
      lateIncidents.push({
        incidentId: i.incidentId,
        reportedAt: i.reportedAt,
        lateByMs: deadline !== null && delivered !== null ? delivered - deadline : null,
      });
    else if (delivered !== null) onTime += 1;
    else pending += 1;
  }

  const timeToMilestone = WHAT_THE_FIGURES_TIME.map((milestone) => {
    const values = incidents.flatMap((i) => {
      const start = ms(i.discoveredAt);
      const at = ms(i.milestones[milestone]);
      return start !== null && at !== null ? [at - start] : [];
    });
    return { milestone, reached: values.length, medianMs: median(values), p90Ms: percentile(values, 90) };
  });

  const notified = incidents.filter((i) => i.notification);
  const sum = (f: (n: NotificationProgress) => number) => notified.reduce((total, i) => total + f(i.notification!), 0);
  const letters = sum((n) => n.letters);
  const emails = sum((n) => n.emails);

  // The period's twelve months from its first (January, or October for a fiscal year).
  const perMonth = Array.from({ length: 12 }, (_, m) => ({
    month: new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + m, 1)).toISOString().slice(0, 7),
    count: 0,
  }));
  for (const i of incidents) {
    const d = ms(i.discoveredAt);
    if (d === null) continue;
    const date = new Date(d);
    const index = (date.getUTCFullYear() - from.getUTCFullYear()) * 12 + date.getUTCMonth() - from.getUTCMonth();
    if (index >= 0 && index < 12) perMonth[index]!.count += 1;
  }

  return {
    year: period.year,
    period: { kind: period.kind, label: period.label },
    from: from.toISOString(),
    to: to.toISOString(),
    generatedAt: now.toISOString(),
    incidents: incidents.length,
    unreadable,
    byMediumAndOutcome: [...groups.values()].sort(
      (a, b) => a.medium.localeCompare(b.medium) || b.count - a.count || a.outcome.localeCompare(b.outcome),
    ),
    oneHourReports: { onTime, late: lateIncidents.length, pending, lateIncidents },
    timeToMilestone,
    notifications: {
      letters,
      emails,
      sent: letters + emails,
      returned: sum((n) => n.returned ?? 0),
      substituted: sum((n) => n.substituted ?? 0),
      failed: sum((n) => n.failed),
      substituteNotices: notified.filter((i) => i.notification!.substituteNotice).length,
      incidentsNotified: notified.length,
    },
    people: {
      affected: incidents.reduce((t, i) => t + (i.affectedCount ?? 0), 0),
      unknownFor: incidents.filter((i) => i.affectedCount === null).length,
    },
    majorIncidents: incidents
      .filter((i) => i.major ?? (i.affectedCount ?? 0) >= MAJOR_INCIDENT_PEOPLE)
      .map((i) => ({ incidentId: i.incidentId, affectedCount: i.affectedCount ?? 0, outcome: i.outcome })),
    authorizedDisclosures: incidents
      .filter((i) => i.authorizedDisclosure)
      .map((i) => ({
        incidentId: i.incidentId,
        basis: i.authorizedDisclosure!.basis,
        decidedAt: i.authorizedDisclosure!.decidedAt,
        medium: i.medium,
        accounting: i.accounting ?? [],
      })),
    perMonth,
    timeToReport: BINS.map((b, index) => ({
      bin: b.bin,
      late: b.late,
      count: toOneHourReport.filter((v) => v < b.upTo && (index === 0 || v >= BINS[index - 1]!.upTo)).length,
    })),
  };
}
