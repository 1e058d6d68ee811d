/**
 * Returned notices, notified again (5 FAM 468.6-2a): for each roster line whose letter or email came
 * back, the next means the person has and was not sent yet (an email after a returned letter, a letter
 * after a bounced email); none left, and every means sent came back: the substitute notice (468.6-2b).
 * The lines are read from the roster here, by seeking (activities/roster.ts); what goes back to the
 * workflow is line numbers and outcomes only.
 *
 * Idempotent: an email's Message-ID and a letter request's Idempotency-Key derive from the incident,
 * the line and the means (the Message-ID and the letter's `mailPieceId` carry the notice's reference,
 * security/notice-ref.ts, so a second return names the line too), so a retried activity repeats
 * nothing a receiver has not already dropped.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { Letter, RosterRef } from '../domain/decision.js';
import { renderEmail, renderMailVendorLetter } from '../domain/letter-render.js';
import { meansFor, type Means } from '../domain/means.js';
import type { Endpoint } from '../domain/playbook.js';
import { parseRosterLine, present, type RosterEntry } from '../domain/roster.js';
import { postToEndpoint } from './http.js';
import type { NotifyDeps } from './notify.js';
import { rosterLineChunks } from './roster.js';
import { noticeMessageId, noticeRef } from '../security/notice-ref.js';

export interface ResendInput {
  incidentId: string;
  organization: string;
  roster: RosterRef;
  letter: Letter;
  immediate: boolean;
  mailVendor: Endpoint;
  /** The playbook's TTY or relay number the letters and emails name (Section 508); absent, 711. */
  ttyRelay?: string;
  /** Each returned line, with the means that came back and those already sent again. */
  lines: { line: number; returned: Means[]; resent: Means[] }[];
}

export type ResendOutcome = 'letter' | 'email' | 'substitute' | 'still-reached' | 'unreadable';

export interface ResendResult {
  /** `refused`: the email sent again was refused at once (SMTP 5xx): returned again, kept by line. */
  outcomes: { line: number; outcome: ResendOutcome; refused?: true }[];
  /** Emails sent again and refused at once (counted returned; their line goes to the substitute notice). */
  returnedAgain: number;
}

/** What to do for one person: the next means, the substitute notice, or nothing (another means reached them). */
export function nextMeans(
  person: RosterEntry,
  immediate: boolean,
  returned: Means[],
  resent: Means[],
): Means | 'substitute' | 'still-reached' {
  const sent = [...meansFor(person, immediate).filter((m) => m !== 'substitute'), ...resent];
  const have: Means[] = [
    ...(present(person.postalAddress) ? (['letter'] as const) : []),
    ...(present(person.email) ? (['email'] as const) : []),
  ];
  const next = have.find((m) => !sent.includes(m));
  if (next) return next;
  const reached = sent.filter((m) => returned.filter((r) => r === m).length < sent.filter((s) => s === m).length);
  return reached.length > 0 ? 'still-reached' : 'substitute';
}

async function readLines(url: string, wanted: number[], signal: AbortSignal): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  const sorted = [...new Set(wanted)].sort((a, b) => a - b);
  // Lines close together are read in one pass; far apart, each range seeks on its own.
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]! - sorted[j]! < 1_024) j += 1;
    const want = new Set(sorted.slice(i, j + 1));
    for await (const chunk of rosterLineChunks(url, sorted[i]!, signal, sorted[j]! + 1))
      for (const [line, text] of chunk) if (want.has(line)) found.set(line, text);
    i = j + 1;
  }
  return found;
}

function parse(text: string | undefined): RosterEntry | undefined {
  const parsed = text === undefined ? undefined : parseRosterLine(text);
  return parsed?.ok ? parsed.entry : undefined;
}

export async function resendReturned(
  deps: NotifyDeps & { workflowId: string },
  input: ResendInput,
): Promise<ResendResult> {
  const ctx = Context.current();
  const texts = await readLines(
    input.roster.url,
    input.lines.map((l) => l.line),
    ctx.cancellationSignal,
  );
  const ctxLetter = { organization: input.organization, incidentRef: input.incidentId, ttyRelay: input.ttyRelay };
  const outcomes: ResendResult['outcomes'] = [];
  const letters: { line: number; outcome: { line: number; outcome: ResendOutcome } }[] = [];
  const letterBodies: unknown[] = [];
  let returnedAgain = 0;
  for (const entry of input.lines) {
    const person = parse(texts.get(entry.line));
    if (!person) {
      outcomes.push({ line: entry.line, outcome: 'unreadable' });
      continue;
    }
    const next = nextMeans(person, input.immediate, entry.returned, entry.resent);
    const outcome: ResendResult['outcomes'][number] = { line: entry.line, outcome: next as ResendOutcome };
    outcomes.push(outcome);
    if (next === 'letter') {
      letters.push({ line: entry.line, outcome });
      letterBodies.push({
        line: entry.line,
        mailPieceId: noticeRef(input.incidentId, entry.line, 'letter'),
        ...renderMailVendorLetter(input.letter, person, ctxLetter),
      });
    } else if (next === 'email') {
      const mail = renderEmail(input.letter, person, ctxLetter);
      try {
        await deps.mailer.sendMail({
          from: deps.mailFrom,
          to: { name: person.name, address: person.email! },
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: noticeMessageId(input.incidentId, entry.line, true),
        });
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode ?? (err as { code?: string }).code;
        if (!((typeof code === 'number' && code >= 500) || code === 'EENVELOPE')) throw err;
        // Refused at once: this address is out of date too; nothing else is left.
        returnedAgain += 1;
        outcome.refused = true;
        outcome.outcome =
          nextMeans(person, input.immediate, [...entry.returned, 'email'], [...entry.resent, 'email']) ===
          'still-reached'
            ? 'still-reached'
            : 'substitute';
      }
    }
    ctx.heartbeat();
  }
  if (letterBodies.length > 0) {
    const key = createHash('sha256')
      .update(letters.map((l) => l.line).join(','))
      .digest('hex')
      .slice(0, 24);
    await postToEndpoint(
      {
        name: 'mailVendor',
        endpoint: input.mailVendor,
        idempotencyKey: `${deps.workflowId}:resend-letters:${key}`,
        body: { incidentId: input.incidentId, letters: letterBodies },
      },
      deps.env,
    );
  }
  return { outcomes, returnedAgain };
}
