/**
 * Delays as 5 FAM 468.6-3 has them, for incidents under the 468.6 rules (`incident.rules468`):
 *
 * - a request states its reason and the requesting entity, both kept in the state and the record;
 * - a delay reaching beyond `timers.maxDelayWithoutReview` from its first request needs the PPGB Chair's
 *   acknowledgement that it does not unduly exacerbate the risk (468.6-3a: "Any delay should not unduly
 *   exacerbate risk or harm"; the PPGB "must be informed"). Until then it holds at the limit (a new
 *   request) or at its current date (an extension), and notification goes ahead when that passes;
 * - a delay or bar that comes while the letters go out pauses the run at its next batch boundary and
 *   resumes it when lifted or over (workflows/notification.ts);
 * - a bar holds until the security liaison lifts it (lift-delay), then notification goes ahead. Reading
 *   taken: 468.6-3b lets a bar stop notification, not end the case's duty to notify, so the case waits.
 */
import type { Decision } from '../domain/decision.js';
import { parseDuration } from '../domain/durations.js';
import type { DelayState } from '../domain/state.js';
import { mail } from './activities.js';
import { nowIso, type Incident } from './incident-state.js';
import { inBackground } from './background.js';
import { hold } from './gates.js';

const DEFAULT_MAX_DELAY = '30d';

function maxDelayMs(incident: Incident): number {
  // A playbook from before the timer existed (an incident's input is never re-parsed) has none.
  return parseDuration(
    (incident.playbook.timers as { maxDelayWithoutReview?: string }).maxDelayWithoutReview ?? DEFAULT_MAX_DELAY,
  );
}

/** Applies a delay decision under the new rules; false when the old rules apply (apply.ts). */
export function applyDelayDecision(incident: Incident, d: Decision): boolean {
  if (!incident.rules468) return false;
  const { state } = incident;
  const now = nowIso();
  switch (d.kind) {
    case 'request-delay':
    case 'extend-delay': {
      const current = state.delay;
      const since = current?.since ?? now;
      const limit = Date.parse(since) + maxDelayMs(incident);
      const base: DelayState = current ?? { notifyAfter: now, requestingEntity: '', barred: false };
      const requested = d.notifyAfter;
      const entity = d.kind === 'request-delay' ? d.requestingEntity : base.requestingEntity;
      const reason = d.kind === 'request-delay' ? d.reason : base.reason;
      if (Date.parse(requested) <= limit) {
        state.delay = {
          ...base,
          notifyAfter: requested,
          requestingEntity: entity,
          ...(reason ? { reason } : {}),
          since,
          pendingReview: null,
        };
      } else {
        // Beyond the limit: held at the limit (a new request) or where it is (an extension) until the Chair acknowledges.
        const held = d.kind === 'request-delay' ? new Date(limit).toISOString() : base.notifyAfter;
        state.delay = {
          ...base,
          notifyAfter: held,
          requestingEntity: entity,
          ...(reason ? { reason } : {}),
          since,
          pendingReview: { notifyAfter: requested, requestedBy: d.actorId, at: now },
        };
        incident.log(
          'delay-review-needed',
          undefined,
          `a delay until ${requested} is beyond ${incident.playbook.timers.maxDelayWithoutReview ?? DEFAULT_MAX_DELAY} from ${since}: the PPGB Chair's acknowledgement is needed (5 FAM 468.6-3a)`,
        );
      }
      return true;
    }
    case 'acknowledge-delay':
      if (state.delay?.pendingReview)
        state.delay = { ...state.delay, notifyAfter: state.delay.pendingReview.notifyAfter, pendingReview: null };
      return true;
    case 'lift-delay':
      state.delay = null;
      return true;
    case 'bar-notification':
      state.delay = {
        notifyAfter: state.delay?.notifyAfter ?? now,
        requestingEntity: state.delay?.requestingEntity ?? 'security liaison',
        barred: true,
        reason: d.reason,
        since: state.delay?.since ?? now,
        pendingReview: null,
      };
      return true;
    default:
      return false;
  }
}

/** Why a delay decision cannot be taken now under the new rules; undefined: the old checks apply. */
export function delayProblems(incident: Incident, d: Decision): string[] | undefined {
  if (!incident.rules468) return undefined;
  const { state } = incident;
  switch (d.kind) {
    case 'request-delay':
      if (state.delay && holds(incident))
        return [
          state.delay.barred ? 'notification is barred' : 'a delay already holds: use extend-delay or lift-delay',
        ];
      return Date.parse(d.notifyAfter) <= Date.now() ? ['notifyAfter: expected a future time (5 FAM 468.6-3a)'] : [];
    case 'lift-delay':
      // A bar is lifted by the security liaison too, and notification goes ahead (468.6-3b).
      return state.delay && holds(incident) ? [] : ['no delay or bar holds to lift'];
    case 'acknowledge-delay':
      return state.delay?.pendingReview ? [] : ["no delay waits for the PPGB Chair's acknowledgement"];
    default:
      return undefined;
  }
}

/** Whether a delay or a bar holds notification now. */
export function holds(incident: Incident): boolean {
  const delay = incident.state.delay;
  return delay !== null && (delay.barred || Date.parse(delay.notifyAfter) > Date.now());
}

/** After a delay decision: the PPGB Chair is asked to acknowledge a delay beyond the limit. */
export function afterDelayDecision(incident: Incident, d: Decision): void {
  const pending = incident.state.delay?.pendingReview;
  if (
    !incident.rules468 ||
    (d.kind !== 'request-delay' && d.kind !== 'extend-delay') ||
    !pending ||
    pending.at !== incident.file.decisions.at(-1)?.at
  )
    return;
  const { state } = incident;
  inBackground(incident, 'ask-ppgb-chair-delay-review', () =>
    mail('Ask the PPGB Chair to acknowledge a long delay').sendNotice({
      to: incident.recipients('ppgbChair'),
      notice: {
        template: 'decision-requested',
        incidentId: state.incidentId,
        role: 'ppgbChair',
        kinds: ['acknowledge-delay'],
        phase: state.phase,
        reminder: 0,
      },
      step: `delay-review-${state.timeline.length}`,
      link: {
        kind: 'acknowledge-delay',
        expiresAt: Date.now() + incident.ms('gateEscalateAfter') + incident.ms('gateReminderInterval'),
      },
    }),
  );
}

/**
 * Waits while a delay or bar holds (workflows/gates.ts `hold`), until it is lifted, extended and over,
 * or (a delay) its date passes; an expired delay is cleared so a later one can be asked for. `stop`
 * ends the wait early (the run finished meanwhile).
 */
export async function waitWhileHeld(incident: Incident, stop: () => boolean = () => false): Promise<void> {
  const { state } = incident;
  await hold(incident, { barsHold: true, stop });
  if (state.delay && !state.delay.barred && Date.parse(state.delay.notifyAfter) <= Date.now()) {
    state.delay = null;
    incident.log('delay-ended');
  }
}
