/**
 * What an activity's error may say. The SDK logs every activity failure (message, stack and the error's
 * own fields) in clear on the worker's log, and stores it in the history (encrypted there, by the
 * failure converter). Our own failures name endpoints and status codes only (activities/http.ts), but
 * libraries quote what they were given: nodemailer puts the refused addresses and the SMTP server's
 * answer in its errors. This interceptor, on every activity of the worker, replaces such an error with
 * one that keeps its kind and retry behaviour and drops the rest (docs/lifecycle.md, "What the system itself
 * must not do with PII"). Names and street addresses cannot be recognized in free text: errors of our
 * own code must not carry them in the first place.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type {
  ActivityExecuteInput,
  ActivityInboundCallsInterceptor,
  ActivityInterceptorsFactory,
  Next,
} from '@temporalio/worker';

const REDACTED = '[redacted]';
const PATTERNS: RegExp[] = [
  // email addresses
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g,
  // SSN-shaped: 123-45-6789, 123 45 6789
  /\b\d{3}[- ]\d{2}[- ]\d{4}\b/g,
  // phone numbers: (555) 123-4567, 555-123-4567, +1 555 123 4567, 1-800-555-0100
  /(?:\+?\d{1,2}[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b/g,
];

/** The text with email addresses, SSN-shaped numbers and phone numbers replaced by `[redacted]`. */
export function redact(text: string): string {
  return PATTERNS.reduce((out, pattern) => out.replace(pattern, REDACTED), text);
}

/** nodemailer's errors: `response` (the server's answer), `rejected` (addresses), `responseCode`, `command`. */
function isMailError(err: Error): err is Error & { code?: string; responseCode?: number; command?: string } {
  return ['response', 'rejected', 'rejectedErrors', 'responseCode', 'command'].some((field) => field in err);
}

/** The error to throw instead of `err`, or `err` itself when it says nothing it should not. */
export function safeActivityError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  // The SDK recognizes these by class: left alone (they carry no message of ours).
  if (err instanceof CancelledFailure || err.name === 'AbortError' || err.name === 'CompleteAsyncError') return err;
  if (isMailError(err)) {
    const smtp = err.responseCode ? ` (SMTP ${err.responseCode}${err.command ? ` to ${err.command}` : ''})` : '';
    return withStack(
      ApplicationFailure.create({ message: `mail not sent: ${err.code ?? 'error'}${smtp}`, type: 'MailNotSent' }),
      err,
    );
  }
  const message = redact(err.message);
  const stack = err.stack === undefined ? undefined : redact(err.stack);
  if (message === err.message && stack === err.stack) return err;
  if (err instanceof ApplicationFailure) {
    return withStack(
      ApplicationFailure.create({
        message,
        type: err.type ?? undefined,
        nonRetryable: err.nonRetryable ?? undefined,
        details: err.details ?? undefined,
        category: err.category ?? undefined,
      }),
      err,
    );
  }
  return withStack(ApplicationFailure.create({ message, type: err.name }), err);
}

function withStack(replacement: Error, original: Error): Error {
  const frames = (original.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  replacement.stack = [`${replacement.name}: ${replacement.message}`, ...frames.map(redact)].join('\n');
  return replacement;
}

class SafeErrorsInbound implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      return await next(input);
    } catch (err) {
      throw safeActivityError(err);
    }
  }
}

/** For WorkerOptions.interceptors.activity. */
export const safeActivityErrors: ActivityInterceptorsFactory = () => ({ inbound: new SafeErrorsInbound() });
