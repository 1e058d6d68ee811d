/**
 * Every patch of the workflows in one registry (docs/reliability.md "Changing a workflow safely"): its id
 * (never to change: recorded histories carry it), when it came, what histories recorded before it do, and
 * when it can be deprecated (`deprecatePatch`, then removed). Two kinds:
 * - **rule sets**, decided once at the start of an incident (`startRules`, workflows/rule-sets.ts): the policy an incident runs
 *   under is fixed when it starts, and read by signal handlers and the `decide` validator, where
 *   `patched()` may not be called;
 * - **command changes**, asked where the changed command is (a `patched()` moved earlier would read false
 *   in the histories that recorded its marker later, and they would no longer replay).
 *
 * A patch can be deprecated once no incident or run started before it is still open (the retention of
 * closed histories does not matter: they are never replayed), which `npm run breach -- list` shows.
 */
export interface PatchEntry {
  id: string;
  since: string;
  /** What a history recorded before the patch does when it replays. */
  older: string;
  deprecateWhen: string;
  decided: 'at start' | 'at the command';
}

const OPEN_INCIDENTS = 'no incident started before it is still open';

export const PATCHES = {
  sinceMarkerConclusion: {
    id: 'incident-patches-to-2026-12-08-conclusion',
    since: '2026-12-08',
    older:
      'records the third since marker, then a marker for each patch added after it that it asks (the search attributes and memo published as the activation concludes, a clock step already due taken at once)',
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at start',
  },
  sinceMarkerLocalNotice: {
    id: 'incident-patches-to-2026-12-07-local-notice',
    since: '2026-12-07',
    older:
      'records the second since marker, then a marker for each patch added after it that it asks (a notice no one waits on as a local activity)',
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at start',
  },
  sinceMarkerDuties: {
    id: 'incident-patches-to-2026-12-07-duties',
    since: '2026-12-07',
    older:
      'records the first since marker, then a marker for each patch added after it that it asks (the duty follow-ups, the item clock, the custody recipient, the Section 508 relay, the close after background mail, the refusal told to its owner)',
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at start',
  },
  sinceMarker: {
    id: 'incident-patches-to-2026-12-07',
    since: '2026-12-07',
    older: 'records a marker per patch it asks (workflows/since-marker.ts) and upserts at every change',
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at start',
  },
  notifyRosterChild: {
    id: 'notify-roster-child-workflow',
    since: '2026-11-21',
    older: 'notifies the whole roster in one activity (workflows/notification.ts `singleActivity`)',
    deprecateWhen: 'no incident that reached `notifying` before it is still open',
    decided: 'at the command',
  },
  gateMailInBackground: {
    id: 'gate-mail-in-background',
    since: '2026-11-21',
    older: "awaits each gate's ask, reminder and escalation mail before the gate goes on",
    deprecateWhen: 'no incident that opened a gate before it is still open',
    decided: 'at the command',
  },
  policyFacts: {
    id: 'policy-facts-custody-accounting-major-cisa',
    since: '2026-12-03',
    older:
      "runs without the later facts' duties, the custody exemption's structured grounds, the accounting of disclosures, major incidents and CISA's field set (`Features` all off)",
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at start',
  },
  rules468_6: {
    id: 'rules-468-6-letters-and-delays',
    since: '2026-12-03',
    older:
      'runs without the letter rules of 468.6-1a(1), (5), 468.6-1b and the delay rules of 468.6-3 (`rules468` off)',
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at start',
  },
  separationOfDuties: {
    id: 'separation-of-duties',
    since: '2026-12-03',
    older: 'asks every holder of a role and escalates to the SAOP; a conflicted decision by signal is applied',
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at the command',
  },
  noNotificationFollowsRisk: {
    id: 'no-notification-follows-risk',
    since: '2026-12-03',
    older: 'sends any analysis without notification to the 468.5c objection window, whatever the risk',
    deprecateWhen: 'no incident analysed before it is still open',
    decided: 'at the command',
  },
  cgfsOnEveryCost: {
    id: 'cgfs-on-every-cost',
    since: '2026-12-03',
    older: 'asks CGFS only for notification with credit protection',
    deprecateWhen: 'no incident analysed before it is still open',
    decided: 'at the command',
  },
  caseRecordArchiving: {
    id: 'case-record-archiving',
    since: '2026-12-03',
    older: 'closes at the sign-off whether or not the archive took the record',
    deprecateWhen: 'no incident signed off before it is still open',
    decided: 'at the command',
  },
  noticeReturns: {
    id: 'notice-returns',
    since: '2026-12-03',
    older: 'keeps no line of an email refused during the run',
    deprecateWhen: 'no incident notifying before it is still open',
    decided: 'at the command',
  },
  intakeNoticesTogether: {
    id: 'intake-notices-in-one-activity',
    since: '2026-12-03',
    older: 'sends the three notices of a first report as three activities',
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at the command',
  },
  deadlinePriority: {
    id: 'deadline-priority',
    since: '2026-12-03',
    older: 'schedules the one-hour report and the OIG referral without a task priority',
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at the command',
  },
  decisionIdInTimeline: {
    id: 'decision-id-in-timeline',
    since: '2026-12-03',
    older: 'logs refused and repeated decisions without their decisionId',
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at the command',
  },
  awaitingSinceAttribute: {
    id: 'awaiting-since-attribute',
    since: '2026-12-03',
    older: 'upserts the search attributes without BreachAwaitingSince',
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at the command',
  },
  searchAttributesAlways: {
    id: 'search-attributes-always',
    since: '2026-12-03',
    older: 'an input with `searchAttributes: false` upserts none',
    deprecateWhen: 'no incident started with `searchAttributes: false` is still open',
    decided: 'at the command',
  },
  fiscalYearFigures: {
    id: 'yearly-fiscal-figures',
    since: '2026-12-03',
    older: "the yearly duty produces the calendar year's figures",
    deprecateWhen: 'the yearly workflow started before it has continued as new',
    decided: 'at the command',
  },
  custodyFacts: {
    id: 'custody-recipient-determination-medical-only',
    since: '2026-12-07',
    older:
      'takes the custody exemption on its stated grounds: any recipient, every PII type, workforce members too, no determination recorded (`custodyFacts` off)',
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at start',
  },
  ppgbMembersObject: {
    id: 'ppgb-members-object-computed-risk',
    since: '2026-12-07',
    older: 'only the PPGB Chair may object in the 468.5c window; the advice gives the overridden level only',
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at start',
  },
  namedProgramManagers: {
    id: 'named-program-managers',
    since: '2026-12-07',
    older: 'every program manager is told of the incident and sees it (`namedProgramManagers` off)',
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at start',
  },
  rehabilitationAct: {
    id: 'rehabilitation-act-workforce-medical',
    since: '2026-12-07',
    older: "employees' medical information is routed like any PII (`rehabilitationAct` off)",
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at start',
  },
  completeReport: {
    id: 'email-intake-complete-report',
    since: '2026-12-07',
    older: 'never reached: no incident started before it came by email with fields missing',
    deprecateWhen: 'now (kept for the record of when it came)',
    decided: 'at the command',
  },
  mediaNotice: {
    id: 'media-notice-468-6-2b',
    since: '2026-12-07',
    older: 'posts the substitute notice on the web only',
    deprecateWhen: 'no incident that reached `notifying` before it is still open',
    decided: 'at the command',
  },
  telephoneNotice: {
    id: 'telephone-notice-468-6-2c',
    since: '2026-12-07',
    older: 'gives immediate notice by mail and email only',
    deprecateWhen: 'no incident that reached `notifying` before it is still open',
    decided: 'at the command',
  },
  ttyRelayInLetters: {
    id: 'tty-relay-in-letters-508',
    since: '2026-12-07',
    older:
      "the letters and emails of the roster run and of a resend name 711, not the playbook's `accessibility.ttyRelay`",
    deprecateWhen: 'no incident that reached `notifying` before it is still open',
    decided: 'at the command',
  },
  dutiesDerived: {
    id: 'duties-derived',
    since: '2026-12-07',
    older:
      'runs the flow it started with: closure waits for the open action items only, a CRG not convened goes to closure review, later facts merge only the widening ones (workflows/incident.ts)',
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at start',
  },
  dutyFollowUps: {
    id: 'duties-owners-reminded-later-facts',
    since: '2026-12-07',
    older:
      "action items' owners are mailed once and never reminded; a US-CERT report owed after a supplement is never marked late; a supplement naming a program manager or adding employees' medical information derives nothing again; the OIG referral's `report-filed` is the Privacy Division's (`Features` follow-ups off)",
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at start',
  },
  itemClockEndsWithItem: {
    id: 'item-clock-ends-with-item',
    since: '2026-12-07',
    older:
      "an open option item replaced by a resubmitted analysis keeps its owner's clock: the owner is reminded and escalated for it again and again, beside the new item's clock (`itemClockEndsWithItem` off)",
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at start',
  },
  custodyReportRecipient: {
    id: 'custody-report-names-custodian',
    since: '2026-12-07',
    older:
      "takes a custody exemption whatever the report's `disclosedTo` says the information went to (`custodyReportRecipient` off)",
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at start',
  },
  closeAfterBackground: {
    id: 'close-after-background',
    since: '2026-12-07',
    older: "closes while mail the archiving started in the background (its gate's ask, a reminder) may be in flight",
    deprecateWhen: 'no incident in `archiving` before it is still open',
    decided: 'at the command',
  },
  refusalToldToOwner: {
    id: 'endpoint-refusal-told-to-owner',
    since: '2026-12-07',
    older:
      "a refused report's escalation goes to the SAOP and the Privacy Division only, not to the office that owes the report and alone may record it `report-filed`",
    deprecateWhen: 'no incident whose report was refused before it is still open',
    decided: 'at the command',
  },
  localNotice: {
    id: 'notice-local-when-no-one-waits',
    since: '2026-12-07',
    older:
      "sends every notice as an activity on the task queue, also those no one waits on (a gate's reminder and escalation, an owner's, the triage gate's ask): three events and a workflow task more each",
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at the command',
  },
  clockStepDueAtOnce: {
    id: 'clock-step-due-at-once',
    since: '2026-12-08',
    older:
      "waits on a 1 ms timer for a clock's step already due (a reminder due with the escalation just taken): a timer, a workflow task and five events more each",
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at the command',
  },
  publishAtConclusion: {
    id: 'publish-at-activation-conclusion',
    since: '2026-12-08',
    older:
      "upserts the search attributes and the case-list memo from a background wait that passes the SDK's conditions until nothing moved (`quiet`), or at every change before the since markers",
    deprecateWhen: OPEN_INCIDENTS,
    decided: 'at start',
  },
} as const satisfies Record<string, PatchEntry>;
