/**
 * The letter rendered per person (email, mail-vendor letter, 5 FAM 468.6-1a) and for everyone out of
 * reach (substitute notice, 468.6-2b); its elements and their validation are domain/letters.ts.
 *
 * Rendering takes one person and nothing else of the roster, so no output can carry another person's
 * data. The HTML is built for Section 508 (468.6-2b): a language attribute, a heading structure, no
 * styling at all (so nothing is told by colour), a plain-text alternative, and the 711 relay for people
 * who are deaf or hard of hearing. Pure: it runs in the workflow sandbox as well as in activities.
 */
import type { Letter } from './decision.js';
import { isHttpUrl, LETTER_ELEMENTS, tollFreeDigits, type TextElement } from './letters.js';
import type { RosterEntry } from './roster.js';
import { isEmail, present } from './text.js';

export interface LetterContext {
  /** The department as it reads in a sentence: "the Department of State". */
  organization: string;
  /** The incident id (opaque, no PII), so a reader can quote it when calling. */
  incidentRef: string;
  /** The playbook's TTY or relay number (Section 508); absent, 711. */
  ttyRelay?: string | undefined;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** One line: no CR/LF (headers, salutations). */
export const oneLine = (value: string) =>
  value
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
const capitalize = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);
const thousands = (n: number) => String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** A block of plain text as HTML paragraphs: blank lines part paragraphs, single newlines break lines. */
function paragraphs(text: string): string {
  return text
    .trim()
    .split(/\r?\n\s*\r?\n/)
    .map((p) => `<p>${p.split(/\r?\n/).map(escapeHtml).join('<br>\n')}</p>`)
    .join('\n');
}

/**
 * Section 508 (468.6-2b: accommodations such as telecommunications devices for the deaf): the TTY or
 * relay number, the playbook's `accessibility.ttyRelay` when it names one, else 711 (the national
 * Telecommunications Relay Service).
 */
export const DEFAULT_TTY_RELAY = '711';
export function relayLine(ttyRelay: string | undefined): string {
  const number = oneLine(ttyRelay ?? '') || DEFAULT_TTY_RELAY;
  return number === DEFAULT_TTY_RELAY
    ? 'If you are deaf, hard of hearing, or have a speech disability, dial 711 to reach the Telecommunications Relay Service.'
    : `If you are deaf, hard of hearing, or have a speech disability, call TTY ${number}, or dial 711 to reach the Telecommunications Relay Service.`;
}

interface ContactLine {
  text: string;
  html: string;
}

function contactLines(contact: Letter['contact'], ttyRelay?: string): ContactLine[] {
  const lines: ContactLine[] = [];
  const phone = oneLine(contact.tollFreePhone);
  const digits = tollFreeDigits(phone);
  const phoneHtml = digits ? `<a href="tel:+1${digits}">${escapeHtml(phone)}</a>` : escapeHtml(phone);
  lines.push({ text: `Call toll-free: ${phone}`, html: `Call toll-free: ${phoneHtml}` });
  const relay = relayLine(ttyRelay);
  lines.push({ text: relay, html: escapeHtml(relay) });
  if (present(contact.email)) {
    const email = oneLine(contact.email);
    const html = isEmail(email) ? `<a href="mailto:${escapeHtml(email)}">${escapeHtml(email)}</a>` : escapeHtml(email);
    lines.push({ text: `Email: ${email}`, html: `Email: ${html}` });
  }
  if (present(contact.website)) {
    const site = oneLine(contact.website);
    // Only http(s) links: a javascript: or data: address in the letter must never become a link.
    const html = isHttpUrl(site) ? `<a href="${escapeHtml(site)}">${escapeHtml(site)}</a>` : escapeHtml(site);
    lines.push({ text: `Web site: ${site}`, html: `Web site: ${html}` });
  }
  if (present(contact.postalAddress)) {
    lines.push({
      text: `Write to:\n${contact.postalAddress.trim()}`,
      html: `Write to:<br>\n${contact.postalAddress.trim().split(/\r?\n/).map(escapeHtml).join('<br>\n')}`,
    });
  }
  return lines;
}

interface Section {
  heading: string;
  text: string;
  html: string;
}

/** The body sections, in the order a reader needs them; the contact section last. */
function sections(letter: Letter, ttyRelay?: string): Section[] {
  const order: TextElement[] = ['whatHappened', 'piiInvolved', 'actionsTaken', 'protectionAtTime', 'protectiveSteps'];
  const body: Section[] = order.map((field) => {
    const element = LETTER_ELEMENTS.find((e) => e.field === field)!;
    const value = letter[field].trim();
    return { heading: element.heading, text: value, html: paragraphs(value) };
  });
  if (present(letter.creditProtectionOffer)) {
    // 468.6-1b: the same offer in every letter, email and the substitute notice.
    const offer = letter.creditProtectionOffer.trim();
    body.push({ heading: 'Credit protection offered to you', text: offer, html: paragraphs(offer) });
  }
  const contact = contactLines(letter.contact, ttyRelay);
  body.push({
    heading: 'For more information',
    text: contact.map((l) => l.text).join('\n'),
    html: `<ul>\n${contact.map((l) => `<li>${l.html}</li>`).join('\n')}\n</ul>`,
  });
  return body;
}

