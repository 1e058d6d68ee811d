import { describe, expect, it } from 'vitest';
import type { Letter } from '../../domain/decision.js';
import {
  escapeHtml,
  NoPostalAddressError,
  renderEmail,
  renderMailVendorLetter,
  renderSubstituteNotice,
} from '../../domain/letter-render.js';
import { isTollFree, LETTER_ELEMENTS, letterProblems, tollFreeDigits } from '../../domain/letters.js';
import type { RosterEntry } from '../../domain/roster.js';

const letter: Letter = {
  whatHappened:
    'On 1 March 2026 a box of personnel files was left in a taxi in Frankfurt. We learned of it on 2 March 2026.',
  piiInvolved: 'Full name, Social Security number and date of birth.',
  actionsTaken: 'We recovered the box, are investigating, and have retrained the staff involved.',
  contact: {
    tollFreePhone: '1-800-555-0100',
    email: 'privacy-help@state.example',
    website: 'https://www.state.example/breach',
    postalAddress: 'Privacy Division\n2201 C Street NW\nWashington, DC 20520',
  },
  protectiveSteps: 'Place a fraud alert with one of the credit bureaus and review your credit reports.',
  protectionAtTime: 'The files were in a sealed box; they were not encrypted.',
};
const ctx = { organization: 'the Department of State', incidentRef: 'INC-2026-0042' };

const roster: RosterEntry[] = [
  {
    name: 'Ada Quill',
    email: 'ada.quill@mail.example',
    postalAddress: '1 Elm Street\nSpringfield, VA 22150',
    phone: '703-555-0111',
  },
  {
    name: 'Bruno Vasquez-Lin',
    email: 'bruno.vl@mail.example',
    postalAddress: '77 Harbor Road\nPortland, ME 04101',
    phone: '207-555-0122',
  },
  {
    name: 'Chidi Okonkwo',
    email: 'chidi@mail.example',
    postalAddress: '9 Birch Lane, Apt 3\nTucson, AZ 85701',
    phone: '520-555-0133',
  },
];
const dataOf = (p: RosterEntry) =>
  [p.name, p.email, p.phone, ...(p.postalAddress ?? '').split('\n')].filter((x): x is string => !!x);

describe('letterProblems: the six elements of 5 FAM 468.6-1a', () => {
  it('468.6-1a: accepts a complete letter', () => {
    expect(letterProblems(letter)).toEqual([]);
  });

  const textElements = ['whatHappened', 'piiInvolved', 'actionsTaken', 'protectiveSteps', 'protectionAtTime'] as const;
  it.each(textElements.flatMap((field) => ['', '   \n '].map((value) => [field, value])))(
    'refuses %s = %j, naming the field',
    (field, value) => {
      const element = LETTER_ELEMENTS.find((e) => e.field === field)!;
      expect(letterProblems({ ...letter, [field]: value })).toEqual([
        { path: field, message: `required: ${element.expected} (${element.paragraph})` },
      ]);
    },
  );

  it.each(['', '  '])('refuses contact.tollFreePhone = %j (468.6-1a(4))', (tollFreePhone) => {
    expect(letterProblems({ ...letter, contact: { ...letter.contact, tollFreePhone } })).toEqual([
      {
        path: 'contact.tollFreePhone',
        message: expect.stringMatching(
          /^required: contact procedures with a toll-free telephone number \(5 FAM 468\.6-1a\(4\)\)/,
        ),
      },
    ]);
  });

  it('468.6-1a: names every missing element at once', () => {
    const empty: Letter = {
      whatHappened: '',
      piiInvolved: '',
      actionsTaken: '',
      contact: { tollFreePhone: '' },
      protectiveSteps: '',
      protectionAtTime: '',
    };
    expect(letterProblems(empty).map((p) => p.path)).toEqual([
      'whatHappened',
      'piiInvolved',
      'actionsTaken',
      'contact.tollFreePhone',
      'protectiveSteps',
      'protectionAtTime',
    ]);
  });

  it('468.6-1a: needs the toll-free number only: email, web site and postal address are optional', () => {
    expect(letterProblems({ ...letter, contact: { tollFreePhone: '(888) 555-0100' } })).toEqual([]);
  });

  it.each([
    ['email', { email: 'not an address' }, 'contact.email'],
    ['web site', { website: 'javascript:alert(1)' }, 'contact.website'],
    ['web site', { website: 'www.state.example' }, 'contact.website'],
  ])('refuses a malformed %s', (_name, patch, path) => {
    expect(letterProblems({ ...letter, contact: { ...letter.contact, ...patch } }).map((p) => p.path)).toEqual([path]);
  });

  it('treats a blank optional contact field as absent', () => {
    expect(letterProblems({ ...letter, contact: { ...letter.contact, email: ' ', website: '' } })).toEqual([]);
  });
});

