/**
 * The UI's current details: what the incident waits for, from whom, and the next deadline, in a few
 * lines of markdown. Roles, person ids, decision kinds and times only: no PII (and the codec encrypts
 * it). Recomputed at every change (Incident.publish); a gate's reminder or escalation logs to the
 * timeline, so the deadline shown moves on when its timer fires. The gate's next step comes from the
 * same arithmetic as its timer (workflows/gates.ts `nextGateStep`).
 */
import { holdersOf } from '../domain/playbook-terms.js';
import { nextGateStep, openGateClock, runningDueDates, stillWaitedFor, type ReminderClock } from './gates.js';
import type { Incident } from './incident-state.js';

export function currentDetails(incident: Incident): string {
  const s = incident.state;
  // The case by the number people say (no PII: a prefix, a year, a sequence; domain/case-numbers.ts).
  const named = s.caseNumber ? `**Case ${s.caseNumber}** · ` : '';
  const lines = [`${named}**Phase:** ${s.phase} · **Medium:** ${s.medium}${s.risk ? ` · **Risk:** ${s.risk}` : ''}`];
  if (s.awaiting) {
    const who = holdersOf(incident.playbook, s.awaiting.role).map((p) => p.id);
    const kinds = stillWaitedFor(incident, s.awaiting.kinds);
    lines.push(
      `**Waiting for:** ${kinds.join(', ')} — from the ${s.awaiting.role}${who.length ? ` (${who.join(', ')})` : ''}, since ${s.awaiting.since}`,
    );
  }
  const next = deadlines(incident).sort((a, b) => a.at - b.at)[0];
  if (next) lines.push(`**Next deadline:** ${new Date(next.at).toISOString()} — ${next.what}`);
  // A late report stays in view: the UI's list shows BreachReportedLate, the details say when.
  if (s.phase === 'reporting' || !s.reportedAt || s.reportedLate) {
    lines.push(
      s.reportedAt
        ? `**Reported:** ${s.reportedAt}${s.reportedLate ? ' (late)' : ''}`
        : `**One-hour report due:** ${s.reportingDeadline}${s.reportedLate ? ' — **LATE, escalated**' : ''}`,
    );
  }
  if (s.majorIncident)
    lines.push(
      `**Major incident** since ${s.majorIncident.since}: Congress to be told by ${s.majorIncident.congressDueAt}`,
    );
  // A due date beside the main flow (workflows/gates.ts `dueDate`): its own clock's next step.
  // An open action item's owner (workflows/item-owners.ts) has the same clock, with no due date.
  for (const due of runningDueDates(incident)) {
    const next = reminderStep(due);
    const head = due.due === undefined ? '**Open item:**' : `**Due ${new Date(due.due).toISOString()}:**`;
    lines.push(`${head} ${due.what} — next: ${next.what}, ${new Date(next.at).toISOString()}`);
  }
  if (s.delay)
    lines.push(
      s.delay.barred
        ? '**Notification barred** (5 FAM 468.6-3b)'
        : `**Notification delayed until:** ${s.delay.notifyAfter}`,
    );
  if (s.notification) {
    const n = s.notification;
    const done = n.processed ?? 0;
    const progress = n.total ? ` · ${done} of ${n.total} people done, ${Math.max(0, n.total - done)} remaining` : '';
    lines.push(
      `**Notification:** ${n.letters} letters, ${n.emails} emails, ${n.failed} failed${progress}${n.substituteNotice ? ', substitute notice' : ''}`,
    );
  }
  const open = incident.openItems().map((i) => i.id);
  if (open.length) lines.push(`**Open action items:** ${open.join(', ')}`);
  return lines.join('\n\n');
}

/** The timers running now, as the policy names them (the clocks of gates.ts, and reporting.ts's one-hour clock). */
function deadlines(incident: Incident): { at: number; what: string }[] {
  const s = incident.state;
  const found: { at: number; what: string }[] = [];
  if (!s.reportedAt && !s.reportedLate && s.reportingDeadline) {
    found.push({
      at: Date.parse(s.reportingDeadline),
      what: `the one-hour report to ${s.medium === 'cyber' ? 'US-CERT' : 'the Privacy Division'} (5 FAM 468.3b(1))`,
    });
  }
  const clock = openGateClock(incident);
  if (clock?.kind === 'hold') {
    if (clock.endsAt !== null) found.push({ at: clock.endsAt, what: clock.what });
  } else if (clock?.kind === 'window') {
    found.push({ at: clock.endsAt, what: clock.what });
  } else if (clock?.kind === 'reminders') {
    found.push(reminderStep(clock));
  }
  for (const due of runningDueDates(incident)) if (due.due !== undefined) found.push({ at: due.due, what: due.what! });
  return found;
}

/** A reminder clock's next step in words: a gate's, or a due date's. */
function reminderStep(clock: ReminderClock): { at: number; what: string } {
  const next = nextGateStep(clock, Date.now());
  const escalation = new Date(clock.opened + clock.escalateAfter).toISOString();
  const to = clock.escalateTo;
  if (next.step === 'overdue') return { at: next.at, what: `overdue: ${clock.what ?? 'the due date'}` };
  if (next.step === 'escalation')
    return {
      at: next.at,
      what: to === 'the SAOP' ? 'escalation to the SAOP (the PPGB Chair, 5 FAM 468.2a)' : `escalation to ${to}`,
    };
  if (!clock.escalated)
    return { at: next.at, what: `reminder to the ${clock.role}; escalation to ${to} at ${escalation}` };
  return { at: next.at, what: `reminder to the ${clock.role} (escalated to ${to} at ${escalation})` };
}
