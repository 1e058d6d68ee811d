/**
 * `breach compliance [--since DATE] [--format table|csv|json]`: the incidents from the visibility API,
 * each one's state from its query (the timeline gives the time at each gate), computed by
 * compliance-report.ts. An incident whose query does not answer counts with its search attributes.
 */
import { parseDuration } from '../domain/durations.js';
import { PHASES } from '../domain/state.js';
import { getIncidentState, listIncidents, type IncidentListItem } from '../client/incidents.js';
import {
  computeCompliance,
  complianceIncidentFromState,
  type ComplianceIncident,
  type ComplianceReport,
} from './compliance-report.js';
import type { CliContext } from './context.js';
import { sinceAndFormat } from './since-format.js';
import { csv, humanDuration, table } from '../reports/plain-text.js';
import { YEARLY_USAGE, yearlyCommand } from './compliance-yearly-command.js';

export const COMPLIANCE_USAGE = `breach compliance [--since DATE] [--format table|csv|json]    reporting, gate times, open gates, missed deadlines
  ${YEARLY_USAGE}`;

/** Queries at once: enough to be quick, few enough not to crowd the workers. */
const CONCURRENCY = 8;

export async function complianceCommand(ctx: CliContext, args: string[]): Promise<void> {
  if (args.some((a) => /^--(fiscal-)?year(=|$)/.test(a))) return yearlyCommand(ctx, args);
  const { since, format } = sinceAndFormat(args, COMPLIANCE_USAGE);
  const client = await ctx.client();
  const playbook = await ctx.playbook();
  const items = await listIncidents(client, { since }, 100_000);
  const incidents = await mapLimited(items, CONCURRENCY, async (item) => {
    try {
      return complianceIncidentFromState(
        await getIncidentState(client, item.incidentId),
        item.startedAt,
        item.closedAt,
      );
    } catch {
      return fromSearchAttributes(item);
    }
  });
  const report = computeCompliance(incidents, {
    now: ctx.now(),
    since,
    gateEscalateAfterMs: parseDuration(playbook.timers.gateEscalateAfter),
    phaseOrder: PHASES,
  });
  ctx.out(
    format === 'json'
      ? JSON.stringify(report, null, 2)
      : format === 'csv'
        ? complianceCsv(report)
        : complianceTable(report),
  );
}

function fromSearchAttributes(item: IncidentListItem): ComplianceIncident {
  return {
    incidentId: item.incidentId,
    phase: item.phase,
    startedAt: item.startedAt,
    closedAt: item.closedAt,
    reportingDeadline: item.reportingDeadline,
    reportedAt: null,
    reportedLate: item.reportedLate,
    awaiting: null,
    phaseChanges: [],
  };
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]!);
      }
    }),
  );
  return results;
}

const dur = (ms: number | null) => (ms === null ? '-' : humanDuration(ms));
const share = (r: ComplianceReport) =>
  r.reporting.shareOnTime === null ? '-' : `${(r.reporting.shareOnTime * 100).toFixed(1)}%`;

export function complianceTable(r: ComplianceReport): string {
  const parts = [
    `Compliance report, ${r.generatedAt}${r.since ? `, incidents started since ${r.since}` : ''}: ${r.incidents} incident${r.incidents === 1 ? '' : 's'}`,
    '',
    'Incidents by phase',
    table(
      ['PHASE', 'INCIDENTS'],
      r.byPhase.map((p) => [p.phase, String(p.count)]),
    ),
    '',
    `One-hour reports (5 FAM 468.3b(1)): ${share(r)} within the hour (${r.reporting.onTime} on time, ${r.reporting.late} late, ${r.reporting.pending} still within the hour)`,
    '',
    'Time at each gate',
    table(
      ['GATE', 'PASSED', 'MEDIAN', 'WORST', 'OPEN NOW', 'OLDEST OPEN'],
      r.gates.map((g) => [
        g.gate,
        String(g.completed),
        dur(g.medianMs),
        dur(g.worstMs),
        String(g.openNow),
        dur(g.oldestOpenMs),
      ]),
    ),
    '',
    'Gates open now, by role',
    r.openGatesByRole.length
      ? table(
          ['ROLE', 'OPEN', 'OLDEST SINCE', 'INCIDENTS'],
          r.openGatesByRole.map((g) => [g.role, String(g.open), g.oldestSince, g.incidents.join(' ')]),
        )
      : '(none)',
    '',
    'Past a deadline',
    r.pastDeadline.length
      ? table(
          ['INCIDENT', 'DEADLINE', 'DUE', 'OVERDUE', 'DETAIL'],
          r.pastDeadline.map((p) => [p.incidentId, p.deadline, p.due, dur(p.overdueMs), p.detail]),
        )
      : '(none)',
  ];
  return parts.join('\n');
}

/** One long table (section, name, metric, value) that spreadsheets pivot; durations in seconds. */
export function complianceCsv(r: ComplianceReport): string {
  const s = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));
  const rows: (string | number | null)[][] = [['section', 'name', 'metric', 'value']];
  rows.push(['summary', 'all', 'incidents', r.incidents]);
  for (const p of r.byPhase) rows.push(['phase', p.phase, 'incidents', p.count]);
  rows.push(
    ['reporting', 'one-hour', 'on-time', r.reporting.onTime],
    ['reporting', 'one-hour', 'late', r.reporting.late],
    ['reporting', 'one-hour', 'pending', r.reporting.pending],
  );
  rows.push([
    'reporting',
    'one-hour',
    'share-on-time',
    r.reporting.shareOnTime === null ? null : Number(r.reporting.shareOnTime.toFixed(4)),
  ]);
  for (const g of r.gates) {
    rows.push(
      ['gate', g.gate, 'passed', g.completed],
      ['gate', g.gate, 'median-seconds', s(g.medianMs)],
      ['gate', g.gate, 'worst-seconds', s(g.worstMs)],
    );
    rows.push(['gate', g.gate, 'open-now', g.openNow], ['gate', g.gate, 'oldest-open-seconds', s(g.oldestOpenMs)]);
  }
  for (const g of r.openGatesByRole)
    rows.push(['open-gates', g.role, 'open', g.open], ['open-gates', g.role, 'oldest-since', g.oldestSince]);
  for (const p of r.pastDeadline) rows.push(['past-deadline', p.incidentId, p.deadline, s(p.overdueMs)]);
  return csv(rows);
}