describe('toll-free numbers', () => {
  it.each([
    ['1-800-555-0100', '8005550100'],
    ['(888) 555-0100', '8885550100'],
    ['+1 877 555 0100', '8775550100'],
    ['800.555.0100', '8005550100'],
    ['8335550100', '8335550100'],
    ['1 (844) 555-0100', '8445550100'],
    ['855-555-0100 ext. 12', '8555550100'],
    [' 866-555-0100 ', '8665550100'],
    ['+18775550100', '8775550100'],
  ])('accepts %j', (phone, digits) => {
    expect(tollFreeDigits(phone)).toBe(digits);
    expect(letterProblems({ ...letter, contact: { ...letter.contact, tollFreePhone: phone } })).toEqual([]);
  });

  it.each([
    '202-555-0100',
    '1-900-555-0100',
    '822-555-0100',
    '1-800-555-010',
    '1-800-555-01000',
    'call us',
    '800-CALL-NOW',
    '+44 800 555 0100',
    '1-800-555-0100; rm -rf',
  ])('refuses %j, naming the field', (phone) => {
    expect(isTollFree(phone)).toBe(false);
    expect(letterProblems({ ...letter, contact: { ...letter.contact, tollFreePhone: phone } })).toEqual([
      {
        path: 'contact.tollFreePhone',
        message: expect.stringMatching(/^expected a US toll-free number \(800\/833\/844\/855\/866\/877\/888\)/),
      },
    ]);
  });
});

