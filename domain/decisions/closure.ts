/**
 * The decisions beside the main flow and at its end: action items, the closure sign-off, the PPGB
 * Chair's acknowledgement of a long delay, the filings made by hand, the completion of a report by email
 * and the roster's reconciliation. One entry per kind (domain/decisions/define.ts).
 */
import { array, boolean, object, oneOf, optional, string } from '../check.js';
import { PHASES } from '../state.js';
import { FILED_REPORTS, PII_TYPES, SIMPLE_EMAIL, SIMPLE_EMAIL_MESSAGE } from './terms.js';
import { isoDateTime, peopleCount, rationale, text } from './fields.js';
import { BEFORE_LETTERS, define, rationaleField, type FormField } from './define.js';

const UNTIL_CLOSED = PHASES.filter((phase) => phase !== 'closed');

/** 468.3b: what a report by email may have left out; only the fields filled in change the report. */
const completeReportForm: FormField[] = [
  { name: 'office', label: "The reporter's office or bureau", type: 'text', required: false },
  { name: 'supervisor.name', label: "The reporter's supervisor", type: 'text', required: false },
  { name: 'supervisor.email', label: "The supervisor's email address", type: 'email', required: false },
  { name: 'discoveredAt', label: 'When it was discovered (UTC)', type: 'datetime', required: false },
  {
    name: 'medium',
    label: 'Was it a cyber incident?',
    type: 'radios',
    required: false,
    choices: ['cyber', 'non-cyber'],
    choiceLabels: { cyber: 'Yes: electronic', 'non-cyber': 'No: paper, spoken or otherwise' },
  },
  { name: 'summary', label: 'What happened', type: 'textarea', required: false },
  {
    name: 'piiTypes',
    label: 'The kinds of PII involved (468.3a)',
    type: 'checkboxes',
    required: false,
    choices: PII_TYPES,
    // A completion changes only what it gives: no box ticked leaves the report's list as it is.
    emptyLeavesOut: true,
  },
  { name: 'affectedCount', label: 'About how many people are affected', type: 'number', required: false },
  {
    name: 'affectedPopulation',
    label: 'Who they are',
    type: 'radios',
    required: false,
    choices: ['workforce', 'public', 'both'],
  },
  { name: 'encrypted', label: 'Was the information encrypted?', type: 'yes-no', required: false },
  { name: 'classifiedInvolved', label: 'Was classified information involved?', type: 'yes-no', required: false },
  { name: 'criminalActSuspected', label: 'Is a crime suspected?', type: 'yes-no', required: false },
];

