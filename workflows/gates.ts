/**
 * Every wait of an incident for a person or a date, in one module with one small state object
 * (GateBook), each with its clock in the UI's current details (workflows/details.ts):
 *   - `gate(...)`: a phase waits for a decision, reminding the role's holders every
 *     `gateReminderInterval` and escalating once after `gateEscalateAfter` (to the SAOP, the PPGB
 *     Chair, 5 FAM 468.2a); `timedGate(...)`: a window that ends on its own (468.5c);
 *   - `dueDate(...)`: an action item due by a date (the Congress notice of a major incident), with
 *     reminders, one escalation, and the overdue mark, beside the main flow;
 *   - `hold(...)`: notification held by a security delay or bar (468.6-3) until it ends or is lifted;
 *   - `timedWait(...)`: a wait on the system with a deadline (the records archive, 468.7).
 * A phase reads the decision with `take(...)`; the handlers hand accepted decisions over with
 * `settle(...)`; nothing else touches the bookkeeping, and only this module says what the incident
 * awaits (`Incident.await`). A timer races each message with a named outcome (docs/style.md 2). The
 * `decide` update that opens a gate returns after the main flow has moved on, so its answer shows the
 * new phase ("the update returns after the transition").
 */
import { isPatched } from './since-marker.js';
import { condition } from '@temporalio/workflow';
import type { Decision, DecisionKind, DecisionOf } from '../domain/decision.js';
import type { Role } from '../domain/roles.js';
import { inBackground } from './background.js';
import { ask, escalate, escalationTarget } from './gate-mail.js';
import type { Incident } from './incident-state.js';
import { runClock, type ClockStep, type GateBook, type GateClock, type ReminderClock } from './gate-clock.js';
import { GATE_MAIL_IN_BACKGROUND } from './patch-ids.js';

export { SEPARATION_OF_DUTIES } from './patch-ids.js';
export { nextGateStep, type ClockStep, type GateClock, type ReminderClock } from './gate-clock.js';

