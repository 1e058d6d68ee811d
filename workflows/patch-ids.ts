/**
 * The patch ids as the workflow code asks them (`patched()`, `isPatched()`), each read from its entry in
 * the one registry, workflows/patches.ts, which says what the patch changed and when it can go.
 */
import { PATCHES } from './patches.js';

export const POLICY_FACTS_PATCH = PATCHES.policyFacts.id;
export const RULES_468_6 = PATCHES.rules468_6.id;
export const DUTIES_DERIVED = PATCHES.dutiesDerived.id;
export const BATCHED_NOTIFICATION = PATCHES.notifyRosterChild.id;
export const GATE_MAIL_IN_BACKGROUND = PATCHES.gateMailInBackground.id;
export const SEPARATION_OF_DUTIES = PATCHES.separationOfDuties.id;
export const NO_NOTIFICATION_FOLLOWS_RISK = PATCHES.noNotificationFollowsRisk.id;
export const CGFS_ON_EVERY_COST = PATCHES.cgfsOnEveryCost.id;
export const CASE_RECORD_ARCHIVING = PATCHES.caseRecordArchiving.id;
export const NOTICE_RETURNS = PATCHES.noticeReturns.id;
export const INTAKE_NOTICES_TOGETHER = PATCHES.intakeNoticesTogether.id;
export const DEADLINE_PRIORITY_PATCH = PATCHES.deadlinePriority.id;
export const DECISION_ID_IN_TIMELINE = PATCHES.decisionIdInTimeline.id;
export const AWAITING_SINCE_ATTRIBUTE = PATCHES.awaitingSinceAttribute.id;
export const SEARCH_ATTRIBUTES_ALWAYS = PATCHES.searchAttributesAlways.id;
export const FISCAL_YEAR_FIGURES = PATCHES.fiscalYearFigures.id;
export const CUSTODY_FACTS_PATCH = PATCHES.custodyFacts.id;
export const PPGB_MEMBERS_OBJECT_PATCH = PATCHES.ppgbMembersObject.id;
export const NAMED_PROGRAM_MANAGERS_PATCH = PATCHES.namedProgramManagers.id;
export const REHABILITATION_ACT_PATCH = PATCHES.rehabilitationAct.id;
export const COMPLETE_REPORT_PATCH = PATCHES.completeReport.id;
export const MEDIA_NOTICE_PATCH = PATCHES.mediaNotice.id;
export const TELEPHONE_NOTICE_PATCH = PATCHES.telephoneNotice.id;
export const TTY_RELAY_IN_LETTERS = PATCHES.ttyRelayInLetters.id;
export const DUTY_FOLLOW_UPS_PATCH = PATCHES.dutyFollowUps.id;
export const REFUSAL_TOLD_TO_OWNER = PATCHES.refusalToldToOwner.id;
export const ITEM_CLOCK_ENDS_WITH_ITEM = PATCHES.itemClockEndsWithItem.id;
export const CUSTODY_REPORT_RECIPIENT = PATCHES.custodyReportRecipient.id;
export const CLOSE_AFTER_BACKGROUND = PATCHES.closeAfterBackground.id;
export const LOCAL_NOTICE = PATCHES.localNotice.id;
export const PUBLISH_AT_CONCLUSION = PATCHES.publishAtConclusion.id;
export const CLOCK_STEP_DUE_AT_ONCE = PATCHES.clockStepDueAtOnce.id;
