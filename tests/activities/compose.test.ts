import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { composesRaw, createMimeComposer, type AlternativeMail } from '../../activities/compose.js';
import { fillEmail, fillMailVendorLetter, letterTemplate } from '../../domain/letter-template.js';
import { renderEmail, renderMailVendorLetter } from '../../domain/letter-render.js';
import type { Letter } from '../../domain/decision.js';
import { noticeMessageId } from '../../security/notice-ref.js';

const FROM = 'Breach Response <breach-response@privacy.example.gov>';
const DATE = new Date('2026-12-07T03:04:05.678Z');
const ctx = { organization: 'the Department of State', incidentRef: 'INC-2026-0042' };
const LETTER: Letter = {
  whatHappened: 'A laptop holding your record was stolen; the theft was discovered the same day.',
  piiInvolved: 'Your full name, passport number and date of birth.',
  actionsTaken: 'We reported the theft to law enforcement, disabled the account and are reviewing our safeguards.',
  protectionAtTime: 'The laptop was password protected but its disk was not encrypted.',
  protectiveSteps:
    'Place a fraud alert with a credit bureau, review your credit reports, and consider a credit freeze.',
  contact: {
    tollFreePhone: '1-800-555-0100',
    email: 'privacy@state.example',
    website: 'https://state.example/breach',
    postalAddress: 'Privacy Office\n2201 C Street NW\nWashington, DC 20520',
  },
};
/** Short lines and ASCII only: nodemailer sends such parts 7bit, until a name makes them otherwise. */
const SHORT: Letter = {
  whatHappened: 'A laptop was stolen.',
  piiInvolved: 'Names.',
  actionsTaken: 'We told the police.',
  protectionAtTime: 'A password.',
  protectiveSteps: 'Watch your mail.',
  contact: { tollFreePhone: '1-800-555-0100' },
};

const NAMES = [
  'Robin Reporter',
  'Zoë Ñandú-O’Brien',
  "Seán O'Connor",
  '"Quoted" Name, Jr.',
  'José   Álvarez\tGarcía',
  '李小龍',
  'Мария Иванова',
  'محمد عبد الله',
  'Ngozi 🙂 Okafor',
  'A'.repeat(120),
  `${'Wolfeschlegelsteinhausenbergerdorff '.repeat(4)}Sr.`,
  'x=y? =?utf-8?q?not-a-word?=',
  'Back\\slash <angle> & "amp"',
];

/** What nodemailer's own composer writes for the message, with the same Date and boundary. */
async function nodemailerBytes(mail: AlternativeMail, subject: string): Promise<{ raw: Buffer; to: string[] }> {
  const base = (await import('node:crypto')).createHash('sha256').update(mail.messageId).digest('hex').slice(0, 16);
  const message = new MailComposer({
    from: FROM,
    to: mail.to,
    subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    date: DATE,
    baseBoundary: base,
  } as ConstructorParameters<typeof MailComposer>[0]).compile();
  return { raw: await message.build(), to: message.getEnvelope().to };
}

async function expectSameBytes(letter: Letter, name: string, line: number, address = 'person@example.org') {
  const template = letterTemplate(letter, ctx);
  const compose = createMimeComposer(FROM, template.subject, { now: () => DATE });
  const mail: AlternativeMail = {
    to: { name, address },
    messageId: noticeMessageId(ctx.incidentRef, line),
    ...fillEmail(template, { name }),
  };
  const ours = compose(mail);
  const theirs = await nodemailerBytes(mail, template.subject);
  if (!ours) return 'left to nodemailer';
  const raw = ours.raw.toString('utf-8');
  expect(raw).toBe(theirs.raw.toString('utf-8'));
  expect(ours.envelope).toEqual({ from: 'breach-response@privacy.example.gov', to: theirs.to });
  return /Content-Transfer-Encoding: 7bit/.test(raw) ? 'composed 7bit' : 'composed';
}

describe('compose once, send many (468.6-1a letters)', () => {
  it('468.6-1a: a filled template is the letter renderEmail and renderMailVendorLetter make, for any name', () => {
    for (const letter of [LETTER, SHORT]) {
      const template = letterTemplate(letter, ctx);
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }), (name) => {
          const person = { name, postalAddress: ' 1 Main St\nSpringfield ' };
          expect(fillEmail(template, person)).toEqual(renderEmail(letter, person, ctx));
          expect(JSON.stringify(fillMailVendorLetter(template, person))).toBe(
            JSON.stringify(renderMailVendorLetter(letter, person, ctx)),
          );
        }),
        { numRuns: 300 },
      );
      expect(() => fillMailVendorLetter(template, { name: 'No Address' })).toThrow(/no postal address/);
    }
  });

  it('writes the bytes nodemailer composes: headers, encodings and line lengths, non-ASCII names included', async () => {
    const outcomes: string[] = [];
    for (const [line, name] of NAMES.entries()) {
      outcomes.push(await expectSameBytes(LETTER, name, line));
      outcomes.push(await expectSameBytes(SHORT, name, line));
    }
    // Every name is composed here, none left to nodemailer (a letter's opening line is longer than 76
    // characters, so its parts are quoted-printable).
    expect(outcomes.every((o) => o === 'composed')).toBe(true);
  });

  it('writes a part of short ASCII lines 7bit, as nodemailer does, until a name makes it otherwise', async () => {
    const compose = createMimeComposer(FROM, 'Short', { now: () => DATE });
    for (const [name, encoding] of [
      ['Ann Lee', '7bit'],
      ['Zoë Ñandú', 'quoted-printable'],
      ['B'.repeat(80), 'quoted-printable'],
    ] as const) {
      const mail: AlternativeMail = {
        to: { name, address: 'ann@example.org' },
        messageId: '<short.1@notify.breach-response>',
        text: `Dear ${name},\n\nShort lines.\n`,
        html: `<p>Dear ${name},</p>\n<p>Short lines.</p>\n`,
      };
      const raw = compose(mail)!.raw.toString('utf-8');
      expect(raw).toBe((await nodemailerBytes(mail, 'Short')).raw.toString('utf-8'));
      expect(raw).toContain(`Content-Transfer-Encoding: ${encoding}`);
    }
  });

  it('writes the bytes nodemailer composes for random names and addresses', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 90 }),
        fc.constantFrom('a@example.org', 'first.last+tag@sub.example.gov', "o'brien@example.com"),
        fc.nat(2_000_000),
        async (name, address, line) => {
          await expectSameBytes(LETTER, name, line, address);
          await expectSameBytes(SHORT, name, line, address);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('leaves to nodemailer a letter it would send in base64 (mostly non-Latin text)', async () => {
    const letter: Letter = {
      ...SHORT,
      whatHappened: '笔记本电脑被盗。'.repeat(40),
      piiInvolved: '姓名、护照号码。'.repeat(20),
    };
    expect(await expectSameBytes(letter, '李小龍', 1)).toBe('left to nodemailer');
  });

  it('composes raw only for a transport whose messages no plugin changes (the exercise marking)', () => {
    const transport = nodemailer.createTransport({ jsonTransport: true });
    expect(composesRaw(transport)).toBe(true);
    transport.use('compile', (_mail, done) => done());
    expect(composesRaw(transport)).toBe(false);
  });
});
