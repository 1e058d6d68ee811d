import { describe, expect, it } from 'vitest';
import { meansFor, nextMeansAfterCall, type AfterCall, type Means } from '../../domain/means.js';
import { parseRosterLine, rosterEntrySchema, type RosterEntry } from '../../domain/roster.js';

const POSTAL = '1 Elm Street\nSpringfield, VA 22150';
const EMAIL = 'ada.quill@mail.example';

describe('meansFor (5 FAM 468.6-2, docs/contract.md "Means")', () => {
  // postal address, email, immediate → means
  const table: [string | undefined, string | undefined, boolean, Means[]][] = [
    [POSTAL, EMAIL, true, ['letter', 'email']], // 468.6-2a letter first; 468.6-2c email as well when immediate
    [POSTAL, EMAIL, false, ['letter']], // 468.6-2a first-class mail is primary
    [POSTAL, undefined, true, ['letter']],
    [POSTAL, undefined, false, ['letter']],
    [undefined, EMAIL, true, ['email']],
    [undefined, EMAIL, false, ['email']], // no postal address: email
    [undefined, undefined, true, ['substitute']], // 468.6-2b
    [undefined, undefined, false, ['substitute']],
  ];
  it.each(table)('468.6-2: postal %j, email %j, immediate %s → %j', (postalAddress, email, immediate, expected) => {
    const person: RosterEntry = {
      name: 'Ada Quill',
      ...(postalAddress ? { postalAddress } : {}),
      ...(email ? { email } : {}),
    };
    expect(meansFor(person, immediate)).toEqual(expected);
  });

  // Blank fields count as absent.
  it.each([
    [{ postalAddress: '   ', email: EMAIL }, false, ['email']],
    [{ postalAddress: POSTAL, email: '' }, true, ['letter']],
    [{ postalAddress: '', email: '  ' }, true, ['substitute']],
    [{ postalAddress: '\n', email: '' }, false, ['substitute']],
  ] as [Partial<RosterEntry>, boolean, Means[]][])(
    'blank counts as absent: %j, immediate %s → %j',
    (fields, immediate, expected) => {
      expect(meansFor({ name: 'Ada Quill', ...fields }, immediate)).toEqual(expected);
    },
  );

  it('468.6-2a-c: the phone is no means of the roster run: calls go beside it (activities/telephony.ts), so a phone-only person stays in the substitute notice whatever the call did (no written notice reached them)', () => {
    expect(meansFor({ name: 'Ada Quill', phone: '703-555-0111' }, true)).toEqual(['substitute']);
  });
});

describe('nextMeansAfterCall (5 FAM 468.6-2c, then 468.6-2a/b)', () => {
  const PHONE = '703-555-0111';
  it.each([
    [{ email: EMAIL, postalAddress: POSTAL }, 'email'], // 468.6-2c: the other immediate means first
    [{ email: EMAIL }, 'email'],
    [{ postalAddress: POSTAL }, 'letter'], // 468.6-2a: first-class mail
    [{ postalAddress: POSTAL, email: '  ' }, 'letter'],
    [{}, 'substitute'], // 468.6-2a/b: no contact information for written notice
    [{ postalAddress: '', email: '' }, 'substitute'],
  ] as [Partial<RosterEntry>, AfterCall][])(
    '468.6-2c: a failed call for %j falls to %s, a means the immediate roster run gives the person',
    (fields, expected) => {
      const person: RosterEntry = { name: 'Ada Quill', phone: PHONE, ...fields };
      expect(nextMeansAfterCall(person)).toBe(expected);
      expect(meansFor(person, true)).toContain(expected);
    },
  );
});

describe('rosterEntrySchema', () => {
  it.each([
    [{ name: 'Ada Quill' }],
    [{ name: 'Ada Quill', email: EMAIL, postalAddress: POSTAL, phone: '703-555-0111' }],
    [{ name: 'Ada Quill', email: '', postalAddress: '' }],
  ])('accepts %j', (entry) => {
    expect(rosterEntrySchema.safeParse(entry).success).toBe(true);
  });

  it.each([
    [{}, 'name'],
    [{ name: '  ' }, 'name'],
    [{ name: 'Ada', email: 'not-an-email' }, 'email'],
    [{ name: 'Ada', postal_address: POSTAL }, ''],
  ])('refuses %j, naming the field', (entry, path) => {
    const result = rosterEntrySchema.safeParse(entry);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path.join('.')).toBe(path);
  });

  it('parseRosterLine: an entry, or issues naming the field and never the value', () => {
    expect(parseRosterLine(JSON.stringify({ name: 'Ada Quill', email: EMAIL }))).toEqual({
      ok: true,
      entry: { name: 'Ada Quill', email: EMAIL },
    });
    expect(parseRosterLine('{"name": "Ada"')).toEqual({
      ok: false,
      issues: [{ path: '(root)', message: 'expected a JSON object on one line' }],
    });
    const bad = parseRosterLine(JSON.stringify({ name: 'Ada Quill', email: 'ada at mail' }));
    expect(bad).toEqual({ ok: false, issues: [{ path: 'email', message: expect.any(String) }] });
    expect(JSON.stringify(bad)).not.toContain('ada at mail');
  });
});
