/**
 * The gate's clock (workflows/gates.ts `nextGateStep`): the one arithmetic the gate's timer and the
 * UI's next deadline (workflows/details.ts) share. Pure, so it runs here outside the sandbox.
 */
import { describe, expect, it } from 'vitest';
import { nextGateStep, type GateClock } from '../../workflows/gates.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
type Clock = Extract<GateClock, { kind: 'reminders' }>;
const clock = (changes: Partial<Clock> = {}): Clock => ({
  kind: 'reminders',
  role: 'ipsDirector',
  opened: 0,
  reminders: 0,
  escalated: false,
  interval: DAY,
  escalateAfter: 5 * DAY,
  escalateTo: 'the SAOP',
  ...changes,
});

/** Runs the gate's loop as gates.ts does, without decisions: what fires, and when. */
function steps(c: Clock, until: number): { at: number; step: string }[] {
  const fired: { at: number; step: string }[] = [];
  let now = c.opened;
  while (now < until) {
    const next = nextGateStep(c, now);
    // A step already due is taken at once (workflows/gate-clock.ts runClock), else when its timer fires.
    if (!next.alreadyDue) now = next.at;
    if (!c.escalated && now - c.opened >= c.escalateAfter) {
      c.escalated = true;
      fired.push({ at: now, step: 'escalation' });
    } else {
      c.reminders += 1;
      fired.push({ at: now, step: `reminder ${c.reminders}` });
    }
  }
  return fired;
}

describe('nextGateStep', () => {
  it('468.2a: a reminder every interval, the escalation to the SAOP once at gateEscalateAfter, reminders after it', () => {
    expect(steps(clock(), 7 * DAY)).toEqual([
      { at: DAY, step: 'reminder 1' },
      { at: 2 * DAY, step: 'reminder 2' },
      { at: 3 * DAY, step: 'reminder 3' },
      { at: 4 * DAY, step: 'reminder 4' },
      { at: 5 * DAY, step: 'escalation' },
      // The reminder due with the escalation follows it at once (the gate's order since it was written),
      // with no timer between (before the clockStepDueAtOnce patch, a 1 ms one).
      { at: 5 * DAY, step: 'reminder 5' },
      { at: 6 * DAY, step: 'reminder 6' },
      { at: 7 * DAY, step: 'reminder 7' },
    ]);
  });

  it('468.2a: an escalation sooner than the first reminder comes first', () => {
    expect(nextGateStep(clock({ interval: 2 * DAY, escalateAfter: DAY }), 0)).toEqual({
      at: DAY,
      step: 'escalation',
      alreadyDue: false,
    });
  });

  it('a step whose time has come reads as already due, its `at` 1 ms on for the display', () => {
    const c = clock({ reminders: 4, escalated: true });
    expect(nextGateStep(c, 5 * DAY)).toEqual({ at: 5 * DAY + 1, step: 'reminder', alreadyDue: true });
    expect(nextGateStep(c, 5 * DAY - 1).alreadyDue).toBe(false);
  });

  it('the display reads the same next step as the timer, from any moment in between', () => {
    const c = clock({ reminders: 2 });
    expect(nextGateStep(c, 2 * DAY + HOUR)).toEqual({ at: 3 * DAY, step: 'reminder', alreadyDue: false });
    expect(nextGateStep(clock({ reminders: 4 }), 4 * DAY + HOUR)).toEqual({
      at: 5 * DAY,
      step: 'escalation',
      alreadyDue: false,
    });
  });
});
