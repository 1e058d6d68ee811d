/**
 * Returned notices (5 FAM 468.6-2a: "insufficient or outdated contact information"): what the mail
 * vendor, or a bounce, reports back about one roster line. A line number, the means and a reason from a
 * closed list: never the person's name or address, so nothing of them enters the history or a log.
 */
import { z } from 'zod';

export const RETURN_REASONS = [
  'undeliverable',
  'moved',
  'unknown-address',
  'refused',
  'deceased',
  'bounced',
  'mailbox-unavailable',
] as const;

export const noticeReturnSchema = z.strictObject({
  /** The roster line (0-based) the letter or email was for: the letter's `line`. */
  line: z.number().int('expected a whole number').min(0, 'expected a roster line (0 or more)').max(1_000_000_000),
  means: z.enum(['letter', 'email']),
  reason: z.enum(RETURN_REASONS),
});
export type NoticeReturn = z.infer<typeof noticeReturnSchema>;

export const MAX_RETURNS_PER_REQUEST = 10_000;

/**
 * One return as the mail vendor (a letter) or the mail provider (a bounced email) reports it: by the
 * roster `line` and `means`, or by the notice's `reference` (security/notice-ref.ts): the `mailPieceId`
 * the vendor got with the letter, or the bounced email's Message-ID (`<incident.E12-…@notify.breach-response>`),
 * either of which names the line and the means. The API resolves a reference to the line; the workflow
 * only ever sees lines.
 */
export const vendorReturnSchema = z
  .strictObject({
    line: noticeReturnSchema.shape.line.optional(),
    reference: z.string().min(1, 'expected a reference').max(200, 'expected at most 200 characters').optional(),
    means: z.enum(['letter', 'email']).optional(),
    reason: z.enum(RETURN_REASONS),
  })
  .superRefine((r, ctx) => {
    if (r.line === undefined && r.reference === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['reference'],
        message:
          "expected a `reference` (the letter's mailPieceId or the email's Message-ID) or a roster `line` with its `means`",
      });
    if (r.line !== undefined && r.reference !== undefined)
      ctx.addIssue({ code: 'custom', path: ['reference'], message: 'expected either `reference` or `line`, not both' });
    if (r.line !== undefined && r.means === undefined)
      ctx.addIssue({ code: 'custom', path: ['means'], message: 'expected "letter" or "email" with a roster `line`' });
  });

export const vendorReturnsSchema = z.strictObject({
  incidentId: z.string().min(1).max(64),
  returns: z
    .array(vendorReturnSchema)
    .min(1, 'expected at least one return')
    .max(MAX_RETURNS_PER_REQUEST, `expected at most ${MAX_RETURNS_PER_REQUEST} returns a request`),
});
