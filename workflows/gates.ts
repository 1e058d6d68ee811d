/**
 * The gates, in one module with one small state object (GateBook): a phase calls `gate(...)` (or
 * `timedGate(...)` for a window that ends on its own) and reads the decision with `take(...)`; the
 * handlers hand accepted decisions over with `settle(...)`; nothing else touches the bookkeeping.
 *
 * A gate waits for a person (docs/style.md 2: a timer races each message, with a named outcome for
 * the timeout). While it waits it reminds the role's holders every `gateReminderInterval` and
 * escalates once after `gateEscalateAfter` (to the SAOP, the PPGB Chair, 5 FAM 468.2a); all in the
 * timeline. The `decide` update that opens a gate returns after the main flow has moved on, so its
 * answer shows the new phase ("the update returns after the transition").
 */
import { condition, patched } from '@temporalio/workflow';
import type { Decision, DecisionKind, DecisionOf } from '../domain/decision.js';
import { holdersOf } from '../domain/playbook-terms.js';
import type { Role } from '../domain/roles.js';
import { conflictsFor, eligibleDeciders } from '../domain/separation.js';
import type { Recipient } from '../activities/index.js';
import { mail } from './activities.js';
import { inBackground } from './background.js';
import type { Incident } from './incident-state.js';
import { GATE_MAIL_IN_BACKGROUND, SEPARATION_OF_DUTIES } from './patches.js';

/** Where an open gate's clock stands: what the display shows next (workflows/details.ts). */
export type GateClock =
  | {
      kind: 'reminders';
      role: Role;
      opened: number;
      reminders: number;
      escalated: boolean;
      interval: number;
      escalateAfter: number;
      escalateTo: string;
    }
  | { kind: 'window'; role: Role; endsAt: number; what: string };

/** The gate bookkeeping of one incident. Read and written by this module only. */
export class GateBook {
  /** Kinds the open gate waits for (an update for one of them returns after the transition). */
  readonly waitingFor = new Set<DecisionKind>();
  /** The open gate's predicate: an update returns after the transition only when it opens the gate. */
  done: (() => boolean) | null = null;
  /** Accepted gate decisions the main flow has not taken yet, by kind. */
  readonly accepted = new Map<DecisionKind, Decision>();
  /** Decisions accepted so far, and how many of them the main flow has answered with a transition. */
  acceptedSeq = 0;
  processedSeq = 0;
  clock: GateClock | null = null;

  /** A phase transition (Incident.setPhase) answers every decision accepted so far. */
  transitioned(): void {
    this.processedSeq = this.acceptedSeq;
  }
}

/** The next reminder or escalation of a gate, the one arithmetic the gate's timer and the display share. */
export function nextGateStep(
  clock: Extract<GateClock, { kind: 'reminders' }>,
  now: number,
): { at: number; step: 'reminder' | 'escalation' } {
  const elapsed = now - clock.opened;
  const untilEscalation = clock.escalated ? Infinity : clock.escalateAfter - elapsed;
  const untilReminder = clock.interval * (clock.reminders + 1) - elapsed;
  return {
    at: now + Math.max(1, Math.min(untilReminder, untilEscalation)),
    step: untilEscalation <= untilReminder ? 'escalation' : 'reminder',
  };
}

function send(incident: Incident, what: string, work: () => Promise<unknown>): Promise<unknown> {
  if (!patched(GATE_MAIL_IN_BACKGROUND)) return work();
  inBackground(incident, what, work);
  return Promise.resolve();
}

function open(incident: Incident, role: Role, kinds: DecisionKind[], done: () => boolean, clock: GateClock): GateBook {
  const book = incident.gates;
  // The clock first: the details published with `awaiting` show the gate's next step.
  book.clock = clock;
  incident.await(role, kinds);
  for (const kind of kinds) book.waitingFor.add(kind);
  book.done = done;
  book.processedSeq = book.acceptedSeq;
  return book;
}

function shut(incident: Incident, kinds: DecisionKind[]): void {
  const book = incident.gates;
  for (const kind of kinds) book.waitingFor.delete(kind);
  book.done = null;
  book.clock = null;
  incident.await(null, []);
}

