/**
 * The reference a notice carries out of the system, so that whoever reports it back (the mail vendor for
 * a letter, the mail provider for a bounced email) can name it without naming the person (5 FAM
 * 468.6-2a; docs/case-record.md "Returned notices").
 *
 * A letter's `mailPieceId` and an email's Message-ID carry `L<line>-<check>` / `E<line>-<check>`: the
 * roster line, the means, and twelve hex digits of SHA-256 over the incident, the line and the means.
 * The check is not a secret (the callback is authenticated by token and signature): it makes a
 * reference of another incident, a mistyped one or a made-up line "unknown" instead of the wrong person.
 * The line number is what the history already holds for returns; nothing of the person is in it.
 */
import { createHash } from 'node:crypto';

export type NoticeMeans = 'letter' | 'email';

const CHECK_DIGITS = 12;
const MAX_LINE = 1_000_000_000;

function check(incidentId: string, line: number, means: NoticeMeans): string {
  return createHash('sha256').update(`notice\n${incidentId}\n${line}\n${means}`).digest('hex').slice(0, CHECK_DIGITS);
}

/** The reference of the notice sent to roster line `line` by `means`. */
export function noticeRef(incidentId: string, line: number, means: NoticeMeans): string {
  return `${means === 'letter' ? 'L' : 'E'}${line}-${check(incidentId, line, means)}`;
}

/** The Message-ID of a notice by email: the reference, so that a bounce quoting it names the line. */
export function noticeMessageId(incidentId: string, line: number, resend = false): string {
  return `<${incidentId}.${noticeRef(incidentId, line, 'email')}${resend ? '.resend' : ''}@notify.breach-response>`;
}

/** The reference inside a bare reference or a Message-ID (with or without its angle brackets). */
const REF = /(?:^|[<.])([LE])(\d{1,10})-([0-9a-f]{12})(?=$|[.@>])/;

/**
 * The roster line and means a reference names, when it is a notice of this incident; undefined when it
 * is not (another incident's, altered, or not a reference at all).
 */
export function resolveNoticeRef(
  incidentId: string,
  reference: string,
): { line: number; means: NoticeMeans } | undefined {
  const match = REF.exec(reference.trim());
  if (!match) return undefined;
  const means: NoticeMeans = match[1] === 'L' ? 'letter' : 'email';
  const line = Number(match[2]);
  if (!Number.isSafeInteger(line) || line > MAX_LINE || String(line) !== match[2]) return undefined;
  return check(incidentId, line, means) === match[3] ? { line, means } : undefined;
}
