/**
 * Notification of the affected people (5 FAM 468.6): reads the roster as a stream, picks the means per
 * person (domain/means.ts), emails over the pooled transport, sends letters to the mail vendor in
 * batched requests, and counts the people for one substitute notice. It heartbeats its position so a
 * retry after a worker crash resumes where it stopped; every email has a Message-ID derived from the
 * incident and the person, so a receiver can drop the few repeats that were in flight at the crash.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import type { Letter, RosterRef } from '../domain/decision.js';
import { renderEmail, renderMailVendorLetter } from '../domain/letters.js';
import { meansFor } from '../domain/means.js';
import type { Endpoint } from '../domain/playbook.js';
import { rosterEntrySchema, type RosterEntry } from '../domain/roster.js';
import { postToEndpoint } from './http.js';
import { rosterLines } from './roster.js';

export interface NotifyRangeInput {
  incidentId: string;
  workflowId: string;
  organization: string;
  roster: RosterRef;
  letter: Letter;
  immediate: boolean;
  mailVendor: Endpoint;
  /** Lines [fromLine, toLine) of the roster; toLine absent: to the end. */
  fromLine: number;
  toLine?: number;
  /** Letters per mail-vendor request. */
  letterBatch: number;
  /** Messages a second this activity may send. */
  ratePerSecond: number;
}

export interface NotifyCounts {
  processed: number;
  letters: number;
  emails: number;
  substitute: number;
  failed: number;
  /** Lines that failed and why; never the person's data (the case record lists them). */
  failures: { line: number; reason: string }[];
}

interface Progress extends NotifyCounts {
  nextLine: number;
}

const MAX_LISTED_FAILURES = 1_000;

export function messageIdFor(incidentId: string, person: RosterEntry, line: number): string {
  const who = createHash('sha256')
    .update(`${incidentId}\n${line}\n${person.email ?? ''}\n${person.name}`)
    .digest('hex')
    .slice(0, 32);
  return `<${incidentId}.${who}@notify.breach-response>`;
}

export async function notifyRange(
  deps: { mailer: Transporter; mailFrom: string; env: Record<string, string | undefined> },
  input: NotifyRangeInput,
): Promise<NotifyCounts> {
  const ctx = Context.current();
  const resumed = ctx.info.heartbeatDetails as Progress | undefined;
  const progress: Progress = resumed ?? { nextLine: input.fromLine, processed: 0, letters: 0, emails: 0, substitute: 0, failed: 0, failures: [] };
  const ctxLetter = { organization: input.organization, incidentRef: input.incidentId };
  const intervalMs = 1_000 / input.ratePerSecond;
  const started = Date.now();
  let sentHere = 0;
  let pendingLetters: { line: number; letter: unknown }[] = [];

  const fail = (line: number, reason: string) => {
    progress.failed += 1;
    if (progress.failures.length < MAX_LISTED_FAILURES) progress.failures.push({ line, reason });
  };
  const flushLetters = async () => {
    if (pendingLetters.length === 0) return;
    const first = pendingLetters[0]!.line;
    await postToEndpoint(
      {
        name: 'mailVendor',
        endpoint: input.mailVendor,
        idempotencyKey: `${input.workflowId}:letters:${first}`,
        body: { incidentId: input.incidentId, letters: pendingLetters.map((l) => l.letter) },
      },
      deps.env,
    );
    progress.letters += pendingLetters.length;
    pendingLetters = [];
  };
  const pace = async () => {
    sentHere += 1;
    const due = started + sentHere * intervalMs;
    const wait = due - Date.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
  };
  const checkpoint = (nextLine: number) => {
    progress.nextLine = nextLine;
    ctx.heartbeat({ ...progress });
  };

  for await (const [line, text] of rosterLines(input.roster.url, progress.nextLine, ctx.cancellationSignal)) {
    if (input.toLine !== undefined && line >= input.toLine) break;
    progress.processed += 1;
    let person: RosterEntry;
    try {
      const parsed = rosterEntrySchema.safeParse(JSON.parse(text));
      if (!parsed.success) {
        fail(line, `roster line ${line + 1}: ${parsed.error.issues[0]?.path.join('.') || 'line'}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
        checkpoint(line + 1);
        continue;
      }
      person = parsed.data;
    } catch {
      fail(line, `roster line ${line + 1}: not valid JSON`);
      checkpoint(line + 1);
      continue;
    }
    for (const means of meansFor(person, input.immediate)) {
      if (means === 'letter') {
        pendingLetters.push({ line, letter: { line, ...renderMailVendorLetter(input.letter, person, ctxLetter) } });
        if (pendingLetters.length >= input.letterBatch) {
          // Letters are only counted as sent once the vendor has them: flush before the heartbeat moves past.
          await flushLetters();
        }
      } else if (means === 'email') {
        const mail = renderEmail(input.letter, person, ctxLetter);
        try {
          await deps.mailer.sendMail({
            from: deps.mailFrom,
            to: { name: person.name, address: person.email! },
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            messageId: messageIdFor(input.incidentId, person, line),
          });
          progress.emails += 1;
        } catch (err) {
          const code = (err as { responseCode?: number; code?: string }).responseCode ?? (err as { code?: string }).code;
          // A refused address is the person's failure, not the run's; a lost connection is retried by Temporal.
          if (typeof code === 'number' && code >= 500) fail(line, `email refused by the mail server (${code})`);
          else if (code === 'EENVELOPE') fail(line, 'email address refused');
          else throw err;
        }
        await pace();
      } else {
        progress.substitute += 1;
      }
    }
    if (pendingLetters.length === 0) checkpoint(line + 1);
  }
  await flushLetters();
  checkpoint(progress.nextLine);
  const { nextLine: _ignored, ...counts } = progress;
  return counts;
}