/**
 * A fact that changed the finding's inputs before notification was done (workflows/duty-rules.ts) ends
 * every gate but the analysis's own: the phase that opened it reads `reanalysing` and goes back to the
 * analysis (468.4, 468.5). Never true for incidents from before the duty rules.
 */
export function reanalysing(incident: Incident): boolean {
  return incident.file.duty.reanalysis !== null;
}

function orInterrupted(incident: Incident, kinds: DecisionKind[], done: () => boolean): () => boolean {
  if (kinds.includes('submit-analysis')) return done;
  return () => done() || reanalysing(incident);
}

const allIn = (incident: Incident, kinds: DecisionKind[]) => () =>
  kinds.every((kind) => incident.gates.accepted.has(kind));

/** Waits until `done` (by default: every kind accepted), asking, reminding and escalating meanwhile. */
export async function gate(
  incident: Incident,
  role: Role,
  kinds: DecisionKind[],
  until: () => boolean = allIn(incident, kinds),
): Promise<void> {
  const done = orInterrupted(incident, kinds, until);
  const clock = {
    kind: 'reminders' as const,
    role,
    opened: Date.now(),
    reminders: 0,
    escalated: false,
    interval: incident.ms('gateReminderInterval'),
    escalateAfter: incident.ms('gateEscalateAfter'),
    escalateTo: escalationTarget(incident, role, kinds, false).label,
  };
  open(incident, role, kinds, done, clock);
  try {
    await send(incident, `ask-${role}`, () => ask(incident, role, kinds, 0));
    for (;;) {
      const next = nextGateStep(clock, Date.now());
      // The timer's summary names its outcome, so the event history reads as the policy.
      const then = next.step === 'escalation' ? 'escalate to the SAOP' : `reminder ${clock.reminders + 1}`; // (the summary stays as recorded)
      if (
        await condition(done, next.at - Date.now(), { summary: `${role} to decide ${kinds.join(' / ')}, else ${then}` })
      )
        return;
      if (!clock.escalated && Date.now() - clock.opened >= clock.escalateAfter) {
        clock.escalated = true;
        await send(incident, `escalate-${role}`, () => escalate(incident, role, kinds));
      } else {
        clock.reminders += 1;
        incident.log(`reminder:${role}`, undefined, `reminder ${clock.reminders}: ${kinds.join(', ')}`);
        const reminder = clock.reminders;
        await send(incident, `remind-${role}`, () => ask(incident, role, kinds, reminder));
      }
    }
  } finally {
    shut(incident, kinds);
  }
}

/**
 * A gate that ends on its own after `window` (the 468.5c objection window): true when the decision
 * came in time, false when the window ran out. No reminders: the window is the whole of the ask.
 */
export async function timedGate(
  incident: Incident,
  role: Role,
  kinds: DecisionKind[],
  options: { window: number; summary: string; whenOver: string; done?: () => boolean },
): Promise<boolean> {
  const done = orInterrupted(incident, kinds, options.done ?? allIn(incident, kinds));
  open(incident, role, kinds, done, {
    kind: 'window',
    role,
    endsAt: Date.now() + options.window,
    what: options.whenOver,
  });
  try {
    return await condition(done, options.window, { summary: options.summary });
  } finally {
    shut(incident, kinds);
  }
}

/** The decision a gate waited for, handed to the phase once (a later gate of the same kind waits anew). */
export function take<K extends DecisionKind>(incident: Incident, kind: K): DecisionOf<K> | undefined {
  const decision = incident.gates.accepted.get(kind) as DecisionOf<K> | undefined;
  incident.gates.accepted.delete(kind);
  return decision;
}

/** Whether a decision of this kind has come in and waits for the main flow. */
export function hasArrived(incident: Incident, kind: DecisionKind): boolean {
  return incident.gates.accepted.has(kind);
}

/** The open gate's clock, for the display (workflows/details.ts); null when no gate is open. */
export function openGateClock(incident: Incident): GateClock | null {
  return incident.gates.clock;
}

