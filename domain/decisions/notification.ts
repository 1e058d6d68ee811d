/**
 * The decisions of notification (docs/lifecycle.md phase 8): the letter, and the security hold of
 * 468.6-3 (a delay asked for, extended or lifted, or notice barred). One entry per kind
 * (domain/decisions/define.ts).
 */
import { boolean, optional } from '../check.js';
import { isoDateTime, letter, roster, text } from './fields.js';
import { BEFORE_LETTERS, define } from './define.js';

export const NOTIFICATION_KINDS = {
  'approve-letter': define({
    fields: { letter, roster, immediate: optional(boolean) },
    decidedBy: 'notificationOfficial', // 468.6-1
    phases: ['notification-prep'],
    family: 'gate',
    form: [
      { name: 'letter.whatHappened', label: 'What happened, with dates', type: 'textarea', required: true },
      { name: 'letter.piiInvolved', label: 'The PII involved', type: 'textarea', required: true },
      { name: 'letter.actionsTaken', label: 'What the Department is doing', type: 'textarea', required: true },
      { name: 'letter.contact.tollFreePhone', label: 'Toll-free number', type: 'text', required: true },
      { name: 'letter.contact.email', label: 'Contact email', type: 'text', required: false },
      { name: 'letter.contact.website', label: 'Contact web site', type: 'text', required: false },
      { name: 'letter.contact.postalAddress', label: 'Contact postal address', type: 'textarea', required: false },
      { name: 'letter.protectiveSteps', label: 'Steps to protect oneself', type: 'textarea', required: true },
      { name: 'letter.protectionAtTime', label: 'How the data was protected', type: 'textarea', required: true },
      {
        name: 'letter.creditProtectionOffer',
        label: 'Credit protection offered',
        type: 'textarea',
        required: false,
        hint: 'required when the CRG chose credit protection (5 FAM 468.6-1b)',
      },
      {
        name: 'roster.url',
        label: 'Roster URL',
        type: 'text',
        required: true,
        hint: 'http(s):// or file://, newline-delimited JSON',
      },
      { name: 'roster.count', label: 'People on the roster', type: 'number', required: true },
      { name: 'immediate', label: 'Notice must be immediate (email)', type: 'checkbox', required: false },
    ],
    words: {
      title: 'Approve the notification letter',
      button: 'Approve the letter',
      then: 'The letters and emails go out to everyone on the roster (5 FAM 468.6).',
    },
  }),
  'request-delay': define({
    fields: { requestingEntity: text(300), reason: text(10_000), notifyAfter: isoDateTime },
    decidedBy: 'securityLiaison', // 468.6-3
    phases: BEFORE_LETTERS,
    family: 'hold',
    toldToPpgb: 'delay-requested',
    form: [
      { name: 'requestingEntity', label: 'Requesting entity', type: 'text', required: true },
      { name: 'reason', label: 'Reason', type: 'textarea', required: true },
      {
        name: 'notifyAfter',
        label: 'Notice no longer harms the investigation after',
        type: 'datetime',
        required: true,
        hint: 'Date and time in UTC.',
      },
    ],
    words: {
      title: 'Ask for notification to be delayed',
      button: 'Ask for the delay',
      then: 'Notification waits until the date given; the PPGB is told (5 FAM 468.6-3).',
    },
  }),
  'extend-delay': define({
    fields: { notifyAfter: isoDateTime },
    decidedBy: 'securityLiaison',
    phases: BEFORE_LETTERS,
    family: 'hold',
    toldToPpgb: 'delay-extended',
    form: [
      {
        name: 'notifyAfter',
        label: 'New date after which notice may go out',
        type: 'datetime',
        required: true,
        hint: 'Date and time in UTC.',
      },
    ],
    words: {
      title: 'Extend the delay of notification',
      button: 'Extend the delay',
      then: 'Notification waits until the new date; the PPGB is told (5 FAM 468.6-3).',
    },
  }),
  'lift-delay': define({
    fields: {},
    decidedBy: 'securityLiaison',
    phases: BEFORE_LETTERS,
    family: 'hold',
    toldToPpgb: 'delay-lifted',
    form: [],
    words: {
      title: 'Lift the delay of notification',
      button: 'Lift the delay',
      then: 'Notification may go out at once; the PPGB is told (5 FAM 468.6-3).',
    },
  }),
  'bar-notification': define({
    fields: { reason: text(10_000) },
    decidedBy: 'securityLiaison', // 468.6-3b
    phases: BEFORE_LETTERS,
    family: 'hold',
    toldToPpgb: 'notification-barred',
    form: [{ name: 'reason', label: 'Reason', type: 'textarea', required: true }],
    words: {
      title: 'Bar notification',
      button: 'Bar notification',
      then: 'No notice goes out, for reasons of national security (5 FAM 468.6-3b); the PPGB is told.',
    },
  }),
};
