/**
 * The decisions of the response (docs/lifecycle.md phases 2-7): triage, the analysis, the cost, and the
 * decisions on notice. One entry per kind (domain/decisions/define.ts).
 */
import { array, boolean, number, object, oneOf, optional } from '../check.js';
import { COSTED_MEASURES, FINAL_OUTCOMES, LIAISONS, OPTIONS, PPGB_CHAIR_OUTCOMES, PPGB_OUTCOMES } from './terms.js';
import { authorizedDisclosure, factors, level, peopleCount, rationale, text } from './fields.js';
import { define, rationaleField, type FormContext, type FormField } from './define.js';
import { ANALYSIS_FORM } from './analysis-form.js';

/** What each outcome is called on the page. */
const OUTCOMES: Record<string, string> = {
  'refer-to-ppgb': 'Refer to the full PPGB',
  'refer-to-under-secretary': 'Refer to the Under Secretary',
  'return-to-crg': 'Return to the Core Response Group',
  'approve-notification': 'Approve notification of the affected people',
  'decline-notification': 'Decline notification',
};

/** The outcomes offered: the final ones only where the playbook delegates them to the PPGB Chair (468.5e). */
const outcomeForm =
  (choices: readonly string[]) =>
  ({ playbook }: FormContext): FormField[] => [
    {
      name: 'outcome',
      label: 'Outcome',
      type: 'radios',
      choiceLabels: OUTCOMES,
      required: true,
      choices: choices.filter(
        (c) =>
          playbook.finalNotificationAuthority === 'ppgbChair' || !(FINAL_OUTCOMES as readonly string[]).includes(c),
      ),
    },
    rationaleField,
  ];

export const RESPONSE_KINDS = {
  'assign-responsible-office': define({
    fields: { office: text(200) },
    decidedBy: 'ipsDirector', // 467.2c
    phases: ['reporting', 'triage'],
    family: 'gate',
    form: [
      {
        name: 'office',
        label: 'Office responsible',
        type: 'text',
        required: true,
        hint: 'The office that leads the administrative fact-finding (5 FAM 467.2c), e.g. Bureau of Consular Affairs.',
      },
    ],
    words: {
      title: 'Name the office responsible',
      button: 'Name this office',
      then: 'The office named leads the administrative fact-finding (5 FAM 467.2c). With the decision on the Core Response Group, triage is complete.',
    },
  }),
  'convene-crg': define({
    fields: { convene: boolean, rationale },
    decidedBy: 'ipsDirector', // 467.4-2a
    phases: ['reporting', 'triage'],
    family: 'gate',
    form: [
      { name: 'convene', label: 'Convene the Core Response Group?', type: 'yes-no', required: true },
      rationaleField,
    ],
    words: {
      title: 'Decide whether to convene the Core Response Group',
      button: 'Record this decision',
      then: 'Convened, the Core Response Group is told at once and the risk analysis begins (5 FAM 467.4-2); not convened, the incident goes to closure review.',
    },
  }),
  'submit-analysis': define({
    fields: {
      factors,
      authorizedDisclosure: optional(authorizedDisclosure),
      riskOverride: optional(object({ level, rationale }, 'strict')),
      options: array(oneOf(OPTIONS), { max: [OPTIONS.length] }),
      /** Liaison notices to send once notification goes out (467.4-2b(4)). */
      liaisons: optional(array(oneOf(LIAISONS), { max: [LIAISONS.length] })),
      /**
       * Facts the analysis learned (468.1(4), 468.3b(2), 469.6): each re-opens the duty it carries, as a
       * supplement would. Facts only widen: `false` withdraws nothing the report said.
       */
      classifiedInvolved: optional(boolean),
      criminalActSuspected: optional(boolean),
      causedByWorkforceMember: optional(boolean),
      /** The CRG's count of the people affected, when it knows more than the report (a major incident may follow). */
      affectedCount: optional(peopleCount),
      /** Measures the CRG marks as costed (468.5d); credit protection and mail at scale always are. */
      costedMeasures: optional(array(oneOf(COSTED_MEASURES), { max: [COSTED_MEASURES.length] })),
      rationale,
    },
    decidedBy: 'ipsDirector', // as CRG chair, 467.4-4
    phases: ['analysis'],
    family: 'gate',
    form: ANALYSIS_FORM,
    words: {
      title: 'Record the risk analysis',
      button: 'Record the analysis',
      then: 'The risk of harm is derived from the six factors (5 FAM 468.4), and the incident moves to the decision on notification (468.5).',
    },
  }),
  'cost-estimate': define({
    fields: { estimatedCostUsd: number({ min: [0], max: [1e13] }), notes: optional(text(10_000)) },
    decidedBy: 'cgfs', // 468.5d
    phases: ['cost-consultation'],
    family: 'gate',
    form: [
      { name: 'estimatedCostUsd', label: 'Estimated cost (USD)', type: 'number', required: true },
      { name: 'notes', label: 'Notes', type: 'textarea', required: false },
    ],
    words: {
      title: 'Estimate the cost of mitigation',
      button: 'Record the estimate',
      then: 'The estimate goes with the case to the PPGB Chair (5 FAM 468.5d).',
    },
  }),
  'ppgb-override': define({
    fields: { rationale },
    decidedBy: 'ppgbChair', // 468.5c
    /**
     * 5 FAM 468.5c: the CRG's finding of minimal risk is reviewed by the PPGB, and any member may object
     * within the window, not only the Chair. (Incidents started before this rule keep the Chair alone:
     * workflows/patches.ts `ppgbMembersObject`.)
     */
    alsoBy: ['ppgb'],
    phases: ['ppgb-advised'],
    family: 'gate',
    form: [rationaleField],
    words: {
      title: 'Override the minimal-risk finding',
      button: 'Override the finding',
      then: 'The incident goes on to the notification decision instead of closing (5 FAM 468.5c).',
    },
  }),
  'ppgb-chair-decision': define({
    fields: { outcome: oneOf(PPGB_CHAIR_OUTCOMES), rationale },
    decidedBy: 'ppgbChair', // 468.5b
    phases: ['ppgb-chair-review'],
    family: 'gate',
    form: outcomeForm(PPGB_CHAIR_OUTCOMES),
    words: {
      title: "Record the PPGB Chair's decision",
      button: 'Record my decision',
      then: 'The decision is final, or the case goes to the full PPGB, to the Under Secretary, or back to the Core Response Group, as chosen (5 FAM 468.5b).',
    },
  }),
  'ppgb-decision': define({
    fields: { outcome: oneOf(PPGB_OUTCOMES), rationale },
    decidedBy: 'ppgbChair', // recording the board, 468.5b
    phases: ['ppgb-review'],
    family: 'gate',
    form: outcomeForm(PPGB_OUTCOMES),
    words: {
      title: "Record the PPGB's decision",
      button: "Record the Board's decision",
      then: 'The case goes on as the Board decided (5 FAM 468.5b).',
    },
  }),
  'under-secretary-decision': define({
    fields: { outcome: oneOf(FINAL_OUTCOMES), rationale },
    decidedBy: 'underSecretary', // 468.5e
    phases: ['under-secretary-review'],
    family: 'gate',
    form: [
      {
        name: 'outcome',
        label: 'Outcome',
        type: 'radios',
        choiceLabels: OUTCOMES,
        required: true,
        choices: FINAL_OUTCOMES,
      },
      rationaleField,
    ],
    words: {
      title: 'Decide whether the affected people are notified',
      button: 'Record my decision',
      then: 'Approved, the notification official prepares the letter; declined, the incident goes to remediation and closure (5 FAM 468.5e).',
    },
  }),
};
