/**
 * Phase 8, notification (5 FAM 468.6): the letter approved by the notification official, the security
 * delay (468.6-3: wait until the stated date unless lifted, extended or turned into a bar), then the
 * roster notified by the means of 468.6-2 and one substitute notice for those who cannot be reached.
 */
import { isPatched } from './since-marker.js';
import {
  condition,
  executeChild,
  getExternalWorkflowHandle,
  setHandler,
  workflowInfo,
  type ApplicationFailure,
  type ChildWorkflowFailure,
} from '@temporalio/workflow';
import { endpoint, notifier } from './activities.js';
import { gate, hold, reanalysing, take } from './gates.js';
import { parseDuration } from '../domain/durations.js';
import type { Incident } from './incident-state.js';
import {
  notificationHoldSignal,
  notificationProgressSignal,
  notifyWorkflowId,
  type NotifyProgress,
  type NotifyRosterInput,
  type NotifyRosterResult,
} from './notify-messages.js';
import { holds, waitWhileHeld } from './delays.js';
import { keepRefused, postSubstitute } from './returns.js';
import { telephoneNotice } from './telephone-notice.js';
import { notifyRosterWorkflow } from './notify-roster.js';
import { failureMessage } from './background.js';
import { BATCHED_NOTIFICATION, TTY_RELAY_IN_LETTERS } from './patch-ids.js';
import { ttyRelayOf } from '../domain/playbook-terms.js';

export async function notification(incident: Incident): Promise<void> {
  const { state } = incident;
  incident.setPhase('notification-prep');
  incident.addItem('notification', 'notificationOfficial');
  const barred = () => state.delay?.barred === true;
  await gate(incident, 'notificationOfficial', ['approve-letter'], () => incident.letter !== null || barred());
  // A fact changed the finding before the letters went: back to the analysis (workflows/duty-flow.ts).
  if (reanalysing(incident)) return;
  take(incident, 'approve-letter');
  if (incident.rules468) {
    // 468.6-3: a delay holds until its date or its lifting; a bar until the security liaison lifts it.
    // A bar that came before the letter was approved still needs the letter: back to its gate.
    await waitWhileHeld(incident);
    if (!incident.letter) return notification(incident);
    await notifyRoster(incident);
    return;
  }

  // Older incidents: a delay holds until its date; a bar ends notification.
  await hold(incident, { barsHold: false });
  if (barred()) {
    incident.completeItem('notification', 'notification barred at the request of a security liaison (5 FAM 468.6-3b)');
    incident.log('notification-barred');
    incident.outcome = 'notification-barred';
    return;
  }
  await notifyRoster(incident);
}

async function notifyRoster(incident: Incident): Promise<void> {
  const { state, playbook } = incident;
  const approved = incident.letter!;
  incident.setPhase('notifying');
  state.notification = {
    letters: 0,
    emails: 0,
    substituteNotice: false,
    failed: 0,
    total: approved.roster.count,
    processed: 0,
  };
  incident.publish();
  // The run tells its progress now and then (workflows/notify-roster.ts); counts only ever grow.
  setHandler(notificationProgressSignal, (p: NotifyProgress) => {
    // Anyone with a client can send this signal: a payload that is not counts is ignored, never thrown.
    if (!isProgress(p)) return;
    if (!state.notification || p.processed < (state.notification.processed ?? 0)) return;
    state.notification = {
      ...state.notification,
      letters: p.letters,
      emails: p.emails,
      failed: p.failed,
      total: p.total,
      processed: p.processed,
    };
    incident.publish();
  });
  try {
    // 468.6-2c: immediate notice by telephone goes out beside the letters and emails (telephone-notice.ts).
    const calls = telephoneNotice(incident);
    const counts = isPatched(BATCHED_NOTIFICATION) ? await runBatches(incident) : await singleActivity(incident);
    await calls;
    state.notification = {
      ...state.notification,
      letters: counts.letters,
      emails: counts.emails,
      failed: counts.failed,
      processed: counts.processed,
    };
    if (counts.rosterLines !== undefined) state.notification.total = counts.rosterLines;
    incident.notificationFailures = counts.failures;
    keepRefused(incident, counts);
    if (incident.rules468 || counts.returned)
      state.notification = {
        ...state.notification,
        returned: (state.notification.returned ?? 0) + (counts.returned ?? 0),
        substituted: counts.substitute,
      };
    if (counts.substitute > 0 && incident.rules468) {
      await postSubstitute(incident);
    } else if (counts.substitute > 0) {
      // 468.6-2b: one substitute notice (web posting and media, with the toll-free number).
      await endpoint('Post the substitute notice').postSubstituteNotice({
        incidentId: state.incidentId,
        organization: playbook.organization,
        letter: approved.letter,
        affectedCount: counts.substitute,
        endpoint: playbook.endpoints.webPosting,
      });
      state.notification = { ...state.notification, substituteNotice: true };
    }
    incident.completeItem(
      'notification',
      `${counts.letters} letters, ${counts.emails} emails, ${counts.substitute} by substitute notice, ${counts.failed} failed`,
    );
    incident.log('notified', undefined, `${counts.letters} letters, ${counts.emails} emails, ${counts.failed} failed`);
    incident.outcome = 'notified';
  } catch (err) {
    // A roster that cannot be read or a vendor that refuses: an operator must act; the case stays open.
    const sent = (((err as ChildWorkflowFailure).cause as ApplicationFailure | undefined)?.details?.[0] ??
      undefined) as NotifyProgress | undefined;
    if (sent && state.notification)
      state.notification = {
        ...state.notification,
        letters: sent.letters,
        emails: sent.emails,
        failed: sent.failed,
        processed: sent.processed,
      };
    incident.log('notification-failed', undefined, failureMessage(err));
    incident.notificationFailed = true;
  } finally {
    incident.file.runFinished = true;
  }
}

