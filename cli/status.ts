/**
 * `breach status <incidentId | case number>`: the incident's state (query `incidentState`) as a short
 * readable summary; with `--as <personId>` (or BREACH_ACTOR) who has a role on the case, the report too:
 * the facts as reported and each supplement (need to know, 5 FAM 469.2c(1); the case record's query).
 */
import { parseArgs } from 'node:util';
import { parseDuration } from '../domain/durations.js';
import { incidentIdSchema, incidentWorkflowId } from '../domain/ids.js';
import type { Playbook } from '../domain/playbook.js';
import type { IncidentState } from '../domain/state.js';
import { getIncidentState } from '../client/incidents.js';
import { getCaseRecord } from '../client/case-record.js';
import { resolveIncidentId } from '../client/case-numbers.js';
import type { CaseRecord } from '../domain/case-record.js';
import { standingOf } from '../domain/need-to-know.js';
import { identityOfPerson } from '../security/identity.js';
import { UsageError, type CliContext } from './context.js';
import { humanDuration } from '../reports/plain-text.js';

export const STATUS_USAGE =
  'breach status <incidentId | case number> [--events N] [--as <personId>]    phase, what it waits for, deadlines, open action items, last events; the report for a person with a role on the case';

export async function statusCommand(ctx: CliContext, args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { events: { type: 'string' }, as: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('status takes one incident id or case number', STATUS_USAGE);
  const asked = positionals[0]!;
  if (!incidentIdSchema.safeParse(asked).success)
    throw new UsageError(`"${asked}" is not an incident id or a case number`, STATUS_USAGE);
  const events = values.events === undefined ? 8 : Number(values.events);
  if (!Number.isInteger(events) || events < 0) throw new UsageError('--events expects a whole number', STATUS_USAGE);
  const client = await ctx.client();
  const state = await getIncidentState(client, await resolveIncidentId(client, asked));
  const playbook = await ctx.playbook().catch(() => undefined);
  printStatus(ctx, state, playbook, events);
  const personId = values.as ?? ctx.config().actor;
  if (personId && playbook) {
    const person = identityOfPerson(playbook, personId);
    if (standingOf(person, state) !== 'involved') {
      ctx.out(`\nThe report is for the people with a role on this case (5 FAM 469.2c(1)); ${personId} has none.`);
      return;
    }
    ctx.out(`\n${caseRecordText(await getCaseRecord(client, state.incidentId))}`);
  }
}

/** The report as filed and each supplement, as text. */
function caseRecordText(record: CaseRecord): string {
  const f = record.report.first;
  if (!f) return 'The report has not been read yet.';
  const lines = [
    'The report (5 FAM 468.3)',
    ...(f.title ? [`  Title: ${f.title}`] : []),
    `  Reporter: ${f.reporter.name} <${f.reporter.email}>, ${f.reporter.office}`,
    `  Discovered: ${f.discoveredAt}${f.occurredAt ? `; happened ${f.occurredAt}` : ''}`,
    `  PII types: ${f.piiTypes.join(', ')}`,
    `  People affected: ${f.affectedCount} (${f.affectedPopulation})`,
    `  Encrypted ${f.encrypted ? 'yes' : 'no'}; classified ${f.classifiedInvolved ? 'yes' : 'no'}; criminal act suspected ${f.criminalActSuspected ? 'yes' : 'no'}`,
    ...(f.disclosureFormat
      ? [`  Disclosure: ${f.disclosureFormat}, by ${f.disclosedBy ?? '?'} to ${f.disclosedTo ?? '?'}`]
      : []),
    `  What happened: ${f.summary}`,
  ];
  record.report.supplements.forEach((s, i) => lines.push(`Supplement ${i + 1} (${s.at}): ${s.report.summary}`));
  return lines.join('\n');
}

/** `in 23m` or `23m ago`. */
function relative(iso: string, now: Date): string {
  const ms = Date.parse(iso) - now.getTime();
  return ms >= 0 ? `in ${humanDuration(ms)}` : `${humanDuration(ms)} ago`;
}

/**
 * The summary. Gate escalation times follow the configured playbook, which is the incident's own
 * unless the file changed since the incident started.
 */
export function printStatus(ctx: CliContext, s: IncidentState, playbook: Playbook | undefined, events = 8): void {
  const now = ctx.now();
  const rows: [string, string][] = [];
  if (s.caseNumber) rows.push(['Case', `${s.caseNumber}${s.title ? `: ${s.title}` : ''}`]);
  rows.push(['Incident', `${s.incidentId} (workflow ${incidentWorkflowId(s.incidentId)})`]);
  rows.push(['Phase', s.phase + (s.closedAt ? ` (closed ${s.closedAt})` : '')]);
  rows.push(['Medium / risk', `${s.medium} / ${s.risk ?? 'not yet assessed'}`]);
  if (s.discoveredAt) rows.push(['Discovered', `${s.discoveredAt} (${relative(s.discoveredAt, now)})`]);
  if (s.reportingDeadline) {
    const report = s.reportedAt
      ? `delivered ${s.reportedAt}, ${s.reportedLate ? 'LATE' : 'on time'} (deadline ${s.reportingDeadline})`
      : Date.parse(s.reportingDeadline) >= now.getTime()
        ? `due ${s.reportingDeadline}: ${humanDuration(Date.parse(s.reportingDeadline) - now.getTime())} left`
        : `OVERDUE since ${s.reportingDeadline} (${humanDuration(now.getTime() - Date.parse(s.reportingDeadline))})${s.reportedLate ? ', escalated' : ''}`;
    rows.push(['One-hour report', report]);
  }
  if (s.awaiting) {
    let waiting = `${s.awaiting.kinds.join(', ')} from the ${s.awaiting.role}, since ${s.awaiting.since} (${humanDuration(now.getTime() - Date.parse(s.awaiting.since))})`;
    // The objection window and a security delay end on their own; a gate escalates (workflows/gates.ts),
    // a stalled Chair's to the final authority and the Privacy Division.
    if (playbook && s.phase !== 'ppgb-advised' && s.phase !== 'notification-delayed') {
      const due = Date.parse(s.awaiting.since) + parseDuration(playbook.timers.gateEscalateAfter);
      const to = s.awaiting.role === 'ppgbChair' ? 'the final authority and the Privacy Division' : 'the SAOP';
      waiting +=
        due >= now.getTime() ? `; escalates to ${to} in ${humanDuration(due - now.getTime())}` : `; escalated to ${to}`;
    }
    rows.push(['Waiting for', waiting]);
  } else if (s.phase !== 'closed') rows.push(['Waiting for', 'nobody (the workflow is working)']);
  if (s.majorIncident)
    rows.push([
      'Major incident',
      `since ${s.majorIncident.since} (${s.majorIncident.source}); Congress due ${s.majorIncident.congressDueAt} (${relative(s.majorIncident.congressDueAt, now)})`,
    ]);
  if (s.reportReference)
    rows.push([
      'Report reference',
      s.reportReference +
        (s.reportReceipts.length > 1
          ? ` (${s.reportReceipts.length - 1} update${s.reportReceipts.length > 2 ? 's' : ''})`
          : ''),
    ]);
  if (s.disclosures?.length)
    rows.push([
      'Disclosures',
      `${s.disclosures.length} accounted (5 FAM 464c): ${s.disclosures.map((d) => d.entryId).join(', ')}`,
    ]);
  // Where the CRG's recommendation went and why (5 FAM 468.5b, c, e); absent in incidents from before.
  if (s.route) rows.push(['Route', s.route.reason]);
  if (s.delay)
    rows.push([
      'Delay',
      s.delay.barred
        ? `notification barred (${s.delay.requestingEntity})`
        : `until ${s.delay.notifyAfter} (${relative(s.delay.notifyAfter, now)}), asked by ${s.delay.requestingEntity}`,
    ]);
  if (s.notification) {
    const n = s.notification;
    rows.push([
      'Notification',
      `${n.letters} letters, ${n.emails} emails, ${n.failed} failed${n.total ? ` of ${n.total}` : ''}${n.substituteNotice ? ', substitute notice' : ''}`,
    ]);
  }
  const open = s.actionItems.filter((i) => i.status === 'open');
  rows.push(['Open action items', open.length ? open.map((i) => `${i.id} (${i.ownerRole})`).join(', ') : 'none']);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  const last = events > 0 ? s.timeline.slice(-events) : [];
  if (last.length) {
    lines.push('', `Last ${last.length} of ${s.timeline.length} events:`);
    for (const t of last) lines.push(`  ${t.at}  ${t.event}${t.actorId ? ` (${t.actorId})` : ''}`);
  }
  ctx.out(lines.join('\n'));
}
