/**
 * The clocks of the waits (workflows/gates.ts): where each stands, and the one arithmetic its timer and
 * the UI's current details (workflows/details.ts) share; and the gates' bookkeeping they are kept in.
 * Used through workflows/gates.ts.
 */
import { condition } from '@temporalio/workflow';
import { CLOCK_STEP_DUE_AT_ONCE } from './patch-ids.js';
import { isPatched } from './since-marker.js';
import type { Decision, DecisionKind } from '../domain/decision.js';
import type { Role } from '../domain/roles.js';

/** A clock that reminds every `interval` and escalates once after `escalateAfter`; a due date also falls due. */
export interface ReminderClock {
  kind: 'reminders';
  role: Role;
  opened: number;
  reminders: number;
  escalated: boolean;
  interval: number;
  escalateAfter: number;
  escalateTo: string;
  /** A due date's (dueDate): when it falls due, and whether it has. */
  due?: number;
  overdue?: boolean;
  /** A due date's: what is due, for the display. */
  what?: string;
}

/** Where a wait's clock stands: what the display shows next (workflows/details.ts). */
export type GateClock =
  | ReminderClock
  /** A window that ends on its own (timedGate, timedWait); `role` null: the wait is on the system. */
  | { kind: 'window'; role: Role | null; endsAt: number; what: string }
  /** A security delay (`endsAt` its date) or a bar (`endsAt` null: until lifted). */
  | { kind: 'hold'; role: Role; endsAt: number | null; what: string };

export type ClockStep = 'reminder' | 'escalation' | 'overdue';

/**
 * The next reminder, escalation or due date of a clock, the one arithmetic the timers and the display
 * share: at the earliest of them (at least 1 ms on), an escalation before a reminder due with it;
 * `alreadyDue` when its time is now or past (a reminder due with the escalation just taken).
 */
export function nextGateStep(clock: ReminderClock, now: number): { at: number; step: ClockStep; alreadyDue: boolean } {
  const elapsed = now - clock.opened;
  const untilEscalation = clock.escalated ? Infinity : clock.escalateAfter - elapsed;
  const untilReminder = clock.interval * (clock.reminders + 1) - elapsed;
  const untilDue = clock.due === undefined || clock.overdue ? Infinity : clock.due - now;
  const until = Math.min(untilReminder, untilEscalation, untilDue);
  return {
    at: now + Math.max(1, until),
    step: untilDue === until ? 'overdue' : untilEscalation <= untilReminder ? 'escalation' : 'reminder',
    alreadyDue: until <= 0,
  };
}

/** Which step a clock's timer fired for, counted on the clock: the due date first, then the escalation. */
function stepTaken(clock: ReminderClock, now: number): ClockStep {
  if (clock.due !== undefined && !clock.overdue && now >= clock.due) {
    clock.overdue = true;
    return 'overdue';
  }
  if (!clock.escalated && now - clock.opened >= clock.escalateAfter) {
    clock.escalated = true;
    return 'escalation';
  }
  clock.reminders += 1;
  return 'reminder';
}

/**
 * Waits until `done`, taking each step of the clock as its timer fires; true once done. A step already
 * due is taken at once, with no timer: before the patch it waited on a 1 ms timer (three timers, three
 * workflow tasks and 15 events in the S1 chain, where an owner's reminder falls due with the escalation).
 */
export async function runClock(
  clock: ReminderClock,
  done: () => boolean,
  summary: (next: ClockStep) => string,
  act: (step: ClockStep) => Promise<unknown> | void,
): Promise<void> {
  for (;;) {
    const next = nextGateStep(clock, Date.now());
    // Asked only for a step already due: an incident from before asks it where the 1 ms timer was.
    if (next.alreadyDue && isPatched(CLOCK_STEP_DUE_AT_ONCE)) {
      if (done()) return;
    } else if (await condition(done, next.at - Date.now(), { summary: summary(next.step) })) return;
    await act(stepTaken(clock, Date.now()));
  }
}

/** The gate bookkeeping of one incident (Incident.gates). Read and written by workflows/gates.ts only. */
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
  /** The main flow's wait: the open gate, the hold or the timed wait. */
  clock: GateClock | null = null;
  /** Due dates running beside the main flow, by action item. */
  readonly dueDates = new Map<string, ReminderClock>();

  /** A phase transition (Incident.setPhase) answers every decision accepted so far. */
  transitioned(): void {
    this.processedSeq = this.acceptedSeq;
  }
}
