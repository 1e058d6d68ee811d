/**
 * The letter to affected individuals (5 FAM 468.6-1a): its six elements and their validation, and what
 * counts as a toll-free number. Rendering it per person and for everyone out of reach is
 * domain/letter-render.ts. Pure: it runs in the workflow sandbox as well as in activities.
 */
import type { Letter } from './decision.js';
import { isEmail, present } from './text.js';

/** US toll-free area codes (FCC, 47 CFR 52.101). */
export const TOLL_FREE_PREFIXES = ['800', '833', '844', '855', '866', '877', '888'] as const;

const PHONE =
  /^(?:\+?1[\s.-]?)?(?:\((\d{3})\)|(\d{3}))[\s.-]?(\d{3})[\s.-]?(\d{4})(?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?$/i;

/** The ten digits of a US toll-free number written in a common format, else undefined. */
export function tollFreeDigits(phone: string): string | undefined {
  const match = PHONE.exec(phone.trim());
  if (!match) return undefined;
  const area = match[1] ?? match[2] ?? '';
  if (!(TOLL_FREE_PREFIXES as readonly string[]).includes(area)) return undefined;
  return `${area}${match[3]}${match[4]}`;
}

export function isTollFree(phone: string): boolean {
  return tollFreeDigits(phone) !== undefined;
}

export type TextElement = 'whatHappened' | 'piiInvolved' | 'actionsTaken' | 'protectiveSteps' | 'protectionAtTime';

/** The six elements of 5 FAM 468.6-1a, in the order of the paragraph, with the heading each gets. */
export const LETTER_ELEMENTS = [
  {
    field: 'whatHappened',
    paragraph: '5 FAM 468.6-1a(1)',
    heading: 'What happened',
    expected: 'what happened, with the dates of the breach and its discovery if known',
  },
  {
    field: 'piiInvolved',
    paragraph: '5 FAM 468.6-1a(2)',
    heading: 'What information was involved',
    expected: 'the types of personal information involved',
  },
  {
    field: 'actionsTaken',
    paragraph: '5 FAM 468.6-1a(3)',
    heading: 'What we are doing',
    expected: 'what the Department is doing to investigate, mitigate harm and protect against further breach',
  },
  {
    field: 'contact',
    paragraph: '5 FAM 468.6-1a(4)',
    heading: 'For more information',
    expected: 'contact procedures with a toll-free telephone number',
  },
  {
    field: 'protectiveSteps',
    paragraph: '5 FAM 468.6-1a(5)',
    heading: 'What you can do',
    expected: 'the steps individuals should take to protect themselves',
  },
  {
    field: 'protectionAtTime',
    paragraph: '5 FAM 468.6-1a(6)',
    heading: 'How your information was protected',
    expected: 'how the information was protected at the time of the breach',
  },
] as const;

export interface LetterProblem {
  path: string;
  message: string;
}

export const isHttpUrl = (value: string) => /^https?:\/\/[^\s<>"']+$/i.test(value.trim());

/**
 * Problems of a letter, each naming the field by its path in the letter (`contact.tollFreePhone`; the
 * caller prefixes `letter.` where the letter sits in a decision); empty when all six elements are there.
 */
export function letterProblems(letter: Letter): LetterProblem[] {
  const problems: LetterProblem[] = [];
  for (const element of LETTER_ELEMENTS) {
    if (element.field === 'contact') {
      const contact = letter.contact ?? { tollFreePhone: '' };
      const phone = contact.tollFreePhone ?? '';
      if (!present(phone)) {
        problems.push({
          path: 'contact.tollFreePhone',
          message: `required: ${element.expected} (${element.paragraph})`,
        });
      } else if (!isTollFree(phone)) {
        problems.push({
          path: 'contact.tollFreePhone',
          message: `expected a US toll-free number (${TOLL_FREE_PREFIXES.join('/')}), e.g. 1-800-555-0100 (${element.paragraph}, 468.6-2b)`,
        });
      }
      if (present(contact.email) && !isEmail(contact.email.trim())) {
        problems.push({ path: 'contact.email', message: 'expected an email address' });
      }
      if (present(contact.website) && !isHttpUrl(contact.website)) {
        problems.push({ path: 'contact.website', message: 'expected an http(s):// address' });
      }
      continue;
    }
    const value = letter[element.field as TextElement];
    if (!present(value))
      problems.push({ path: element.field, message: `required: ${element.expected} (${element.paragraph})` });
  }
  return problems;
}
