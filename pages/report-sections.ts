/**
 * The fields of the Breach Incident form (5 FAM 468.3b), section by section in the order a person tells
 * it, with help from the policy and the DHS statement for medical information; pages/report-form.ts
 * turns a submission into the report.
 */
import { PII_TYPES } from '../domain/report.js';
import type { FormField } from './link-form.js';

export const PII_WORDS: Record<(typeof PII_TYPES)[number], string> = {
  'personnel-payroll': 'Personnel or payroll information (468.3a(1))',
  'ssn-or-passport-number': 'Social Security numbers or passport numbers (468.3a(2))',
  'birth-data': 'Date or place of birth (468.3a(3))',
  medical: 'Medical information (468.3a(4))',
  'law-enforcement': 'Law enforcement information (468.3a(5))',
  financial: 'Financial information: bank, credit card or account numbers (468.3a(6))',
  'passport-application': 'Passport application information (468.3a(7))',
  biometric: 'Biometric records (468.3a(8))',
  other: 'Other personally identifiable information',
};

const YES_NO = { yes: 'Yes', no: 'No' };

/** In the order a person tells it: who you are, what happened, what data, to whom, how it was protected. */
export const REPORT_SECTIONS: { heading: string; fields: FormField[] }[] = [
  {
    heading: 'About you',
    fields: [
      {
        name: 'takenByTelephone',
        label: 'Are you filing this for someone who reported it to you by telephone?',
        type: 'yes-no',
        required: false,
        choiceLabels: YES_NO,
        hint: 'Then enter the caller as the reporter below (their name, email address and office); you are recorded as the official who took the call.',
      },
      { name: 'reporter.name', label: 'Your name', type: 'text', required: true, autocomplete: 'name' },
      { name: 'reporter.email', label: 'Your email address', type: 'email', required: true, autocomplete: 'email' },
      {
        name: 'reporter.office',
        label: 'Your office or bureau',
        type: 'text',
        required: true,
        autocomplete: 'organization',
        hint: 'e.g. Bureau of Consular Affairs, Embassy Paris',
      },
      {
        name: 'supervisor.name',
        label: "Your supervisor's name",
        type: 'text',
        required: true,
        hint: 'This form also tells your supervisor (5 FAM 468.3b).',
      },
      { name: 'supervisor.email', label: "Your supervisor's email address", type: 'email', required: true },
      {
        name: 'programManager.name',
        label: "The program manager's name",
        type: 'text',
        required: false,
        hint: 'The manager of the system or program the information belongs to, if you know them: they are told at once (DHS Privacy Incident Handling Guidance).',
      },
      { name: 'programManager.email', label: "The program manager's email address", type: 'email', required: false },
    ],
  },
  {
    heading: 'What happened',
    fields: [
      {
        name: 'discoveredAt',
        label: 'When it was discovered (UTC)',
        type: 'datetime',
        required: true,
        hint: 'The one-hour reporting clock starts here (5 FAM 468.3b(1)). Give the time in UTC.',
      },
      {
        name: 'occurredAt',
        label: 'When it happened, if known (UTC)',
        type: 'datetime',
        required: false,
        hint: 'At or before the discovery.',
      },
      {
        name: 'medium',
        label: 'Was it a cyber incident?',
        type: 'radios',
        required: true,
        choices: ['cyber', 'non-cyber'],
        choiceLabels: {
          cyber: 'Yes: electronic, on a network, system or device (goes to DS/CIRT)',
          'non-cyber': 'No: paper, spoken, or otherwise not electronic (goes to the Privacy Division)',
        },
        hint: 'A cyber incident is reported to US-CERT within one hour through DS/CIRT; any other to the Privacy Division (5 FAM 468.3b(1)).',
      },
      {
        name: 'title',
        label: 'A short title for the case',
        type: 'text',
        required: false,
        hint: 'One line that tells this case apart in the list, e.g. "Stolen laptop, visa applicants". No names or numbers of people: everyone on the case sees it.',
      },
      {
        name: 'summary',
        label: 'What happened',
        type: 'textarea',
        required: true,
        hint: 'What was lost, stolen, seen or sent, where and how. Write only what is needed: this report is PII too (5 FAM 469.2c).',
      },
      {
        name: 'disclosureFormat',
        label: 'The nature of the disclosure',
        type: 'radios',
        required: false,
        choices: ['electronic', 'paper', 'verbal', 'other'],
        choiceLabels: { electronic: 'Electronic', paper: 'Paper', verbal: 'Verbal (spoken)', other: 'Other' },
        hint: 'Needed when medical information is involved (DHS Privacy Incident Handling Guidance).',
      },
      {
        name: 'disclosedBy',
        label: 'By whom it was disclosed',
        type: 'text',
        required: false,
        hint: 'Needed when medical information is involved. A role or office is enough.',
      },
      {
        name: 'disclosedTo',
        label: 'To whom it was disclosed',
        type: 'text',
        required: false,
        hint: 'Needed when medical information is involved.',
      },
      {
        name: 'causedByWorkforceMember',
        label: 'Did a workforce member cause it?',
        type: 'yes-no',
        required: false,
        choiceLabels: YES_NO,
        hint: 'A conduct review follows (5 FAM 469.6). Do not name them here.',
      },
    ],
  },
  {
    heading: 'The information involved',
    fields: [
      {
        name: 'piiTypes',
        label: 'What kinds of personally identifiable information were involved?',
        type: 'checkboxes',
        required: true,
        choices: PII_TYPES,
        choiceLabels: PII_WORDS,
        hint: 'Choose all that apply (5 FAM 468.3a).',
      },
      {
        name: 'affectedCount',
        label: 'About how many people are affected?',
        type: 'number',
        required: true,
        hint: 'Your best estimate; 0 if you do not know yet.',
      },
      {
        name: 'affectedPopulation',
        label: 'Who are they?',
        type: 'radios',
        required: true,
        choices: ['workforce', 'public', 'both'],
        choiceLabels: {
          workforce: 'Workforce members (employees, contractors)',
          public: 'Members of the public',
          both: 'Both',
        },
      },
    ],
  },
  {
    heading: 'Protection and risk',
    fields: [
      {
        name: 'encrypted',
        label: 'Was the information encrypted?',
        type: 'yes-no',
        required: true,
        choiceLabels: YES_NO,
        hint: 'Encrypted to the Department standard (5 FAM 469.3b).',
      },
      {
        name: 'classifiedInvolved',
        label: 'Was classified information involved?',
        type: 'yes-no',
        required: true,
        choiceLabels: YES_NO,
        hint: 'Then it is a security incident too, and DS is told (5 FAM 467.2b).',
      },
      {
        name: 'criminalActSuspected',
        label: 'Do you suspect a crime?',
        type: 'yes-no',
        required: true,
        choiceLabels: YES_NO,
        hint: 'Then OIG Investigations is told (5 FAM 468.3b(2)).',
      },
    ],
  },
];

export const REPORT_FIELDS: FormField[] = REPORT_SECTIONS.flatMap((s) => s.fields);
