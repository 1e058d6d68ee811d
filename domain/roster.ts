import { z } from 'zod';
import { issuesOf } from './issues.js';

const emailSchema = z.email();

/**
 * One line of the roster of affected individuals (docs/contract.md: newline-delimited JSON,
 * `{ name, email?, postalAddress?, phone? }`).
 *
 * Strict on purpose: a misspelt column ("postal_address") would otherwise be dropped silently and every
 * person on the roster would fall through to the substitute notice, which 5 FAM 468.6-2a keeps for
 * people whose contact information is missing, not for a typo. Blank `email` / `postalAddress` are
 * allowed and count as absent (the exports of real systems carry empty columns).
 */
export const rosterEntrySchema = z.strictObject({
  name: z.string().trim().min(1, 'expected a name').max(300, 'expected at most 300 characters'),
  email: z
    .string()
    .trim()
    .max(320, 'expected at most 320 characters')
    .refine((value) => value === '' || emailSchema.safeParse(value).success, 'expected an email address (or nothing)')
    .optional(),
  postalAddress: z.string().trim().max(2_000, 'expected at most 2,000 characters').optional(),
  phone: z.string().trim().max(40, 'expected at most 40 characters').optional(),
});

export type RosterEntry = z.infer<typeof rosterEntrySchema>;

export type RosterLineResult =
  { ok: true; entry: RosterEntry } | { ok: false; issues: { path: string; message: string }[] };

const NOT_JSON = 'expected a JSON object on one line';

/**
 * Parses one NDJSON line of the roster; never throws. The issues name the field, never its value (PII).
 * The one roster-line parser: the notification run, the resend of returned notices and the bench read
 * lines through it.
 */
export function parseRosterLine(line: string): RosterLineResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, issues: [{ path: '(root)', message: NOT_JSON }] };
  }
  const result = rosterEntrySchema.safeParse(value);
  return result.success ? { ok: true, entry: result.data } : { ok: false, issues: issuesOf(result.error) };
}

/**
 * The person on roster line `index` (counted from 0), or why the line is not one, as a notification
 * run records it: "roster line 21: email: expected an email address (or nothing)", naming the field and
 * never its value.
 */
export function rosterEntryOrReason(text: string, index: number): RosterEntry | string {
  const result = parseRosterLine(text);
  if (result.ok) return result.entry;
  const issue = result.issues[0];
  if (issue?.message === NOT_JSON) return `roster line ${index + 1}: not valid JSON`;
  return `roster line ${index + 1}: ${issue && issue.path !== '(root)' ? issue.path : 'line'}: ${issue?.message ?? 'invalid'}`;
}

export { present } from './text.js';
