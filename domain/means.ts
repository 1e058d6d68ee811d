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
 * The telephone of 468.6-2c is called beside these, not instead of them (activities/telephony.ts): a
 * failed call leaves the person to the means here (`nextMeansAfterCall`). A blank field counts as absent.
 * Our reading of 468.6-2a-c: a call gives the information at once but is no written notice, so a person
 * with a phone and neither a postal nor an email address stays counted into the substitute notice even
 * when the call reaches them (the written notice 468.6-2a makes primary is still precluded for them).
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

/** Where a person whose call failed is reached (5 FAM 468.6-2c, then 468.6-2a/b). */
export type AfterCall = 'email' | 'letter' | 'substitute';

/**
 * The next means for a person whose immediate call failed (no answer, a number not in service, a
 * provider that refused it or stayed out through every attempt): an email, the other immediate means
 * 468.6-2c names; else the letter by first-class mail (468.6-2a); else the substitute notice (468.6-2a/b:
 * no contact information that allows direct written notice). These are the means the roster run of an
 * immediate notice gives the person (`meansFor(person, true)`), so the fall-through is the means that
 * reaches them, never a second message.
 */
export function nextMeansAfterCall(person: RosterEntry): AfterCall {
  const means = meansFor(person, true);
  if (means.includes('email')) return 'email';
  if (means.includes('letter')) return 'letter';
  return 'substitute';
}
