import type { RosterEntry } from './roster.js';
import { present } from './text.js';

/** How one affected person is notified (5 FAM 468.6-2). */
export const MEANS = ['letter', 'email', 'substitute'] as const;
export type Means = (typeof MEANS)[number];

/**
 * The means of notice for one person, as docs/contract.md words it: a letter through the mail vendor where
 * there is a postal address; an email where notice is immediate or there is no postal address; neither:
 * counted into one substitute notice.
 *
 * - 5 FAM 468.6-2a: first-class mail is the primary means.
 * - 5 FAM 468.6-2c: where notice must be immediate, email as well (the letter still goes: it is the
 *   primary, durable notice).
 * - 5 FAM 468.6-2a/b: insufficient contact information, a substitute notice (web posting and media).
 *
 * The telephone of 468.6-2c is not a means here: the roster's `phone` is kept for the call centre, and
 * calls are not something the workflow can place. A blank field counts as absent.
 */
export function meansFor(person: RosterEntry, immediate: boolean): Means[] {
  const hasPostal = present(person.postalAddress);
  const hasEmail = present(person.email);
  const means: Means[] = [];
  if (hasPostal) means.push('letter');
  if (hasEmail && (immediate || !hasPostal)) means.push('email');
  if (means.length === 0) means.push('substitute');
  return means;
}
