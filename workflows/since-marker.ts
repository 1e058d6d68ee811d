/**
 * One patch marker for a new incident instead of one per patch (workflows/patches.ts `sinceMarker`). Each
 * marker a new workflow records costs two history events and two billed actions, the marker and the
 * `TemporalChangeVersion` upsert the SDK's core adds to it (docs/performance.md "Events, workflow tasks
 * and actions"). An incident asks the since marker once, first, in its first workflow task
 * (`startRules`); when it has it, every patch the marker covers reads true without a marker of its own.
 * An incident started before it has no such marker and asks each patch where it always did, so its
 * history replays unchanged.
 *
 * The covered list is fixed: an incident recorded with this marker never ran a patch added after it, so
 * a later patch is asked with `patched()` on its own, or covered by a newer since marker: the second
 * (`sinceMarkerDuties`) covers the first's and the six added after it the same day, the third
 * (`sinceMarkerLocalNotice`) the second's and the notice no one waits on as a local activity, the fourth
 * (`sinceMarkerConclusion`) the third's, the publication as the activation concludes and a clock step
 * already due taken at once.
 */
import { patched } from '@temporalio/workflow';
import { PATCHES } from './patches.js';
import {
  AWAITING_SINCE_ATTRIBUTE,
  BATCHED_NOTIFICATION,
  CASE_RECORD_ARCHIVING,
  CGFS_ON_EVERY_COST,
  COMPLETE_REPORT_PATCH,
  CUSTODY_FACTS_PATCH,
  DEADLINE_PRIORITY_PATCH,
  DECISION_ID_IN_TIMELINE,
  DUTIES_DERIVED,
  GATE_MAIL_IN_BACKGROUND,
  INTAKE_NOTICES_TOGETHER,
  MEDIA_NOTICE_PATCH,
  NAMED_PROGRAM_MANAGERS_PATCH,
  NO_NOTIFICATION_FOLLOWS_RISK,
  NOTICE_RETURNS,
  POLICY_FACTS_PATCH,
  PPGB_MEMBERS_OBJECT_PATCH,
  REHABILITATION_ACT_PATCH,
  RULES_468_6,
  SEARCH_ATTRIBUTES_ALWAYS,
  SEPARATION_OF_DUTIES,
  TELEPHONE_NOTICE_PATCH,
  DUTY_FOLLOW_UPS_PATCH,
  ITEM_CLOCK_ENDS_WITH_ITEM,
  CUSTODY_REPORT_RECIPIENT,
  TTY_RELAY_IN_LETTERS,
  CLOSE_AFTER_BACKGROUND,
  REFUSAL_TOLD_TO_OWNER,
  LOCAL_NOTICE,
  PUBLISH_AT_CONCLUSION,
  CLOCK_STEP_DUE_AT_ONCE,
} from './patch-ids.js';

/** The incident workflow's patches up to the since marker (not the yearly workflow's). */
export function sinceCovers(): readonly string[] {
  return [
    POLICY_FACTS_PATCH,
    CUSTODY_FACTS_PATCH,
    PPGB_MEMBERS_OBJECT_PATCH,
    NAMED_PROGRAM_MANAGERS_PATCH,
    REHABILITATION_ACT_PATCH,
    RULES_468_6,
    DUTIES_DERIVED,
    AWAITING_SINCE_ATTRIBUTE,
    INTAKE_NOTICES_TOGETHER,
    DEADLINE_PRIORITY_PATCH,
    GATE_MAIL_IN_BACKGROUND,
    SEPARATION_OF_DUTIES,
    DECISION_ID_IN_TIMELINE,
    SEARCH_ATTRIBUTES_ALWAYS,
    NO_NOTIFICATION_FOLLOWS_RISK,
    CGFS_ON_EVERY_COST,
    BATCHED_NOTIFICATION,
    MEDIA_NOTICE_PATCH,
    TELEPHONE_NOTICE_PATCH,
    NOTICE_RETURNS,
    COMPLETE_REPORT_PATCH,
    CASE_RECORD_ARCHIVING,
  ];
}

/**
 * The incident patches after the first since marker, which the second covers too. An incident recorded
 * with the first marker asks each of these on its own, where it always did.
 */
export function sinceDutiesCovers(): readonly string[] {
  return [
    ...sinceCovers(),
    DUTY_FOLLOW_UPS_PATCH,
    ITEM_CLOCK_ENDS_WITH_ITEM,
    CUSTODY_REPORT_RECIPIENT,
    TTY_RELAY_IN_LETTERS,
    CLOSE_AFTER_BACKGROUND,
    REFUSAL_TOLD_TO_OWNER,
  ];
}

/** The incident patches after the second since marker, which the third covers too. */
export function sinceLocalNoticeCovers(): readonly string[] {
  return [...sinceDutiesCovers(), LOCAL_NOTICE];
}

/** The incident patches after the third since marker, which the fourth covers too. */
export function sinceConclusionCovers(): readonly string[] {
  return [...sinceLocalNoticeCovers(), PUBLISH_AT_CONCLUSION, CLOCK_STEP_DUE_AT_ONCE];
}

/**
 * What this workflow's since marker says. Module state of the workflow's own module scope (workflows/ is
 * never preloaded, workers/preload.ts), set once by the incident's first task: in any other workflow
 * type (the notification run, the yearly duty) it stays unset and `isPatched` is `patched`.
 */
let covered: ReadonlySet<string> | null = null;

/**
 * Asked once, first, in an incident's first workflow task (workflows/rule-sets.ts `startRules`): the
 * newest since marker first. A new incident records that one alone. An incident recorded under an older
 * one has no marker of the newer (`patched` reads false on replay and records nothing) and reads the
 * one it has; one recorded before any reads false for all and asks each patch.
 */
export function askSinceMarker(): boolean {
  if (patched(PATCHES.sinceMarkerConclusion.id)) covered = new Set(sinceConclusionCovers());
  else if (patched(PATCHES.sinceMarkerLocalNotice.id)) covered = new Set(sinceLocalNoticeCovers());
  else if (patched(PATCHES.sinceMarkerDuties.id)) covered = new Set(sinceDutiesCovers());
  else covered = patched(PATCHES.sinceMarker.id) ? new Set(sinceCovers()) : null;
  return covered !== null;
}

/** Whether the incident started under the since marker (its search attributes once per workflow task). */
export function sinceMarkerRecorded(): boolean {
  return covered !== null;
}

/**
 * `patched(id)` for the incident's patches: true without a marker of its own under the since marker;
 * otherwise asked as before, where it always was.
 */
export function isPatched(id: string): boolean {
  return covered?.has(id) === true || patched(id);
}
