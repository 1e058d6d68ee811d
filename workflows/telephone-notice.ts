/**
 * Immediate notice by telephone (5 FAM 468.6-2c): with `immediate`, the people on the roster with a
 * phone are called or texted through the playbook's `telephony` endpoint, beside the letters and emails
 * of the roster run (activities/telephony.ts: one call per person, checkpointed, failures counted).
 * A call that fails (refused, not answered, not in service, the provider out through every attempt) falls
 * to the person's next means, which the roster run gives them: the email, else the letter, else the
 * substitute notice (domain/means.ts `nextMeansAfterCall`); the record keeps how many went to each. A
 * provider that is misconfigured is written into the timeline and never stops the letters.
 *
 * Behind `patched()`, reached only by incidents whose playbook names a `telephony` endpoint: no
 * incident running before this had one.
 */
import { isPatched } from './since-marker.js';
import { TELEPHONE_NOTICE_PATCH } from './patch-ids.js';
import { notifier } from './activities.js';
import { ttyRelayOf } from '../domain/playbook-terms.js';
import { nowIso, type Incident } from './incident-state.js';

export async function telephoneNotice(incident: Incident): Promise<void> {
  const { state, playbook } = incident;
  const target = playbook.endpoints.telephony;
  const approved = incident.letter;
  if (!target || !approved?.immediate) return;
  if (!isPatched(TELEPHONE_NOTICE_PATCH)) return;
  try {
    const result = await notifier('Call or text the people with a phone (5 FAM 468.6-2c)').callRoster({
      incidentId: state.incidentId,
      organization: playbook.organization,
      letter: approved.letter,
      url: approved.roster.url,
      endpoint: target,
      ...ttyRelayOf(playbook),
    });
    const { fellTo } = result;
    state.telephoneNotice = {
      called: result.called,
      failed: result.failed,
      ...(fellTo ? { fellTo } : {}),
      at: nowIso(),
    };
    incident.log(
      'telephone-notice',
      undefined,
      `${result.called} called, ${result.failed} failed${fallThrough(fellTo)}`,
    );
  } catch (err) {
    state.telephoneNotice = { called: 0, failed: 0, at: nowIso(), error: String((err as Error).message).slice(0, 300) };
    incident.log('telephone-notice-failed', undefined, String((err as Error).message).slice(0, 300));
  }
}

/** The record of the failed calls' fall-through (468.6-2a/b/c): "; 2 reached by email, 1 by letter, 1 ...". */
function fallThrough(fellTo: { email: number; letter: number; substitute: number } | undefined): string {
  if (!fellTo || fellTo.email + fellTo.letter + fellTo.substitute === 0) return '';
  return `; of those, ${fellTo.email} reached by email, ${fellTo.letter} by letter, ${fellTo.substitute} counted into the substitute notice`;
}
