/**
 * 467.2c: an open action item is its owner's to complete, and an owner who never acts is reminded and
 * escalated like a gate (workflows/gates.ts `dueDate`, with no due date): the owner's role is reminded
 * every `gateReminderInterval`, the escalation goes once after `gateEscalateAfter` to whom a stalled
 * gate of that role goes (the SAOP, 468.2a; workflows/gate-mail.ts), and the clock shows in the UI's
 * current details (workflows/details.ts). Beside the main flow, one clock per item, ended when the
 * item is done. While the remediation gate asks the same role (workflows/closure.ts), the gate's reminder,
 * which names the role's open items, is the one reminder. Under the duty follow-ups only
 * (workflows/patches.ts `dutyFollowUps`).
 */
import { escalationTarget } from './gate-mail.js';
import type { ActionItem } from '../domain/state.js';
import { mail } from './activities.js';
import { inBackground } from './background.js';
import { dueDate, gateReminds } from './gates.js';
import type { Incident } from './incident-state.js';

const KINDS = ['complete-action-item'] as const;

/** Items with a clock of their own: the Congress notice of a major incident (workflows/major-incident.ts). */
const OWN_CLOCK = new Set(['congress-notification']);

/** Reminds and escalates the owner of `item` until it is done. */
export function remindOwner(incident: Incident, item: ActionItem): void {
  if (OWN_CLOCK.has(item.id)) return;
  const opened = Date.now();
  const since = new Date(opened).toISOString();
  inBackground(incident, `item-owner-${item.id}`, () =>
    dueDate(incident, {
      item: item.id,
      role: item.ownerRole,
      opened,
      what: `the ${item.ownerRole} completes the action item ${item.id} (5 FAM 467.2c)`,
      escalateTo: escalationTarget(incident, item.ownerRole, [...KINDS], false).label,
      summary: `${item.ownerRole} to complete action item ${item.id}`,
      // A resubmitted analysis replaces its open option items (workflows/apply.ts): the replaced one's clock ends.
      done: () =>
        item.status === 'done' ||
        (incident.features.itemClockEndsWithItem && !incident.state.actionItems.includes(item)),
      onStep: (step, reminders) => {
        // The owner now: an item may change hands (DS takes over the fact-finding, workflows/later-facts.ts).
        const role = item.ownerRole;
        if (step === 'escalation') {
          const target = escalationTarget(incident, role, [...KINDS], true);
          incident.log(`escalated:item:${item.id}`, undefined, `open since ${since}; ${target.label} told`);
          inBackground(incident, `item-escalated-${item.id}`, () =>
            mail(`Escalate action item ${item.id} to ${target.label}`).sendNotice({
              to: target.to,
              notice: {
                template: 'gate-escalation',
                incidentId: incident.state.incidentId,
                role,
                kinds: [...KINDS, item.id],
                phase: incident.state.phase,
                since,
                ...(target.label === 'the SAOP' ? {} : { to: target.label }),
              },
              step: `item-escalated-${item.id}`,
            }),
          );
          return;
        }
        // One reminder per wait: the remediation gate asking this role names its open items (workflows/gate-mail.ts).
        if (gateReminds(incident, role, 'complete-action-item')) return;
        incident.log(`reminder:item:${item.id}`, undefined, `reminder ${reminders} to the ${role}`);
        inBackground(incident, `item-reminder-${item.id}-${reminders}`, () =>
          mail(`Remind the owner of ${item.id}`).sendNotice({
            to: incident.recipients(role),
            notice: {
              template: 'action-item-assigned',
              incidentId: incident.state.incidentId,
              itemId: item.id,
              reminder: reminders,
            },
            step: `item-reminder-${item.id}-${reminders}`,
          }),
        );
      },
    }),
  );
}