function textDocument(opening: string[], body: Section[], closing: string[]): string {
  const parts = [...opening];
  for (const s of body) parts.push(`${s.heading}\n${'-'.repeat(s.heading.length)}\n${s.text}`);
  parts.push(...closing);
  return `${parts.join('\n\n')}\n`;
}

function htmlDocument(title: string, heading: string, opening: string[], body: Section[], closing: string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(heading)}</h1>`,
    ...opening.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...body.flatMap((s) => [`<h2>${escapeHtml(s.heading)}</h2>`, s.html]),
    ...closing.map((p) => `<p>${escapeHtml(p)}</p>`),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

const HEADING = 'Notice of a data breach';

function personalParts(person: { name: string }, ctx: LetterContext) {
  const organization = oneLine(ctx.organization) || 'the Department';
  const ref = oneLine(ctx.incidentRef);
  const subject = `${HEADING} that may involve your personal information (${capitalize(organization)}, reference ${ref})`;
  const opening = [
    `Dear ${oneLine(person.name)},`,
    `We are writing to tell you about a breach of personal information held by ${organization} that may involve your information. Please quote reference ${ref} when you contact us.`,
  ];
  const closing = ['Sincerely,', capitalize(organization)];
  return { subject, opening, closing };
}

/** The email to one person: their name, the letter, nothing else of the roster. */
export function renderEmail(letter: Letter, person: { name: string }, ctx: LetterContext): RenderedEmail {
  const { subject, opening, closing } = personalParts(person, ctx);
  const body = sections(letter, ctx.ttyRelay);
  return {
    subject,
    text: textDocument(opening, body, closing),
    html: htmlDocument(subject, HEADING, opening, body, closing),
  };
}

/** What the mail vendor prints and sends by first-class mail (5 FAM 468.6-2a). */
export interface MailVendorLetter {
  reference: string;
  mailClass: 'first-class';
  recipient: { name: string; postalAddress: string };
  /** The sender's return address, when the letter gives one. */
  returnAddress?: string;
  subject: string;
  body: string;
}

export class NoPostalAddressError extends Error {
  override name = 'NoPostalAddressError';
}

/**
 * The letter for one person with a postal address. Only name and postal address of the person go in:
 * the vendor has no use for their email or phone. Throws NoPostalAddressError without an address
 * (meansFor never picks a letter then).
 */
export function renderMailVendorLetter(letter: Letter, person: RosterEntry, ctx: LetterContext): MailVendorLetter {
  if (!present(person.postalAddress))
    throw new NoPostalAddressError('renderMailVendorLetter: the roster entry has no postal address');
  const { subject, opening, closing } = personalParts(person, ctx);
  const result: MailVendorLetter = {
    reference: oneLine(ctx.incidentRef),
    mailClass: 'first-class',
    recipient: { name: oneLine(person.name), postalAddress: person.postalAddress.trim() },
    subject,
    body: textDocument(opening, sections(letter, ctx.ttyRelay), closing),
  };
  if (present(letter.contact.postalAddress)) result.returnAddress = letter.contact.postalAddress.trim();
  return result;
}

export interface SubstituteNotice {
  webPosting: { title: string; html: string; text: string };
  mediaText: string;
}

/**
 * The one substitute notice for everyone without usable contact information (5 FAM 468.6-2b): a
 * conspicuous web posting and a media text, both with the toll-free number to call to ask whether one's
 * information is possibly included. Names nobody.
 */
export function renderSubstituteNotice(
  letter: Letter,
  ctx: { organization: string; affectedCount: number; ttyRelay?: string | undefined },
): SubstituteNotice {
  const organization = oneLine(ctx.organization) || 'the Department';
  const phone = oneLine(letter.contact.tollFreePhone);
  const count = Number.isFinite(ctx.affectedCount) && ctx.affectedCount > 0 ? ctx.affectedCount : 0;
  const people = count === 1 ? '1 person' : `${thousands(count)} people`;
  const title = `${HEADING} at ${capitalize(organization)}`;
  const callToAsk = `To ask whether your personal information is possibly included, call toll-free ${phone}. ${relayLine(ctx.ttyRelay)}`;
  const opening = [
    `${capitalize(organization)} is giving notice of a breach of personal information. We could not reach ${people} affected by it directly, because their contact information is missing or out of date.`,
    callToAsk,
  ];
  const body = sections(letter, ctx.ttyRelay);
  const closing = [capitalize(organization)];
  const website = present(letter.contact.website) ? ` More information: ${oneLine(letter.contact.website)}.` : '';
  const mediaText = [
    `${title}.`,
    `${capitalize(organization)} is notifying the public of a breach of personal information that may affect ${people} it could not reach directly.`,
    letter.whatHappened.trim(),
    `Information involved: ${letter.piiInvolved.trim()}`,
    `${callToAsk}${website}`,
  ].join('\n\n');
  return {
    webPosting: {
      title,
      text: textDocument(opening, body, closing),
      html: htmlDocument(title, title, opening, body, closing),
    },
    mediaText: `${mediaText}\n`,
  };
}