function send(incident: Incident, what: string, work: () => Promise<unknown>): Promise<unknown> {
  if (!isPatched(GATE_MAIL_IN_BACKGROUND)) return work();
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
  const clock: ReminderClock = {
    kind: 'reminders',
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
    await runClock(
      clock,
      done,
      // The timer's summary names its outcome, so the event history reads as the policy.
      (next) =>
        `${role} to decide ${kinds.join(' / ')}, else ${next === 'escalation' ? 'escalate to the SAOP' : `reminder ${clock.reminders + 1}`}`, // (the summary stays as recorded)
      (step) => {
        if (step === 'escalation') return send(incident, `escalate-${role}`, () => escalate(incident, role, kinds));
        incident.log(`reminder:${role}`, undefined, `reminder ${clock.reminders}: ${kinds.join(', ')}`);
        const reminder = clock.reminders;
        return send(incident, `remind-${role}`, () => ask(incident, role, kinds, reminder));
      },
    );
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

/**
 * A wait on the system, not a person, with a deadline (the records archive, 468.7): true when `done`
 * came in time, false when `within` ran out (the caller escalates: `whenOver` says to whom).
 */
export async function timedWait(
  incident: Incident,
  options: { within: number; summary: string; whenOver: string; done: () => boolean },
): Promise<boolean> {
  const book = incident.gates;
  book.clock = { kind: 'window', role: null, endsAt: Date.now() + options.within, what: options.whenOver };
  incident.showDetails();
  try {
    return await condition(options.done, options.within, { summary: options.summary });
  } finally {
    book.clock = null;
  }
}

/**
 * An action item due by a date, beside the main flow (the Congress notice of a major incident): the
 * owner is reminded every `gateReminderInterval`, the escalation goes out once after
 * `gateEscalateAfter`, and the item is marked overdue when it falls due undone; `onStep` logs and mails
 * each (in the background). Returns once `done`.
 */
export async function dueDate(
  incident: Incident,
  options: {
    item: string;
    role: Role;
    opened: number;
    /** Absent for an open action item's owner (workflows/item-owners.ts): reminders and escalation only. */
    due?: number;
    what: string;
    escalateTo: string;
    summary: string;
    done: () => boolean;
    onStep: (step: ClockStep, reminders: number) => void;
  },
): Promise<void> {
  const clock: ReminderClock = {
    kind: 'reminders',
    role: options.role,
    opened: options.opened,
    reminders: 0,
    escalated: false,
    interval: incident.ms('gateReminderInterval'),
    escalateAfter: incident.ms('gateEscalateAfter'),
    escalateTo: options.escalateTo,
    ...(options.due === undefined ? {} : { due: options.due, overdue: false }),
    what: options.what,
  };
  const book = incident.gates;
  book.dueDates.set(options.item, clock);
  incident.showDetails();
  try {
    await runClock(
      clock,
      options.done,
      () => options.summary,
      (step) => options.onStep(step, clock.reminders),
    );
  } finally {
    // A replaced item's clock ends after its successor's began: it leaves the successor's entry.
    if (book.dueDates.get(options.item) === clock) book.dueDates.delete(options.item);
    incident.showDetails();
  }
}

/**
 * Notification held (5 FAM 468.6-3): while a delay's date is ahead (or, `barsHold`, a bar stands) the
 * phase is `notification-delayed` and the security liaison is awaited, until the hold changes (lifted,
 * extended, barred) or its date passes; `stop` ends it early (the run finished meanwhile). A bar has
 * no timer: the case waits for the security liaison (reminders come from nobody: the bar is theirs).
 */
export async function hold(incident: Incident, options: { barsHold: boolean; stop?: () => boolean }): Promise<void> {
  const { state } = incident;
  const stop = options.stop ?? (() => false);
  const holding = () => {
    const delay = state.delay;
    return delay !== null && (delay.barred ? options.barsHold : Date.parse(delay.notifyAfter) > Date.now());
  };
  const book = incident.gates;
  while (holding() && !stop()) {
    incident.setPhase('notification-delayed');
    const held = state.delay!;
    book.clock = {
      kind: 'hold',
      role: 'securityLiaison',
      endsAt: held.barred ? null : Date.parse(held.notifyAfter),
      what: 'the security delay ends and notification goes out (5 FAM 468.6-3)',
    };
    incident.await(
      'securityLiaison',
      held.barred ? ['lift-delay'] : ['extend-delay', 'lift-delay', 'bar-notification'],
    );
    const changed = () => state.delay !== held || stop();
    try {
      if (held.barred) await condition(changed);
      else
        await condition(changed, Math.max(1, Date.parse(held.notifyAfter) - Date.now()), {
          summary: 'Security delay (5 FAM 468.6-3)',
        });
    } finally {
      book.clock = null;
    }
    incident.await(null, []);
  }
}

/** The decision a gate waited for, handed to the phase once (a later gate of the same kind waits anew). */
export function take<K extends DecisionKind>(incident: Incident, kind: K): DecisionOf<K> | undefined {
  const decision = incident.gates.accepted.get(kind) as DecisionOf<K> | undefined;
  incident.gates.accepted.delete(kind);
  return decision;
}

/** The main flow's wait's clock, for the display (workflows/details.ts); null when it waits for nothing. */
export function openGateClock(incident: Incident): GateClock | null {
  return incident.gates.clock;
}

/**
 * Whether the main flow's open gate reminds `role` for `kind` (the remediation gate, workflows/closure.ts):
 * an item's owner is then reminded by the gate alone (workflows/item-owners.ts), one reminder per wait.
 */
export function gateReminds(incident: Incident, role: Role, kind: DecisionKind): boolean {
  const book = incident.gates;
  return book.clock?.kind === 'reminders' && book.clock.role === role && book.waitingFor.has(kind);
}

/** The due dates running beside the main flow, for the display. */
export function runningDueDates(incident: Incident): ReminderClock[] {
  return [...incident.gates.dueDates.values()];
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
