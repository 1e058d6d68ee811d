/**
 * A gate waits for a person (docs/style.md 2: a timer races each message, with a named outcome for the
 * timeout). While it waits it reminds the role's holders every `gateReminderInterval` and escalates
 * to the SAOP (the PPGB Chair, 5 FAM 468.2a) once after `gateEscalateAfter`; all in the timeline.
 */
import { condition, patched } from '@temporalio/workflow';
import type { DecisionKind } from '../domain/decision.js';
import type { Role } from '../domain/roles.js';
import { mail } from './activities.js';
import type { Incident } from './incident-state.js';
import { inBackground } from './reporting.js';

/**
 * A gate's ask, reminders and escalation go out in the background: a mail server that is down delays
 * the mail, never the gate. Before this patch the gate awaited each mail, so while SMTP was down a
 * decision was applied but its `decide` update waited for the mail (and the API answered 504).
 * Incidents that opened a gate before the patch replay the old order (see docs/reliability.md).
 */
export const GATE_MAIL_IN_BACKGROUND = 'gate-mail-in-background';

function send(incident: Incident, what: string, work: () => Promise<unknown>): Promise<unknown> {
  if (!patched(GATE_MAIL_IN_BACKGROUND)) return work();
  inBackground(incident, what, work);
  return Promise.resolve();
}

export async function gate(incident: Incident, role: Role, kinds: DecisionKind[], done: () => boolean): Promise<void> {
  incident.await(role, kinds);
  for (const kind of kinds) incident.waitingFor.add(kind);
  incident.gateDone = done;
  incident.processedSeq = incident.acceptedSeq;
  const interval = incident.ms('gateReminderInterval');
  const escalateAfter = incident.ms('gateEscalateAfter');
  const opened = Date.now();
  let reminders = 0;
  let escalated = false;
  try {
    await send(incident, `ask-${role}`, () => ask(incident, role, kinds, 0));
    for (;;) {
      const elapsed = Date.now() - opened;
      const untilEscalation = escalated ? Infinity : escalateAfter - elapsed;
      const untilReminder = interval * (reminders + 1) - elapsed;
      const wait = Math.max(1, Math.min(untilReminder, untilEscalation));
      // The timer's summary names its outcome, so the event history reads as the policy.
      const then = untilEscalation <= untilReminder ? 'escalate to the SAOP' : `reminder ${reminders + 1}`;
      if (await condition(done, wait, { summary: `${role} to decide ${kinds.join(' / ')}, else ${then}` })) return;
      if (!escalated && Date.now() - opened >= escalateAfter) {
        escalated = true;
        await send(incident, `escalate-${role}`, () => escalate(incident, role, kinds));
      } else {
        reminders += 1;
        incident.log(`reminder:${role}`, undefined, `reminder ${reminders}: ${kinds.join(', ')}`);
        const reminder = reminders;
        await send(incident, `remind-${role}`, () => ask(incident, role, kinds, reminder));
      }
    }
  } finally {
    for (const kind of kinds) incident.waitingFor.delete(kind);
    incident.gateDone = null;
    incident.await(null, []);
  }
}

async function ask(incident: Incident, role: Role, kinds: DecisionKind[], reminder: number): Promise<void> {
  const { state } = incident;
  const expiresAt = Date.now() + incident.ms('gateEscalateAfter') + incident.ms('gateReminderInterval');
  await mail(reminder ? `Reminder to ${role}` : `Ask ${role} to decide`).sendNotice({
    to: incident.recipients(role),
    notice: { template: 'decision-requested', incidentId: state.incidentId, role, kinds, phase: state.phase, reminder },
    step: `ask-${state.phase}-${role}-${reminder}-${state.timeline.length}`,
    link: { kind: kinds[0]!, kinds, expiresAt },
  });
}

async function escalate(incident: Incident, role: Role, kinds: DecisionKind[]): Promise<void> {
  const { state } = incident;
  incident.log(`escalated:${role}`, undefined, `no decision (${kinds.join(', ')}) since ${state.awaiting?.since ?? ''}; SAOP told`);
  await mail(`Escalate ${role} gate to the SAOP`).sendNotice({
    to: incident.recipients('ppgbChair'),
    notice: { template: 'gate-escalation', incidentId: state.incidentId, role, kinds, phase: state.phase, since: state.awaiting?.since ?? '' },
    step: `escalate-${state.phase}-${role}-${state.timeline.length}`,
  });
}
