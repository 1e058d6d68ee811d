/** Nothing identifying in what is stored in clear: activity errors (security/redact.ts) and incident ids (domain/ids.ts). */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { incidentIdSchema, looksLikePii } from '../../domain/ids.js';
import { redact, safeActivityError } from '../../security/redact.js';

describe('redact', () => {
  it.each([
    ['refused <zelda.qo@private.example>: mailbox busy', 'refused <[redacted]>: mailbox busy'],
    ['SSN 123-45-6789 and 123 45 6789', 'SSN [redacted] and [redacted]'],
    [
      'call (555) 867-5309 or 555-867-5309 or +1 555 867 5309 or 1-800-555-0100',
      'call [redacted] or [redacted] or [redacted] or [redacted]',
    ],
    ['endpoint usCert answered 503 Service Unavailable', 'endpoint usCert answered 503 Service Unavailable'],
    ['connect ECONNREFUSED 127.0.0.1:2525', 'connect ECONNREFUSED 127.0.0.1:2525'],
    ['roster line 12: email: Invalid email address', 'roster line 12: email: Invalid email address'],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });
});

describe('safeActivityError', () => {
  it('replaces a nodemailer error by its code and SMTP status, without addresses or the server answer', () => {
    const err = Object.assign(
      new Error(
        "Can't send mail - all recipients were rejected: 450 4.2.1 <zelda.qo@private.example>: Zelda Quintanilla-Okafor busy",
      ),
      {
        code: 'EENVELOPE',
        response: '450 4.2.1 <zelda.qo@private.example>: Zelda Quintanilla-Okafor busy',
        responseCode: 450,
        command: 'RCPT TO',
        rejected: ['zelda.qo@private.example'],
      },
    );
    const safe = safeActivityError(err) as ApplicationFailure;
    expect(safe).toBeInstanceOf(ApplicationFailure);
    expect(safe.message).toBe('mail not sent: EENVELOPE (SMTP 450 to RCPT TO)');
    expect(safe.type).toBe('MailNotSent');
    expect(safe.nonRetryable).toBe(false);
    const everything = `${safe.message}\n${safe.stack}\n${JSON.stringify(safe)}`;
    expect(everything).not.toContain('zelda');
    expect(everything).not.toContain('Quintanilla');
  });

  it('redacts other errors, keeping their kind and retry behaviour', () => {
    const failure = ApplicationFailure.nonRetryable('bad row for 123-45-6789', 'RosterUnreadable');
    const safe = safeActivityError(failure) as ApplicationFailure;
    expect(safe.message).toBe('bad row for [redacted]');
    expect(safe.type).toBe('RosterUnreadable');
    expect(safe.nonRetryable).toBe(true);
    expect(safe.stack).not.toContain('6789');

    const plain = new TypeError('cannot read x of jane@x.example');
    const safePlain = safeActivityError(plain) as ApplicationFailure;
    expect(safePlain.type).toBe('TypeError');
    expect(safePlain.message).toBe('cannot read x of [redacted]');
  });

  it('leaves clean errors and cancellations as they are', () => {
    const clean = ApplicationFailure.retryable('endpoint usCert answered 503', 'EndpointUnavailable');
    expect(safeActivityError(clean)).toBe(clean);
    const cancelled = new CancelledFailure('cancelled');
    expect(safeActivityError(cancelled)).toBe(cancelled);
  });
});

describe('incident ids', () => {
  it.each([
    ['inc-2f6c1e9a-3b1d-4c2e-9f00-123456789abc', true],
    ['2026-03-0001', true],
    ['T-mf3k9x-12', true],
    ['case-123-45-6789', false],
    ['123456789', false],
    ['call-703-555-0147', false],
    ['1-800-555-0100', false],
  ])('%s is accepted: %s', (id, accepted) => {
    expect(incidentIdSchema.safeParse(id).success).toBe(accepted);
    expect(looksLikePii(id)).toBe(!accepted);
  });
});
