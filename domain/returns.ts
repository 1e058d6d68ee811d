/**
 * Returned notices (5 FAM 468.6-2a: "insufficient or outdated contact information"): what the mail
 * vendor, or a bounce, reports back about one roster line. A line number, the means and a reason from a
 * closed list: never the person's name or address, so nothing of them enters the history or a log.
 */
import { z } from 'zod';

export const RETURN_REASONS = ['undeliverable', 'moved', 'unknown-address', 'refused', 'deceased', 'bounced', 'mailbox-unavailable'] as const;

export const noticeReturnSchema = z.strictObject({
  /** The roster line (0-based) the letter or email was for: the letter's `line`. */
  line: z.number().int('expected a whole number').min(0, 'expected a roster line (0 or more)').max(1_000_000_000),
  means: z.enum(['letter', 'email']),
  reason: z.enum(RETURN_REASONS),
});
export type NoticeReturn = z.infer<typeof noticeReturnSchema>;

export const MAX_RETURNS_PER_REQUEST = 10_000;

export const vendorReturnsSchema = z.strictObject({
  incidentId: z.string().min(1).max(64),
  returns: z.array(noticeReturnSchema).min(1, 'expected at least one return').max(MAX_RETURNS_PER_REQUEST, `expected at most ${MAX_RETURNS_PER_REQUEST} returns a request`),
});