export const CLOSURE_KINDS = {
  'complete-action-item': define({
    fields: { itemId: text(64), evidence: text(10_000) },
    decidedBy: 'item owner',
    phases: UNTIL_CLOSED,
    family: 'side',
    form: ({ state, personRoles = [] }) => {
      const open = (state?.actionItems ?? []).filter(
        (item) =>
          item.status === 'open' && (personRoles.includes(item.ownerRole) || personRoles.includes('ipsDirector')),
      );
      return [
        { name: 'itemId', label: 'Action item', type: 'select', required: true, choices: open.map((item) => item.id) },
        { name: 'evidence', label: 'Evidence', type: 'textarea', required: true },
      ];
    },
    words: {
      title: 'Complete an action item',
      button: 'Mark it done',
      then: 'The item is recorded as done, with your evidence, in the case record (5 FAM 468.7).',
    },
  }),
  'sign-off-closure': define({
    fields: { rationale },
    decidedBy: 'ipsDirector', // 467.2c
    phases: ['remediation', 'closure-review'],
    family: 'gate',
    form: [rationaleField],
    words: {
      title: 'Sign off the closure',
      button: 'Close the incident',
      then: 'The case record is archived and the incident is closed (5 FAM 468.7).',
    },
  }),
  /** 468.6-3a: the PPGB Chair acknowledges a delay beyond timers.maxDelayWithoutReview. */
  'acknowledge-delay': define({
    fields: { rationale },
    decidedBy: 'ppgbChair', // 468.6-3a
    phases: [...BEFORE_LETTERS, 'notifying'],
    family: 'side',
    form: [
      {
        ...rationaleField,
        hint: 'the delay does not unduly exacerbate the risk or harm to the people affected (5 FAM 468.6-3a)',
      },
    ],
    words: {
      title: 'Acknowledge the longer delay of notification',
      button: 'Acknowledge the delay',
      then: 'You confirm that waiting longer does not unduly add to the risk of harm; notification waits until the date asked for (5 FAM 468.6-3).',
    },
  }),
  /** 468.7: where the case record was filed by hand, while the archive does not take it. */
  'record-filed': define({
    fields: { reference: text(500) },
    decidedBy: 'privacyDivision', // 468.7
    phases: ['archiving'],
    family: 'gate',
    form: [
      {
        name: 'reference',
        label: 'Where the case record was filed',
        type: 'text',
        required: true,
        hint: 'the records system and its reference (5 FAM 468.7)',
      },
    ],
    words: {
      title: 'Record where the case record was filed',
      button: 'Record the filing',
      then: 'The records archive did not take the record; with your reference the case is closed (5 FAM 468.7).',
    },
  }),
  /**
   * 468.3b: what a report by email left out (its `missingFields`), completed by the intake mailbox's
   * role; only the fields given change (workflows/complete-report.ts).
   */
  'complete-report': define({
    fields: {
      office: optional(text(200)),
      supervisor: optional(
        object(
          {
            name: text(200),
            email: string(
              { trim: true },
              ['max', 320, 'expected at most 320 characters'],
              ['pattern', SIMPLE_EMAIL, SIMPLE_EMAIL_MESSAGE],
            ),
          },
          'strict',
        ),
      ),
      discoveredAt: optional(isoDateTime),
      medium: optional(oneOf(['cyber', 'non-cyber'] as const)),
      summary: optional(text(20_000)),
      piiTypes: optional(array(oneOf(PII_TYPES), { min: [1], max: [PII_TYPES.length] })),
      affectedCount: optional(peopleCount),
      affectedPopulation: optional(oneOf(['workforce', 'public', 'both'] as const)),
      encrypted: optional(boolean),
      classifiedInvolved: optional(boolean),
      criminalActSuspected: optional(boolean),
    },
    decidedBy: 'intake mailbox',
    phases: UNTIL_CLOSED,
    family: 'gate',
    form: completeReportForm,
    words: {
      title: 'Complete a report that came by email',
      button: 'Complete the report',
      then: 'What you give replaces what the email left open; the report to US-CERT or the Privacy Division is updated, and triage begins (5 FAM 468.3b).',
    },
  }),
  /** 468.3b(1), (2): the routed office records an external report it filed another way (by whom, reference). */
  'report-filed': define({
    fields: { to: oneOf(FILED_REPORTS), filedBy: text(300), reference: text(500) },
    // 468.3b(1): the routed office; DS/CIRT for US-CERT (workflows/duty-rules.ts `reportFiledRole`).
    decidedBy: 'privacyDivision',
    phases: PHASES.filter((phase) => phase !== 'closed' && phase !== 'archiving'),
    family: 'side',
    form: [
      { name: 'to', label: 'Report', type: 'select', required: true, choices: FILED_REPORTS },
      { name: 'filedBy', label: 'Filed by', type: 'text', required: true },
      {
        name: 'reference',
        label: 'Reference',
        type: 'text',
        required: true,
        hint: "the receiver's case or ticket number",
      },
    ],
    words: {
      title: 'Record a report filed another way',
      button: 'Record the filing',
      then: 'The report counts as made, by whom and under the reference you give (5 FAM 468.3b).',
    },
  }),
  /** 468.6-2b: the notification official says why the roster's people fall short of the affected count. */
  'reconcile-roster': define({
    fields: { rationale },
    decidedBy: 'notificationOfficial', // 468.6-2b
    phases: ['notification-prep', 'notification-delayed', 'notifying'],
    family: 'side',
    form: [rationaleField],
    words: {
      title: 'Reconcile the roster with the count of people affected',
      button: 'Record the reconciliation',
      then: 'The people the roster lacks are not put into the substitute notice (5 FAM 468.6-2b).',
    },
  }),
};