/** Hands an applied decision to the main flow (workflows/apply.ts). */
export function handOver(incident: Incident, decision: Decision): void {
  incident.gates.accepted.set(decision.kind, decision);
}

/** The kinds of the open gate still waited for (triage waits for two: the one already in is not). */
export function stillWaitedFor(incident: Incident, kinds: readonly string[]): string[] {
  const book = incident.gates;
  const pending = kinds.filter(
    (kind) => !(book.waitingFor.has(kind as DecisionKind) && book.accepted.has(kind as DecisionKind)),
  );
  return pending.length ? pending : [...kinds];
}

/**
 * Applies a decision (`apply`), then, when it opened the gate the main flow waits at, returns only
 * once the main flow has moved on: the `decide` update's answer then shows the new phase.
 */
export async function settle(incident: Incident, kind: DecisionKind, apply: () => void): Promise<void> {
  const book = incident.gates;
  const waited = book.waitingFor.has(kind);
  apply();
  book.acceptedSeq += 1;
  const seq = book.acceptedSeq;
  if (waited && book.done?.()) await condition(() => book.processedSeq >= seq);
}

/** Who is asked: the role's holders, less those the gate's decision would have check themselves. */
function deciders(incident: Incident, role: Role, kinds: DecisionKind[]): Recipient[] {
  const holders = incident.recipients(role);
  const conflicted = new Set(
    kinds.flatMap((kind) => conflictsFor(incident.playbook, incident.state.decisions, kind).map((c) => c.personId)),
  );
  if (!holders.some((h) => h.id && conflicted.has(h.id))) return holders;
  if (!patched(SEPARATION_OF_DUTIES)) return holders;
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
function escalationTarget(
  incident: Incident,
  role: Role,
  kinds: DecisionKind[],
  patch: boolean,
): { to: Recipient[]; label: string } {
  const saop = { to: incident.recipients('ppgbChair'), label: 'the SAOP' };
  const stallers = new Set(deciders(incident, role, kinds).map((r) => r.id));
  const others = saop.to.filter((r) => !stallers.has(r.id));
  if (others.length === saop.to.length && role !== 'ppgbChair') return saop;
  if (patch && !patched(SEPARATION_OF_DUTIES)) return saop;
  if (others.length && role !== 'ppgbChair') return { to: others, label: 'the SAOP' };
  const finalAuthority = holdersOf(incident.playbook, 'underSecretary').filter((p) => !stallers.has(p.id));
  const privacyDivision = holdersOf(incident.playbook, 'privacyDivision').filter((p) => !stallers.has(p.id));
  return {
    to: [...finalAuthority, ...privacyDivision].map((p) => ({ id: p.id, name: p.name, email: p.email })),
    label: 'the final authority and the Privacy Division',
  };
}

/** What the deciders read besides the kinds: CGFS the costs to estimate; the PPGB and M the route and the estimate (468.5d). */
function askDetail(incident: Incident, role: Role): string | undefined {
  const { state, costBasis } = incident;
  if (role === 'cgfs')
    return costBasis.length ? `Costs to estimate (5 FAM 468.5d): ${costBasis.join('; ')}.` : undefined;
  if (role !== 'ppgbChair' && role !== 'ppgb' && role !== 'underSecretary') return undefined;
  const estimate =
    state.costEstimateUsd !== null
      ? `CGFS cost estimate (5 FAM 468.5d): USD ${state.costEstimateUsd}${costBasis.length ? ` for ${costBasis.join('; ')}` : ''}.`
      : undefined;
  return [state.route?.reason, estimate].filter(Boolean).join('\n') || undefined;
}

async function ask(incident: Incident, role: Role, kinds: DecisionKind[], reminder: number): Promise<void> {
  const { state } = incident;
  const expiresAt = Date.now() + incident.ms('gateEscalateAfter') + incident.ms('gateReminderInterval');
  const detail = askDetail(incident, role);
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

async function escalate(incident: Incident, role: Role, kinds: DecisionKind[]): Promise<void> {
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