/**
 * 468.6-3 while the letters go out: a delay or bar pauses the run at its next batch boundary, and its
 * end or lifting resumes it; the phase shows `notification-delayed` meanwhile.
 */
async function holdWhileSending(incident: Incident, finished: () => boolean): Promise<void> {
  const run = getExternalWorkflowHandle(notifyWorkflowId(workflowInfo().workflowId));
  for (;;) {
    await condition(() => finished() || holds(incident));
    if (finished()) return;
    await run.signal(notificationHoldSignal, { paused: true });
    incident.log('notification-paused', undefined, 'at the next batch boundary (5 FAM 468.6-3)');
    await waitWhileHeld(incident, finished);
    if (finished()) return;
    await run.signal(notificationHoldSignal, { paused: false });
    incident.setPhase('notifying');
    incident.log('notification-resumed');
  }
}

/** The roster in batches, in a child workflow of its own (workflows/notify-roster.ts). */
async function runBatches(incident: Incident): Promise<NotifyRosterResult> {
  if (!incident.rules468) return startBatches(incident);
  let finished = false;
  const running = startBatches(incident).finally(() => {
    finished = true;
  });
  const holding = holdWhileSending(incident, () => finished);
  const result = await running;
  await holding;
  if (incident.state.phase !== 'notifying') incident.setPhase('notifying');
  return result;
}

function startBatches(incident: Incident): Promise<NotifyRosterResult> {
  const { state, playbook } = incident;
  const approved = incident.letter!;
  return executeChild(notifyRosterWorkflow, {
    workflowId: notifyWorkflowId(workflowInfo().workflowId),
    staticSummary: 'Notify the affected individuals (5 FAM 468.6)',
    args: [
      {
        incidentId: state.incidentId,
        organization: playbook.organization,
        roster: approved.roster,
        letter: approved.letter,
        immediate: approved.immediate,
        mailVendor: playbook.endpoints.mailVendor,
        // Section 508 (468.6-2b): the letters and emails name the playbook's TTY/relay number.
        ...(isPatched(TTY_RELAY_IN_LETTERS) ? ttyRelayOf(playbook) : {}),
        batchSize: playbook.notification.batchSize,
        parallelBatches: playbook.notification.parallelBatches,
        ratePerSecond: playbook.notification.ratePerSecond,
        ...runTuning(incident),
      },
    ],
  });
}

/** The run's continue-as-new threshold and progress pace: the playbook's, else the run's defaults. */
function runTuning(incident: Incident): Pick<NotifyRosterInput, 'continueAsNewAfter' | 'progressEveryMs'> {
  const { continueAsNewAfter, progressEvery } = incident.playbook.notification;
  return {
    ...(continueAsNewAfter !== undefined ? { continueAsNewAfter } : {}),
    ...(progressEvery !== undefined ? { progressEveryMs: parseDuration(progressEvery) } : {}),
  };
}

/** Before batches: one activity over the whole roster. Kept so that incidents notifying at the upgrade replay. */
function singleActivity(incident: Incident) {
  const { state, playbook } = incident;
  const approved = incident.letter!;
  return notifier('Notify the affected individuals').notifyRange({
    incidentId: state.incidentId,
    organization: playbook.organization,
    roster: approved.roster,
    letter: approved.letter,
    immediate: approved.immediate,
    mailVendor: playbook.endpoints.mailVendor,
    fromLine: 0,
    letterBatch: playbook.notification.batchSize,
    ratePerSecond: playbook.notification.ratePerSecond,
  });
}

function isProgress(p: unknown): p is NotifyProgress {
  if (p === null || typeof p !== 'object') return false;
  const counts = p as Record<string, unknown>;
  return ['processed', 'letters', 'emails', 'failed', 'total'].every(
    (key) => typeof counts[key] === 'number' && Number.isFinite(counts[key]),
  );
}
