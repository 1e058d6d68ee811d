/**
 * The clocks of the waits (workflows/gates.ts): where each stands, and the one arithmetic its timer and
 * the UI's current details (workflows/details.ts) share; and the gates' bookkeeping they are kept in.
 * Used through workflows/gates.ts.
 */
import { condition } from '@temporalio/workflow';
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
 * share: at the earliest of them (at least 1 ms on), an escalation before a reminder due with it.
 */
export function nextGateStep(clock: ReminderClock, now: number): { at: number; step: ClockStep } {
  const elapsed = now - clock.opened;
  const untilEscalation = clock.escalated ? Infinity : clock.escalateAfter - elapsed;
  const untilReminder = clock.interval * (clock.reminders + 1) - elapsed;
  const untilDue = clock.due === undefined || clock.overdue ? Infinity : clock.due - now;
  const until = Math.min(untilReminder, untilEscalation, untilDue);
  return {
    at: now + Math.max(1, until),
    step: untilDue === until ? 'overdue' : untilEscalation <= untilReminder ? 'escalation' : 'reminder',
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

/** Waits until `done`, taking each step of the clock as its timer fires; true once done. */
export async function runClock(
  clock: ReminderClock,
  done: () => boolean,
  summary: (next: ClockStep) => string,
  act: (step: ClockStep) => Promise<unknown> | void,
): Promise<void> {
  for (;;) {
    const next = nextGateStep(clock, Date.now());
    if (await condition(done, next.at - Date.now(), { summary: summary(next.step) })) return;
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
