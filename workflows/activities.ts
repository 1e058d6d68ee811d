/**
 * Every activity's time-outs and retry policy, in one place (issue 8 "Timeouts and retries").
 *
 * - Mail to officials: short start-to-close (one SMTP exchange), retried without limit with backoff
 *   capped at 5 minutes: a mail server that is down for a while delays mail, never loses it.
 * - External endpoints: the call carries its own HTTP timeout (playbook `timeout`); the retry
 *   policy retries 5xx, 408, 429, time-outs and network errors without limit ("keep trying to
 *   deliver", LIFECYCLE.md phase 1) with backoff capped at 5 minutes; a 4xx (EndpointRejected) or a
 *   missing token (EndpointMisconfigured) is final, and the workflow turns it into an escalation.
 * - Notification of the roster, one batch of lines each (workflows/notify-roster.ts): long
 *   start-to-close (a batch at a low playbook rate takes long), a heartbeat time-out of 20 seconds so a
 *   dead worker's batches move to another worker soon (a batch heartbeats several times a second while
 *   it sends, and every 2 seconds while it waits), and a retry that resumes from the heartbeat
 *   (activities/notify.ts).
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { BreachActivities } from '../activities/index.js';

export const NON_RETRYABLE = ['EndpointRejected', 'EndpointMisconfigured', 'RosterUnreadable'];

export const MAIL_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5 minutes' },
};

export const ENDPOINT_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: NON_RETRYABLE },
};

export const NOTIFY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '24 hours',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: NON_RETRYABLE },
};

/** Activities with a summary, so the event history reads as the policy ("Report to US-CERT"). */
export function mail(summary: string) {
  return proxyActivities<BreachActivities>({ ...MAIL_OPTIONS, summary });
}

export function endpoint(summary: string) {
  return proxyActivities<BreachActivities>({ ...ENDPOINT_OPTIONS, summary });
}

export function notifier(summary: string) {
  return proxyActivities<BreachActivities>({ ...NOTIFY_OPTIONS, summary });
}
