/**
 * What the letter must say given the incident (5 FAM 468.6-1a(1), (5), 468.6-1b), beyond its six
 * elements being there (domain/letters.ts letterProblems):
 *
 * - (1) the dates of the breach and of its discovery come from the incident: a date the letter's
 *   "what happened" names that is neither is refused as a contradiction; dates it does not name are
 *   added to it (withIncidentDates), so every person reads the same, correct dates. Reading taken:
 *   the letter may name other events' dates only as one of these two; a letter can say "the same day".
 * - (5) with SSNs, financial or passport data, the steps to obtain fraud alerts and credit freezes.
 * - 468.6-1b: when the CRG chose credit protection (468.5a(2)), the letter carries the offer, one text
 *   for everyone; an offer the CRG did not choose is refused (it would not be extended to all alike).
 */
import type { Letter } from './decision.js';
import { present } from './text.js';
import type { PiiType } from './report.js';

export interface LetterFacts {
  occurredAt?: string | null;
  discoveredAt: string;
  piiTypes: readonly PiiType[];
  options: readonly string[];
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const pad = (n: number) => String(n).padStart(2, '0');
const day = (iso: string) => iso.slice(0, 10);

/** The calendar days (YYYY-MM-DD) a text names: 2026-03-01, 1 March 2026, March 1, 2026. */
export function datesIn(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\b(\d{4})-(\d{2})-(\d{2})\b/g)) found.push(`${m[1]}-${m[2]}-${m[3]}`);
  const month = `(${MONTHS.join('|')})`;
  for (const m of text.matchAll(new RegExp(`\\b(\\d{1,2})\\s+${month}\\s+(\\d{4})\\b`, 'gi')))
    found.push(`${m[3]}-${pad(MONTHS.indexOf(m[2]!.toLowerCase()) + 1)}-${pad(Number(m[1]))}`);
  for (const m of text.matchAll(new RegExp(`\\b${month}\\s+(\\d{1,2}),?\\s+(\\d{4})\\b`, 'gi')))
    found.push(`${m[3]}-${pad(MONTHS.indexOf(m[1]!.toLowerCase()) + 1)}-${pad(Number(m[2]))}`);
  return found;
}

const SENSITIVE: readonly PiiType[] = ['ssn-or-passport-number', 'financial', 'passport-application'];

export function letterRuleProblems(letter: Letter, facts: LetterFacts): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const allowed = [facts.occurredAt ? day(facts.occurredAt) : null, day(facts.discoveredAt)].filter(
    (d): d is string => d !== null,
  );
  const wrong = datesIn(letter.whatHappened ?? '').filter((d) => !allowed.includes(d));
  if (wrong.length) {
    problems.push({
      path: 'whatHappened',
      message: `names ${wrong.join(', ')}, which contradicts the incident: the breach ${facts.occurredAt ? `occurred on ${day(facts.occurredAt)}` : 'has no known date'} and was discovered on ${day(facts.discoveredAt)} (5 FAM 468.6-1a(1))`,
    });
  }
  if (facts.piiTypes.some((t) => SENSITIVE.includes(t))) {
    const steps = letter.protectiveSteps ?? '';
    if (!/fraud alert/i.test(steps) || !/(credit|security) freeze/i.test(steps)) {
      problems.push({
        path: 'protectiveSteps',
        message:
          'expected the steps to obtain fraud alerts and credit freezes: the breach involves SSNs, passport or financial data (5 FAM 468.6-1a(5))',
      });
    }
  }
  const chosen = facts.options.includes('credit-protection');
  if (chosen && !present(letter.creditProtectionOffer)) {
    problems.push({
      path: 'creditProtectionOffer',
      message:
        'required: the CRG chose credit protection, and every person is offered it alike (5 FAM 468.5a(2), 468.6-1b)',
    });
  } else if (!chosen && present(letter.creditProtectionOffer)) {
    problems.push({
      path: 'creditProtectionOffer',
      message:
        'the CRG did not choose credit protection (5 FAM 468.5a(2)): an offer must be decided for all alike (468.6-1b)',
    });
  }
  return problems;
}

/** The letter with element (1)'s dates from the incident added where its text does not name them. */
export function withIncidentDates(letter: Letter, facts: Pick<LetterFacts, 'occurredAt' | 'discoveredAt'>): Letter {
  const named = datesIn(letter.whatHappened);
  const discovered = day(facts.discoveredAt);
  const occurred = facts.occurredAt ? day(facts.occurredAt) : null;
  if (named.includes(discovered) && (!occurred || named.includes(occurred))) return letter;
  const sentence = occurred
    ? `The breach occurred on ${occurred} and was discovered on ${discovered}.`
    : `The breach was discovered on ${discovered}; the date it occurred is not known.`;
  return { ...letter, whatHappened: `${letter.whatHappened.trim()}\n\n${sentence}` };
}
