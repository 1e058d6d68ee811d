/**
 * The incident after triage under the duty rules (docs/lifecycle.md "Duties"): a case ends only when
 * what it owes is done (domain/duties.ts).
 * - Not convening the CRG is the IPS Director's call (467.4-2a); the analysis is not: its chair records
 *   the six factors (468.4) and the finding takes the route of 468.5 like any other.
 * - A fact that changes the finding's inputs before notification is done sends the case back to the
 *   analysis, from whatever gate it waits at (workflows/duty-rules.ts, workflows/gates.ts `reanalysing`).
 * - CGFS is consulted whenever a costed measure is decided (468.5d), also when the final authority
 *   decides to notify against the recommendation.
 * - Notification is discharged only by a run: a failed run goes back to `notification-prep` for a
 *   corrected letter; the people a run did not reach and those the roster lacks go into the substitute
 *   notice (468.6-2b) unless the notification official reconciled the count (`reconcile-roster`).
 * - After the last letter the case waits `timers.returnsWindow` before the sign-off is asked for, so a
 *   returned letter still reaches the next means or the substitute notice (468.6-2a/b).
 */
import { condition } from '@temporalio/workflow';
import { costBasis } from '../domain/costs.js';
import type { CaseSummary } from '../domain/state.js';
import { parseDuration } from '../domain/durations.js';
import { afterResponsePhase, close, untilSignedOff } from './closure.js';
import { gate, reanalysing, take } from './gates.js';
import { nowIso, type Incident } from './incident-state.js';
import { liaisonNotices } from './liaison.js';
import { notification } from './notification.js';
import { analysed, triage } from './response.js';
import { postSubstitute } from './returns.js';
import { latestAnalysis } from './case-file.js';

export async function dutyFlow(incident: Incident): Promise<CaseSummary> {
  const convened = await triage(incident);
  if (convened === 'declined')
    incident.log(
      'analysis-without-crg',
      undefined,
      'The CRG is not convened (5 FAM 467.4-2a): its chair, the IPS Director, records the six factors of 468.4, and the finding takes the route of 468.5.',
    );
  let tell = convened === 'convened';
  for (;;) {
    const next = await analysed(incident, tell);
    tell = false;
    if (next === 'notify') {
      await costOfDecision(incident);
      if (!reanalysing(incident)) await notifyUntilRun(incident);
      if (reanalysing(incident)) continue;
      if (incident.outcome === 'notified') liaisonNotices(incident);
    }
    // A finding of minimal risk goes to closure review at once, as before: its sign-off waits for every duty.
    const start = next === 'closure-review' ? 'closure-review' : afterResponsePhase(incident);
    if (await untilSignedOff(incident, start, () => returnsWindow(incident))) return close(incident);
  }
}

/** 468.5d: a decision to notify that costs what the analysis did not (mail at scale) asks CGFS first. */
async function costOfDecision(incident: Incident): Promise<void> {
  const analysis = latestAnalysis(incident.file);
  if (!analysis) return;
  const basis = costBasis(
    {
      options: [...new Set([...analysis.options, 'notify-individuals' as const])],
      costedMeasures: analysis.costedMeasures,
    },
    incident.report.affectedCount,
    incident.playbook,
  );
  const covered = incident.file.duty.costEstimatedFor ?? [];
  const fresh = basis.filter((b) => !covered.includes(b));
  if (fresh.length === 0) return;
  incident.costBasis = basis;
  incident.setPhase('cost-consultation');
  incident.log('cost-consultation-asked', undefined, `${fresh.join('; ')} (decided after the analysis, 5 FAM 468.5d)`);
  await gate(incident, 'cgfs', ['cost-estimate']);
  take(incident, 'cost-estimate');
}

/** 468.6: notification until a run has reached everyone or counted them into the substitute notice. */
async function notifyUntilRun(incident: Incident): Promise<void> {
  const { state, file } = incident;
  for (;;) {
    await notification(incident);
    if (reanalysing(incident)) return;
    if (incident.notificationFailed) {
      const why =
        [...state.timeline].reverse().find((t) => t.event === 'notification-failed')?.detail ?? 'the run failed';
      file.duty.run = { status: 'failed', detail: why, at: nowIso() };
      incident.notificationFailed = false;
      incident.letter = null;
      incident.log(
        'notification-returned-to-prep',
        undefined,
        `The run failed (${why}): the notification official approves a corrected letter and roster, and the run starts again (5 FAM 468.6).`,
      );
      continue;
    }
    if (incident.outcome !== 'notified') return;
    await countUnreached(incident);
    const n = state.notification!;
    file.duty.run = {
      status: 'done',
      at: nowIso(),
      detail: `run reached ${n.letters} by letter, ${n.emails} by email; ${n.substituted ?? 0} counted into the substitute notice`,
    };
    file.duty.lastLetterAt = nowIso();
    incident.publish();
    return;
  }
}

/**
 * 468.6-2b: lines the run could not use (not a person, or no means that worked) and the people the roster
 * lacks against the affected count go into the substitute notice; the shortfall stays out only when the
 * notification official recorded the reconciliation.
 */
async function countUnreached(incident: Incident): Promise<void> {
  const { state, file } = incident;
  const n = state.notification!;
  const lines = n.total ?? n.processed ?? 0;
  const shortfall = file.duty.reconciled ? 0 : Math.max(0, incident.report.affectedCount - lines);
  const unreached = n.failed;
  if (unreached === 0 && shortfall === 0) return;
  const listed = incident.notificationFailures
    .slice(0, 20)
    .map((f) => `line ${f.line}: ${f.reason}`)
    .join('; ');
  state.notification = { ...n, substituted: (n.substituted ?? 0) + unreached + shortfall };
  incident.log(
    'substitute-counted',
    undefined,
    `${unreached} roster lines not reached${listed ? ` (${listed})` : ''}; ${shortfall} people the roster lacks against ${incident.report.affectedCount} affected (5 FAM 468.6-2b)`,
  );
  await postSubstitute(incident);
}

/** 468.6-2a/b: returns are awaited for `timers.returnsWindow` after the last letter before the sign-off. */
async function returnsWindow(incident: Incident): Promise<void> {
  const window = incident.playbook.timers.returnsWindow;
  const last = incident.file.duty.lastLetterAt;
  if (!window || !last) return;
  const due = Date.parse(last) + parseDuration(window);
  if (due <= Date.now()) return;
  incident.setPhase('remediation');
  incident.log('returns-window-open', undefined, `until ${new Date(due).toISOString()} (5 FAM 468.6-2a/b)`);
  await condition(() => false, due - Date.now(), {
    summary: 'Returns window after the last letter (5 FAM 468.6-2a/b)',
  });
  incident.log('returns-window-ended');
}