describe('renderEmail', () => {
  const mail = renderEmail(letter, { name: 'Ada Quill' }, ctx);

  it('greets the person by name and quotes the reference', () => {
    expect(mail.text).toMatch(/^Dear Ada Quill,/);
    expect(mail.html).toContain('<p>Dear Ada Quill,</p>');
    expect(mail.subject).toContain('INC-2026-0042');
    expect(mail.subject).toContain('The Department of State');
    expect(mail.subject).not.toContain('Ada');
  });

  it('468.6-1a: carries all six elements in the text and the HTML', () => {
    for (const value of [
      letter.whatHappened,
      letter.piiInvolved,
      letter.actionsTaken,
      letter.protectiveSteps,
      letter.protectionAtTime,
      letter.contact.tollFreePhone,
    ]) {
      expect(mail.text).toContain(value);
      expect(mail.html).toContain(escapeHtml(value));
    }
    expect(mail.text).toContain('privacy-help@state.example');
    expect(mail.text).toContain('https://www.state.example/breach');
    expect(mail.text).toContain('2201 C Street NW');
  });

  it('is accessible HTML (Section 508): language, title, one h1, a heading per section, no colour', () => {
    expect(mail.html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(mail.html).toContain('<meta charset="utf-8">');
    expect(mail.html).toMatch(/<title>[^<]+<\/title>/);
    expect(mail.html.match(/<h1>/g)).toHaveLength(1);
    const h2 = [...mail.html.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1]);
    expect(h2).toEqual([
      'What happened',
      'What information was involved',
      'What we are doing',
      'How your information was protected',
      'What you can do',
      'For more information',
    ]);
    expect(mail.html).not.toMatch(/style|color|colour|<font|bgcolor/i);
    expect(mail.html).toContain('<main>');
    expect(mail.html).toContain('dial 711');
    expect(mail.html).toContain('<a href="tel:+18005550100">1-800-555-0100</a>');
  });

  it('has a plain-text alternative with the same headings and no markup', () => {
    expect(mail.text).not.toMatch(/<[a-z!/]/i);
    for (const e of LETTER_ELEMENTS) expect(mail.text).toContain(`${e.heading}\n${'-'.repeat(e.heading.length)}`);
  });

  it('escapes HTML in the name and in every field', () => {
    const evil = '<script>alert("x")</script>';
    const m = renderEmail(
      {
        ...letter,
        whatHappened: evil,
        contact: { ...letter.contact, website: `https://x.example/"><script>`, email: `a@b.example` },
      },
      { name: `Eve ${evil} & Co` },
      { organization: `<b>Org</b>`, incidentRef: 'INC-1' },
    );
    expect(m.html).not.toContain('<script>');
    expect(m.html).not.toContain('<b>');
    expect(m.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(m.html).toContain('Eve &lt;script&gt;');
    expect(m.html).toContain('&amp; Co');
    expect(m.text).toContain(`Dear Eve ${evil} & Co,`);
  });

  it('makes only http(s) addresses into links', () => {
    const m = renderEmail(
      { ...letter, contact: { ...letter.contact, website: 'javascript:alert(1)' } },
      { name: 'A' },
      ctx,
    );
    expect(m.html).not.toContain('href="javascript');
    expect(m.html).toContain('Web site: javascript:alert(1)');
  });

  it('keeps the subject on one line', () => {
    const m = renderEmail(
      letter,
      { name: 'A' },
      { organization: 'the Department\r\nBcc: x@evil.example', incidentRef: 'INC-1\n' },
    );
    expect(m.subject).not.toMatch(/[\r\n]/);
  });

  it.each(roster.map((p, i) => [p.name, i]))(
    'for %s: their name and nothing of anyone else on the roster',
    (_name, i) => {
      const person = roster[i]!;
      const m = renderEmail(letter, person, ctx);
      const all = `${m.subject}\n${m.text}\n${m.html}`;
      expect(all).toContain(person.name);
      for (const other of roster.filter((_, j) => j !== i))
        for (const datum of dataOf(other)) expect(all).not.toContain(datum);
      // Nothing of the person beyond the name either: the email address is the envelope's business.
      for (const datum of [person.email!, person.phone!, ...person.postalAddress!.split('\n')])
        expect(all).not.toContain(datum);
    },
  );
});

describe('renderMailVendorLetter', () => {
  it.each(roster.map((p, i) => [p.name, i]))(
    'for %s: name and postal address, first class, nothing of anyone else',
    (_name, i) => {
      const person = roster[i]!;
      const l = renderMailVendorLetter(letter, person, ctx);
      expect(l).toMatchObject({
        reference: 'INC-2026-0042',
        mailClass: 'first-class',
        recipient: { name: person.name, postalAddress: person.postalAddress },
      });
      expect(l.returnAddress).toBe(letter.contact.postalAddress);
      expect(l.body).toMatch(new RegExp(`^Dear ${person.name},`));
      for (const value of [
        letter.whatHappened,
        letter.piiInvolved,
        letter.actionsTaken,
        letter.protectiveSteps,
        letter.protectionAtTime,
        letter.contact.tollFreePhone,
      ]) {
        expect(l.body).toContain(value);
      }
      const all = JSON.stringify(l);
      for (const other of roster.filter((_, j) => j !== i))
        for (const datum of dataOf(other)) expect(all).not.toContain(JSON.stringify(datum).slice(1, -1));
      expect(all).not.toContain(person.email!);
      expect(all).not.toContain(person.phone!);
    },
  );

  it.each([undefined, '', '   '])('refuses a person with postal address %j', (postalAddress) => {
    expect(() => renderMailVendorLetter(letter, { name: 'No Address', postalAddress }, ctx)).toThrow(
      NoPostalAddressError,
    );
  });

  it('leaves out the return address when the letter gives none', () => {
    const { postalAddress: _ignored, ...contact } = letter.contact;
    expect(renderMailVendorLetter({ ...letter, contact }, roster[0]!, ctx).returnAddress).toBeUndefined();
  });
});

describe('renderSubstituteNotice (5 FAM 468.6-2b)', () => {
  const notice = renderSubstituteNotice(letter, { organization: 'the Department of State', affectedCount: 12_345 });

  it('468.6-2b: carries the toll-free number to call in the web posting and the media text', () => {
    for (const text of [notice.webPosting.text, notice.webPosting.html, notice.mediaText]) {
      expect(text).toContain('1-800-555-0100');
      expect(text).toMatch(/possibly included/);
    }
  });

  it('468.6-2b: tells how many could not be reached and names nobody', () => {
    expect(notice.mediaText).toContain('12,345 people');
    expect(notice.webPosting.text).toContain('12,345 people');
    expect(notice.webPosting.text).not.toContain('Dear');
    const all = JSON.stringify(notice);
    for (const p of roster) for (const datum of dataOf(p)) expect(all).not.toContain(datum);
  });

  it('is accessible HTML with the six elements', () => {
    expect(notice.webPosting.title).toBe('Notice of a data breach at The Department of State');
    expect(notice.webPosting.html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(notice.webPosting.html).toContain(`<h1>${notice.webPosting.title}</h1>`);
    expect(notice.webPosting.html.match(/<h2>/g)).toHaveLength(6);
    expect(notice.webPosting.html).not.toMatch(/style|color/i);
    expect(notice.webPosting.html).toContain('711');
  });

  it('escapes HTML', () => {
    const n = renderSubstituteNotice(
      { ...letter, piiInvolved: '<script>x</script>' },
      { organization: 'the <i>Department</i>', affectedCount: 1 },
    );
    expect(n.webPosting.html).not.toMatch(/<script>|<i>/);
    expect(n.webPosting.text).toContain('1 person ');
  });

  it('mentions the web site in the media text when there is one', () => {
    expect(notice.mediaText).toContain('https://www.state.example/breach');
  });
});
