/**
 * What a gate mails: the ask and its reminders to those who may decide, and the escalation of a stalled
 * gate (5 FAM 468.2a), with separation of duties (domain/separation.ts). Used by workflows/gates.ts only.
 */
import { isPatched } from './since-marker.js';
import { SEPARATION_OF_DUTIES } from './patch-ids.js';
import type { DecisionKind } from '../domain/decision.js';
import { holdersOf } from '../domain/playbook-terms.js';
import type { Role } from '../domain/roles.js';
import { conflictsFor, eligibleDeciders } from '../domain/separation.js';
import type { Recipient } from '../activities/index.js';
import { mail } from './activities.js';
import type { Incident } from './incident-state.js';

/** Who is asked: the role's holders, less those the gate's decision would have check themselves. */
function deciders(incident: Incident, role: Role, kinds: DecisionKind[]): Recipient[] {
  const holders = incident.recipients(role);
  const conflicted = new Set(
    kinds.flatMap((kind) => conflictsFor(incident.playbook, incident.state.decisions, kind).map((c) => c.personId)),
  );
  if (!holders.some((h) => h.id && conflicted.has(h.id))) return holders;
  if (!isPatched(SEPARATION_OF_DUTIES)) return holders;
  const eligible = eligibleDeciders(incident.playbook, role, conflicted);
  return incident.playbook.people
    .filter((p) => eligible.ids.includes(p.id))
    .map((p) => ({ id: p.id, name: p.name, email: p.email }));
}

/**
 * Whom a stalled gate escalates to: the SAOP (the PPGB Chair, 468.2a), less who stalled it; when that
 * leaves no one or the Chair's own gate stalled, the final authority (the Under Secretary, 468.5e) and
 * the Privacy Division. `patch` false: only say whom (the display), without deciding the patch.
 */
export function escalationTarget(
  incident: Incident,
  role: Role,
  kinds: DecisionKind[],
  patch: boolean,
): { to: Recipient[]; label: string } {
  const saop = { to: incident.recipients('ppgbChair'), label: 'the SAOP' };
  const stallers = new Set(deciders(incident, role, kinds).map((r) => r.id));
  const others = saop.to.filter((r) => !stallers.has(r.id));
  if (others.length === saop.to.length && role !== 'ppgbChair') return saop;
  if (patch && !isPatched(SEPARATION_OF_DUTIES)) return saop;
  if (others.length && role !== 'ppgbChair') return { to: others, label: 'the SAOP' };
  const finalAuthority = holdersOf(incident.playbook, 'underSecretary').filter((p) => !stallers.has(p.id));
  const privacyDivision = holdersOf(incident.playbook, 'privacyDivision').filter((p) => !stallers.has(p.id));
  return {
    to: [...finalAuthority, ...privacyDivision].map((p) => ({ id: p.id, name: p.name, email: p.email })),
    label: 'the final authority and the Privacy Division',
  };
}

/** What the deciders read besides the kinds: CGFS the costs to estimate; the PPGB and M the route and the estimate (468.5d). */
function askDetail(incident: Incident, role: Role, kinds: DecisionKind[]): string | undefined {
  const { state, costBasis } = incident;
  // 467.2c: the remediation gate's ask is also the reminder of the role's open items (workflows/item-owners.ts).
  if (incident.features.dutyFollowUps && kinds.includes('complete-action-item')) {
    const items = state.actionItems.filter((i) => i.status === 'open' && i.ownerRole === role).map((i) => i.id);
    if (items.length) return `Open action items of the ${role} role (5 FAM 467.2c): ${items.join(', ')}.`;
  }
  if (role === 'cgfs')
    return costBasis.length ? `Costs to estimate (5 FAM 468.5d): ${costBasis.join('; ')}.` : undefined;
  if (role !== 'ppgbChair' && role !== 'ppgb' && role !== 'underSecretary') return undefined;
  const estimate =
    state.costEstimateUsd !== null
      ? `CGFS cost estimate (5 FAM 468.5d): USD ${state.costEstimateUsd}${costBasis.length ? ` for ${costBasis.join('; ')}` : ''}.`
      : undefined;
  return [state.route?.reason, estimate].filter(Boolean).join('\n') || undefined;
}

export async function ask(incident: Incident, role: Role, kinds: DecisionKind[], reminder: number): Promise<void> {
  const { state } = incident;
  const expiresAt = Date.now() + incident.ms('gateEscalateAfter') + incident.ms('gateReminderInterval');
  const detail = askDetail(incident, role, kinds);
  await mail(reminder ? `Reminder to ${role}` : `Ask ${role} to decide`).sendNotice({
    to: deciders(incident, role, kinds),
    notice: {
      template: 'decision-requested',
      incidentId: state.incidentId,
      role,
      kinds,
      phase: state.phase,
      reminder,
      ...(detail ? { detail } : {}),
    },
    step: `ask-${state.phase}-${role}-${reminder}-${state.timeline.length}`,
    link: { kind: kinds[0]!, kinds, expiresAt },
  });
}

export async function escalate(incident: Incident, role: Role, kinds: DecisionKind[]): Promise<void> {
  const { state } = incident;
  const target = escalationTarget(incident, role, kinds, true);
  incident.log(
    `escalated:${role}`,
    undefined,
    `no decision (${kinds.join(', ')}) since ${state.awaiting?.since ?? ''}; ${target.label === 'the SAOP' ? 'SAOP' : target.label} told`,
  );
  await mail(`Escalate ${role} gate to ${target.label}`).sendNotice({
    to: target.to,
    notice: {
      template: 'gate-escalation',
      incidentId: state.incidentId,
      role,
      kinds,
      phase: state.phase,
      since: state.awaiting?.since ?? '',
      ...(target.label === 'the SAOP' ? {} : { to: target.label }),
    },
    step: `escalate-${state.phase}-${role}-${state.timeline.length}`,
  });
}
