/**
 * The letter rendered once per incident and letter version, each person's copy filled in from it
 * (5 FAM 468.6-1a, 468.6-2a). A notification run sends the same letter to every person; only the
 * salutation differs, so the run renders the documents once (domain/letter-render.ts) and keeps them as the
 * text either side of the name. The pieces are cut from what renderEmail and renderMailVendorLetter
 * produce, so a filled copy is exactly theirs (tests/rules/letter-template.test.ts holds them equal).
 */
import type { Letter } from './decision.js';
import type { RosterEntry } from './roster.js';
import {
  escapeHtml,
  NoPostalAddressError,
  oneLine,
  renderEmail,
  renderMailVendorLetter,
  type LetterContext,
  type MailVendorLetter,
  type RenderedEmail,
} from './letter-render.js';
import { present } from './text.js';

export interface LetterTemplate {
  subject: string;
  /** The email's plain text and HTML, and the vendor letter's body, before and after the name. */
  text: readonly [string, string];
  html: readonly [string, string];
  reference: string;
  returnAddress?: string;
}

/** A copy rendered with an empty name: its salutation reads "Dear ," and the name goes before the comma. */
const SALUTATION = 'Dear ,';

function cut(document: string, at: number, what: string): readonly [string, string] {
  if (at < 0) throw new Error(`letterTemplate: the ${what} has no salutation`);
  const nameAt = at + SALUTATION.indexOf(',');
  return [document.slice(0, nameAt), document.slice(nameAt)];
}

export function letterTemplate(letter: Letter, ctx: LetterContext): LetterTemplate {
  const email = renderEmail(letter, { name: '' }, ctx);
  // The text opens with the salutation. In the HTML the salutation is the first paragraph that reads so:
  // everything before it (the title, the heading) is escaped, so no letter text can make one earlier.
  const text = cut(email.text, email.text.startsWith(SALUTATION) ? 0 : -1, 'text');
  const paragraph = email.html.indexOf(`<p>${SALUTATION}</p>`);
  const html = cut(email.html, paragraph < 0 ? -1 : paragraph + '<p>'.length, 'HTML');
  const vendor = renderMailVendorLetter(letter, { name: '', postalAddress: '-' }, ctx);
  if (vendor.body !== email.text) throw new Error('letterTemplate: the vendor letter differs from the email text');
  return {
    subject: email.subject,
    text,
    html,
    reference: vendor.reference,
    ...(vendor.returnAddress !== undefined ? { returnAddress: vendor.returnAddress } : {}),
  };
}

/** The email to one person, as renderEmail makes it. */
export function fillEmail(template: LetterTemplate, person: { name: string }): RenderedEmail {
  const name = oneLine(person.name);
  return {
    subject: template.subject,
    text: template.text[0] + name + template.text[1],
    html: template.html[0] + escapeHtml(name) + template.html[1],
  };
}

/** The mail vendor's letter to one person, as renderMailVendorLetter makes it (the same refusal without an address). */
export function fillMailVendorLetter(template: LetterTemplate, person: RosterEntry): MailVendorLetter {
  if (!present(person.postalAddress))
    throw new NoPostalAddressError('renderMailVendorLetter: the roster entry has no postal address');
  const name = oneLine(person.name);
  const result: MailVendorLetter = {
    reference: template.reference,
    mailClass: 'first-class',
    recipient: { name, postalAddress: person.postalAddress.trim() },
    subject: template.subject,
    body: template.text[0] + name + template.text[1],
  };
  if (template.returnAddress !== undefined) result.returnAddress = template.returnAddress;
  return result;
}
