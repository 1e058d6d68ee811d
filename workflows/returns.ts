/**
 * People the notice did not reach (5 FAM 468.6-2a/b). A letter the mail vendor reports undeliverable
 * or an email bounce reported back (POST /vendor/returns → the `noticesReturned` signal) makes the
 * person's contact information "insufficient or out of date": they count as `returned`, are notified
 * again by the next means they have (an email after a returned letter, a letter after a bounced email;
 * activities/resend.ts reads their roster line), and when none is left they count into the substitute
 * notice, which is posted, or updated with the new count. Lines and counts only: the person's data is
 * read by the activity from the roster and never enters the history.
 */
import { isPatched } from './since-marker.js';
import { condition } from '@temporalio/workflow';
import type { NoticeReturn } from '../domain/returns.js';
import { ttyRelayOf } from '../domain/playbook-terms.js';
import { endpoint, notifier } from './activities.js';
import { mediaNotice } from './media-notice.js';
import type { Incident } from './incident-state.js';
import { inBackground } from './background.js';
import { NOTICE_RETURNS, TTY_RELAY_IN_LETTERS } from './patch-ids.js';

/** Lines handed to one resend activity. */
const RESEND_BATCH = 1_000;

const MEANS = new Set(['letter', 'email']);

/** The signal's handler: queue what is new; a payload that is not returns is ignored, never thrown. */
export function receiveReturns(incident: Incident, payload: { returns: NoticeReturn[] }): void {
  const returns = Array.isArray(payload?.returns) ? payload.returns : [];
  const { file, state } = incident;
  if (!incident.letter || !state.notification) {
    incident.log('notices-returned-ignored', undefined, `${returns.length} returns before any notice went out`);
    return;
  }
  let added = 0;
  for (const r of returns) {
    if (!r || !Number.isInteger(r.line) || r.line < 0 || !MEANS.has(r.means)) continue;
    const entry = file.returned.get(r.line) ?? { returned: [], resent: [], substituted: false };
    if (entry.returned.filter((m) => m === r.means).length > entry.resent.filter((m) => m === r.means).length) continue; // already known
    entry.returned.push(r.means);
    file.returned.set(r.line, entry);
    file.returnsQueue.push({ line: r.line, means: r.means });
    added += 1;
  }
  state.notification = { ...state.notification, returned: (state.notification.returned ?? 0) + added };
  incident.log(
    'notices-returned',
    undefined,
    `${added} returned (${returns.length - added} already known or not valid)`,
  );
  if (added > 0 && !file.resending) {
    file.resending = true;
    inBackground(incident, 'resend-returned', () => resendLoop(incident));
  }
}

/**
 * Emails refused during the roster run (SMTP 5xx) are already returned and, without a letter, counted into
 * the substitute notice: they are kept by line here, so that a later bounce or returned letter for the
 * same person counts them once (468.6-2a/b). Workflow memory only (the lines come in the run's result).
 */
export function keepRefused(
  incident: Incident,
  counts: { returned?: number; refused?: (number | { line: number; letter: boolean })[]; refusedWithLetter?: number[] },
): void {
  const refused = Array.isArray(counts.refused) ? counts.refused : [];
  if (refused.length === 0) return;
  const withLetter = new Set(counts.refusedWithLetter ?? []);
  for (const r of refused) {
    const { line, letter } = typeof r === 'number' ? { line: r, letter: withLetter.has(r) } : r;
    if (!Number.isInteger(line) || incident.file.returned.has(line)) continue;
    incident.file.returned.set(line, { returned: ['email'], resent: [], substituted: !letter });
  }
  const notKept = (counts.returned ?? 0) - refused.length;
  if (notKept > 0)
    incident.log(
      'notices-refused-not-kept',
      undefined,
      `${notKept} refused emails counted but not kept by line (over the limit): a later return for one of them may count that person twice`,
    );
}

/** Resends by the next means until the queue is empty; waits for the roster run to finish first. */
async function resendLoop(incident: Incident): Promise<void> {
  const { file, state } = incident;
  try {
    if (!isPatched(NOTICE_RETURNS)) return;
    await condition(() => file.runFinished);
    while (file.returnsQueue.length > 0) {
      const batch = file.returnsQueue.splice(0, RESEND_BATCH);
      const approved = incident.letter!;
      const lines = [...new Set(batch.map((b) => b.line))].map((line) => {
        const entry = file.returned.get(line)!;
        return { line, returned: [...entry.returned], resent: [...entry.resent, ...(entry.refusedAgain ?? [])] };
      });
      const result = await notifier('Notify again by the next means (5 FAM 468.6-2a)').resendReturned({
        incidentId: state.incidentId,
        organization: incident.playbook.organization,
        roster: approved.roster,
        letter: approved.letter,
        immediate: approved.immediate,
        mailVendor: incident.playbook.endpoints.mailVendor,
        ...(isPatched(TTY_RELAY_IN_LETTERS) ? ttyRelayOf(incident.playbook) : {}),
        lines,
      });
      let substituted = 0;
      let resent = 0;
      for (const r of result.outcomes) {
        const entry = file.returned.get(r.line);
        if (!entry) continue;
        // Sent again and refused at once: returned (so a bounce of it is no news) and tried (never sent again).
        if (r.refused) {
          entry.returned.push('email');
          (entry.refusedAgain ??= []).push('email');
        }
        if (r.outcome === 'letter' || r.outcome === 'email') {
          entry.resent.push(r.outcome);
          resent += 1;
        } else if (r.outcome === 'substitute' && !entry.substituted) {
          entry.substituted = true;
          substituted += 1;
        }
      }
      const n = state.notification!;
      state.notification = {
        ...n,
        resent: (n.resent ?? 0) + resent,
        substituted: (n.substituted ?? 0) + substituted,
        returned: (n.returned ?? 0) + result.returnedAgain,
      };
      incident.log(
        'notices-resent',
        undefined,
        `${resent} sent again by the next means, ${substituted} to the substitute notice, ${result.returnedAgain} refused again`,
      );
      if (substituted > 0) await postSubstitute(incident);
    }
  } finally {
    file.resending = false;
  }
}

/** The substitute notice, posted once or updated with the new count (468.6-2b). */
export async function postSubstitute(incident: Incident): Promise<void> {
  const { state, playbook, file } = incident;
  const n = state.notification!;
  await endpoint('Post the substitute notice').postSubstituteNotice({
    incidentId: state.incidentId,
    organization: playbook.organization,
    letter: incident.letter!.letter,
    affectedCount: n.substituted ?? 0,
    endpoint: playbook.endpoints.webPosting,
    revision: file.substitutePostings,
    ...ttyRelayOf(playbook),
  });
  file.substitutePostings += 1;
  state.notification = { ...state.notification!, substituteNotice: true };
  incident.log(
    file.substitutePostings > 1 ? 'substitute-notice-updated' : 'substitute-notice-posted',
    undefined,
    `${n.substituted ?? 0} people`,
  );
  // 468.6-2b: and in the media, in the areas where the people likely live (media-notice.ts).
  await mediaNotice(incident, n.substituted ?? 0);
}

/** Before closure: the returns that came in are handled (nothing when there were none). */
export async function finishReturns(incident: Incident): Promise<void> {
  const { file } = incident;
  if (file.returnsQueue.length === 0 && !file.resending) return;
  await condition(() => file.returnsQueue.length === 0 && !file.resending);
}
