/**
 * Every activity's time-outs and retry policy, in one place (docs/reliability.md "Time-outs and retries"); the
 * docs/reliability.md carries the same table.
 *
 * | activity                             | start-to-close              | heartbeat | retry (all unlimited)       | non-retryable                                   |
 * | ------------------------------------ | --------------------------- | --------- | --------------------------- | ----------------------------------------------- |
 * | sendNotice (mail to officials)       | 1 minute                    | none      | 2 s, ×2, at most 5 minutes  | none                                            |
 * | sendNotice, local (no one waits)     | 10 s                        | none      | none: then as the activity  | none                                            |
 * | callEndpoint, postSubstituteNotice   | endpoint `timeout` + 10 s   | none      | 2 s, ×2, at most 5 minutes  | EndpointRejected, EndpointMisconfigured         |
 * | notifyRange (one batch of the roster)| 24 hours                    | 20 s      | 5 s, ×2, at most 5 minutes  | EndpointRejected, EndpointMisconfigured, RosterUnreadable |
 * | callRoster (calls, 468.6-2c)         | 24 hours                    | 20 s      | 5 s, ×2, at most 5 minutes  | EndpointMisconfigured, RosterUnreadable (a call: 4 tries, then failed) |
 *
 * Why these values:
 * - No maximumAttempts and no schedule-to-close anywhere. An incident stays open for months and a
 *   report, a mail or a letter given up on is lost ("keep trying to deliver", docs/lifecycle.md phase 1).
 *   What retrying cannot fix fails at once instead (the non-retryable types), and the workflow turns
 *   it into an escalation mail and a timeline entry (workflows/reporting.ts `deliver`).
 * - Backoff from 2 s doubling to 5 minutes: a blip costs seconds; a long outage costs one attempt per
 *   step every 5 minutes (12 an hour), never a retry storm against a server that is already down.
 * - Start-to-close is not a budget for slow work but how long a *lost* attempt (its worker killed, the
 *   network cut) holds its step before Temporal gives it to another worker. So it is the longest a
 *   healthy attempt can take, plus a margin:
 *   - mail: one SMTP exchange (nodemailer gives up after 10 s to connect, 10 s to greet, 30 s idle);
 *     a message to a group, or one per person for the few people a gate asks, fits in a minute;
 *   - endpoints: the playbook's `timeout` (default 10 s) bounds the whole HTTP exchange, body included
 *     (activities/http.ts), so a worker killed mid-call delays the one-hour report by that plus 10 s
 *     (before: a fixed 2 minutes, whatever the endpoint's own time-out);
 *   - notification batches run for long at a low rate: the 20 s heartbeat time-out is what notices a
 *     lost worker (a batch heartbeats several times a second while it sends, every 2 s while it
 *     waits), and the retry resumes from the last heartbeat (activities/notify.ts).
 * - Retried: 5xx, 408, 429, network errors and time-outs of endpoints (EndpointUnavailable); every mail
 *   error (MailNotSent, security/redact.ts), since a relay that refuses now usually accepts later.
 *   Final: any other 4xx (EndpointRejected: our request or our credentials are wrong, and an operator
 *   must act), a token variable that is not set (EndpointMisconfigured), a roster that cannot be read
 *   (RosterUnreadable).
 * - Gates do not wait for their mail: a gate's ask, reminders and escalation go out in the background
 *   (workflows/gates.ts), so a mail server that is down delays mail, never a decision.
 * - A notice no one waits on (a reminder, an escalation, an ask no decision brought: `mail`) is first
 *   tried once as a local activity, 10 s start-to-close, in its workflow task; if that attempt fails it
 *   goes as the sendNotice activity above, with its retries.
 */
import { isPatched } from './since-marker.js';
import {
  allHandlersFinished,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type { BreachActivities, SendNoticeInput } from '../activities/index.js';
import { BreachCaseNumber } from '../domain/search-attributes.js';
import { parseDuration } from '../domain/durations.js';
import { DEFAULT_ENDPOINT_TIMEOUT_MS } from '../domain/playbook-terms.js';
import type { Endpoint } from '../domain/playbook.js';
import { DEADLINE_PRIORITY_PATCH, LOCAL_NOTICE } from './patch-ids.js';

export const NON_RETRYABLE = ['EndpointRejected', 'EndpointMisconfigured', 'RosterUnreadable'];

const BACKOFF = { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5 minutes' } as const;

export const MAIL_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { ...BACKOFF },
};

/** Beyond the endpoint's own HTTP time-out, before an attempt counts as lost. */
export const ENDPOINT_MARGIN_MS = 10_000;

export const ENDPOINT_OPTIONS: ActivityOptions = {
  // For a call without its endpoint at hand: the longest time-out a playbook is expected to give.
  startToCloseTimeout: '2 minutes',
  retry: { ...BACKOFF, nonRetryableErrorTypes: NON_RETRYABLE },
};

export const NOTIFY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '24 hours',
  heartbeatTimeout: '20 seconds',
  retry: {
    initialInterval: '5s',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
  // Through the task queue, so that every worker's pollers take batches: dispatched eagerly, every batch
  // went to the worker that ran the run's workflow task, and a second worker sent nothing (seen in
  // tests/scale/two-workers.test.ts). Only a flag of the schedule command: replay does not compare it.
  allowEagerDispatch: false,
};

/** Start-to-close of a call to this endpoint: its HTTP time-out plus the margin. */
export function endpointStartToClose(target: Endpoint): number {
  return (target.timeout ? parseDuration(target.timeout) : DEFAULT_ENDPOINT_TIMEOUT_MS) + ENDPOINT_MARGIN_MS;
}

/**
 * Activities with a summary, so the event history reads as the policy ("Report to US-CERT"). Notices
 * name the case by its number (activities/templates.ts): the search attribute BreachCaseNumber, set when
 * the incident started and never changed, so every replay reads the same. Only the activity's input
 * changes, which replay does not compare: no patch.
 *
 * A notice no one waits on (`noOneWaits`) is tried first as a local activity (`LOCAL_NOTICE_OPTIONS`).
 */
export function mail(summary: string): BreachActivities {
  const activities = proxyActivities<BreachActivities>({ ...MAIL_OPTIONS, summary });
  const numbered = numbering();
  const sendNotice: BreachActivities['sendNotice'] = (input) =>
    noOneWaits() ? locallyFirst(summary, numbered(input), activities) : activities.sendNotice(numbered(input));
  const sendNotices: BreachActivities['sendNotices'] = (input) =>
    activities.sendNotices({ notices: input.notices.map(numbered) });
  // The proxy of proxyActivities makes each activity on demand: wrap it, not a copy of its (no) keys.
  return new Proxy(activities, {
    get: (target, name, receiver) =>
      name === 'sendNotice' ? sendNotice : name === 'sendNotices' ? sendNotices : Reflect.get(target, name, receiver),
  });
}

/** Names the case by its number in a notice, once the incident has one. */
function numbering(): (input: SendNoticeInput) => SendNoticeInput {
  const caseNumber = workflowInfo().typedSearchAttributes.get(BreachCaseNumber);
  if (!caseNumber) return (input) => input;
  return (input) => ({ ...input, notice: { ...input.notice, caseNumber } });
}

/**
 * The history length of the workflow task in which an update was last answered (`answering`): module
 * state of the workflow's own module scope (workflows/ is never preloaded, workers/preload.ts), set by
 * the update's handler as it returns, so replay sets it at the same point.
 */
let answeredIn = -1;

/** Called by an update's handler as it returns: its answer goes out with this workflow task. */
export function answering(): void {
  answeredIn = workflowInfo().historyLength;
}

/**
 * Whether no one waits on the workflow task this notice is sent in: no update or signal handler is
 * running, and none answered in this task (an answer goes out with the task; `historyLength` is the
 * same in every activation of one task). So: a gate's reminder and escalation and an owner's (their timer
 * woke the task), the triage gate's ask once the report is delivered. Not a notice sent while a decision
 * is applied (the next gate's ask, the CRG told, the PPGB told of a delay): the update's answer goes with
 * the task, and would wait for the mail server. An update the validator refuses in a task that also runs
 * a local notice waits for it too (a validator may not change the workflow's state, so it cannot say).
 * Only the incident workflow sends notices. Patch `localNotice`.
 */
function noOneWaits(): boolean {
  return allHandlersFinished() && answeredIn !== workflowInfo().historyLength && isPatched(LOCAL_NOTICE);
}

/**
 * One attempt in the workflow task, bounded: a local activity holds its task open (what the task
 * schedules, and a decision that comes meanwhile, wait for it), so a mail server that hangs holds it
 * 10 s at most before the activity takes over.
 */
export const LOCAL_NOTICE_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 1 },
};

/**
 * A notice sent as a local activity costs the history one marker, where the activity costs three events
 * and the workflow task of its completion (docs/performance.md "Notices no one waits on"). If that one
 * attempt fails (the mail server down or slow), the notice goes as the activity, retried as long as it
 * takes; the step, and so the Message-ID, is the same.
 */
async function locallyFirst(
  summary: string,
  input: SendNoticeInput,
  activities: BreachActivities,
): Promise<{ sent: number }> {
  const local = proxyLocalActivities<BreachActivities>({ ...LOCAL_NOTICE_OPTIONS, summary });
  try {
    return await local.sendNotice(input);
  } catch (err) {
    if (isCancellation(err)) throw err;
    return activities.sendNotice(input);
  }
}

export function endpoint(summary: string, target?: Endpoint) {
  return proxyActivities<BreachActivities>({
    ...ENDPOINT_OPTIONS,
    ...(target ? { startToCloseTimeout: endpointStartToClose(target) } : {}),
    summary,
  });
}

/**
 * Work with a legal deadline first: the one-hour report (5 FAM 468.3b(1)) and the OIG referral
 * (468.3b(2)) are dispatched ahead of notices, reminders and notification batches on the shared task
 * queue (Temporal task priority: 1 is the highest, the default is 3). Under a burst of reports the
 * matching service hands these tasks to the next free activity slot before any of the mail queued
 * with them. A priority rather than a task queue of their own: every worker serves them, with no second
 * poller to deploy, size and keep alive (patch `deadlinePriority`, workflows/patches.ts).
 */
export const DEADLINE_PRIORITY = { priorityKey: 1 } as const;

export function deadlineEndpoint(summary: string, target: Endpoint) {
  const priority = isPatched(DEADLINE_PRIORITY_PATCH) ? { priority: DEADLINE_PRIORITY } : {};
  return proxyActivities<BreachActivities>({
    ...ENDPOINT_OPTIONS,
    startToCloseTimeout: endpointStartToClose(target),
    summary,
    ...priority,
  });
}

export function notifier(summary: string) {
  return proxyActivities<BreachActivities>({ ...NOTIFY_OPTIONS, summary });
}
