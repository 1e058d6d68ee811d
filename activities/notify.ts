/**
 * Notification of the affected people (5 FAM 468.6), one batch: the roster lines [fromLine, toLine).
 * It reads its lines by seeking (activities/roster.ts), picks the means per person (domain/means.ts),
 * keeps a few emails in flight on the worker's pooled transport, sends letters to the mail vendor in
 * batched requests, and counts the people for one substitute notice.
 *
 * Crash safety. The heartbeat carries a checkpoint: `nextLine`, the first line not wholly done, with the
 * counts of the lines before it (a line is done when its email was accepted or refused and its letter is
 * with the vendor). A retry resumes there, so what is repeated after a crash is what was sent after the
 * last heartbeat the server recorded: the messages in flight, about a hundred a batch at most. Every email has a Message-ID derived from
 * the incident and the person, and every vendor request an Idempotency-Key derived from the batch and its
 * first line, so a receiver can drop those repeats.
 *
 * Rate. `ratePerSecond` is this batch's share of the playbook's rate (the workflow divides it among the
 * batches it runs at once); every message, email or letter, takes one slot.
 */
import { CancelledFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { fillEmail, fillMailVendorLetter, letterTemplate } from '../domain/letter-template.js';
import { meansFor } from '../domain/means.js';
import { rosterEntryOrReason, type RosterEntry } from '../domain/roster.js';
import { postToEndpoint } from './http.js';
import { rosterLineChunks, rosterLineCount } from './roster.js';
import { noticeMessageId, noticeRef } from '../security/notice-ref.js';
import { composesRaw, createMimeComposer } from './compose.js';
import { rawSenderFor } from './raw-sender.js';
import { transportConcurrency } from './mailer.js';

export type {
  NotifyRangeInput,
  PersonFailure,
  NotifyTotals,
  NotifyBatchResult,
  NotifyCheckpoint,
  NotifyDeps,
} from './notify-types.js';
import type { NotifyRangeInput, NotifyBatchResult, NotifyCheckpoint, NotifyDeps } from './notify-types.js';

const DEFAULT_LISTED_FAILURES = 1_000;
/**
 * When the checkpoint goes to the server: once it has moved CHECKPOINT_LINES lines, or PROGRESS_MS after
 * it moved at all, and every KEEPALIVE_MS regardless (the 20 s heartbeat time-out). By lines, so that a
 * crash repeats at most about CHECKPOINT_LINES messages a batch at any speed while the server records a
 * checkpoint per hundred messages, not per tick: every heartbeat is a write on the server, and at ten a
 * second per batch they cost it a fifth of what the sending costs the worker.
 */
const CHECKPOINT_LINES = 100;
const PROGRESS_MS = 1_000;
const KEEPALIVE_MS = 2_000;
const TICK_MS = 50;

/**
 * An email's Message-ID: derived from the incident and the line (one per person, the same on a retry), and
 * carrying the notice's reference, so that a bounce the mail provider reports quoting it names the line
 * (security/notice-ref.ts) and nothing of the person.
 */
export function messageIdFor(incidentId: string, line: number): string {
  return noticeMessageId(incidentId, line);
}

interface LineWork {
  line: number;
  /** Email and letter still to be settled. */
  open: number;
  emails: number;
  letters: number;
  substitute: number;
  returned: number;
  /** Its email was refused for good (kept by line: a later return for the person must not count them twice). */
  refused: boolean;
  /** A letter goes to this line as well. */
  letter: boolean;
  failure?: string;
}

export async function notifyRange(deps: NotifyDeps, input: NotifyRangeInput): Promise<NotifyBatchResult> {
  const ctx = Context.current();
  const signal = ctx.cancellationSignal;
  const resumed = ctx.info.heartbeatDetails as NotifyCheckpoint | undefined;
  const done: NotifyCheckpoint = resumed ?? {
    nextLine: input.fromLine,
    processed: 0,
    letters: 0,
    emails: 0,
    substitute: 0,
    failed: 0,
    failures: [],
  };
  const maxListed = input.maxListedFailures ?? DEFAULT_LISTED_FAILURES;
  const concurrency = transportConcurrency(deps.mailer);
  // The letter is rendered once for the batch and each person's copy filled in (domain/letter-template.ts);
  // the emails are written as nodemailer would compose them and sent raw (activities/compose.ts).
  const template = letterTemplate(input.letter, {
    organization: input.organization,
    incidentRef: input.incidentId,
    ttyRelay: input.ttyRelay,
  });
  const compose = composesRaw(deps.mailer) ? createMimeComposer(deps.mailFrom, template.subject) : undefined;
  // A composed message goes over the worker's own SMTP connections where the transport is a plain SMTP pool
  // (activities/raw-sender.ts), through the transport otherwise.
  const sender = compose ? rawSenderFor(deps.mailer) : undefined;
  const letterBatch = Math.max(1, input.letterBatch);

  // Lines read but not yet wholly done, in roster order; the checkpoint never passes the first of them.
  const queue: LineWork[] = [];
  let readTo = done.nextLine;
  const commit = () => {
    while (queue.length > 0 && queue[0]!.open === 0) {
      const work = queue.shift()!;
      done.processed += 1;
      done.emails += work.emails;
      done.letters += work.letters;
      done.substitute += work.substitute;
      if (work.returned) done.returned = (done.returned ?? 0) + work.returned;
      if (work.refused) (done.refused ??= []).push({ line: work.line, letter: work.letter });
      deps.observe?.({ emails: work.emails, letters: work.letters, failed: work.failure !== undefined });
      if (work.failure) {
        done.failed += 1;
        if (done.failures.length < maxListed) done.failures.push({ line: work.line, reason: work.failure });
      }
    }
    done.nextLine = queue.length > 0 ? queue[0]!.line : readTo;
  };

  let beatLine = -1;
  let beatAt = 0;
  const heartbeat = (force = false) => {
    const now = Date.now();
    const moved = done.nextLine - beatLine;
    if (
      !force &&
      moved < CHECKPOINT_LINES &&
      !(moved > 0 && now - beatAt >= PROGRESS_MS) &&
      now - beatAt < KEEPALIVE_MS
    )
      return;
    beatLine = done.nextLine;
    beatAt = now;
    ctx.heartbeat({ ...done, failures: [...done.failures], ...(done.refused ? { refused: [...done.refused] } : {}) });
  };
  // A timer, not the send loop, heartbeats: a slow vendor call or a long pause for the rate still beats.
  const beating = setInterval(() => heartbeat(), TICK_MS);

  // Every message takes a slot of the rate; a wait only when the batch is ahead of it.
  const intervalMs = 1_000 / input.ratePerSecond;
  let started = Date.now();
  let slots = 0;
  const aheadBy = () => {
    const now = Date.now();
    const due = started + ++slots * intervalMs;
    // Behind schedule after a stall (a slow vendor, a busy machine): start the schedule again from now
    // rather than catch up in a burst above the rate.
    if (due < now - intervalMs) {
      started = now - slots * intervalMs;
      return 0;
    }
    return due - now;
  };

  // Emails in flight on the pooled transport, sent with callbacks: per message, one promise at most (a
  // wait for a free place). In a worker every promise pays for the activity context's async hooks, and
  // the plain loop this is measured against pays for none.
  let fatal: unknown;
  let inFlight = 0;
  let wake: (() => void) | null = null;
  const freed = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const waitUntil = async (ready: () => boolean): Promise<void> => {
    while (!ready()) await new Promise<void>((resolve) => (wake = resolve));
  };
  const sendEmail = (work: LineWork, person: RosterEntry) => {
    const mail = fillEmail(template, person);
    const to = { name: person.name, address: person.email! };
    const messageId = messageIdFor(input.incidentId, work.line);
    const raw = compose?.({ to, messageId, text: mail.text, html: mail.html });
    inFlight += 1;
    const settled = (err: Error | null) => {
      inFlight -= 1;
      if (!err) {
        work.emails += 1;
        work.open -= 1;
      } else {
        const code = (err as { responseCode?: number }).responseCode ?? (err as { code?: string }).code;
        // A refused address is the person's failure, not the run's; a lost connection is retried by
        // Temporal, and the line stays open so the checkpoint stops before it.
        // 468.6-2a: a refused address is out of date: returned, and with no letter going to the person,
        // counted into the substitute notice (there is no postal address: meansFor would have sent one).
        if ((typeof code === 'number' && code >= 500) || code === 'EENVELOPE') {
          work.returned += 1;
          work.refused = true;
          if (!work.letter) work.substitute += 1;
          work.open -= 1;
        } else fatal ??= err;
      }
      commit();
      freed();
    };
    if (raw && sender) sender.send(raw, settled);
    else
      deps.mailer.sendMail(
        raw ?? { from: deps.mailFrom, to, subject: mail.subject, text: mail.text, html: mail.html, messageId },
        settled,
      );
  };

  let group: { key: number; works: LineWork[]; letters: unknown[] } | null = null;
  const flushLetters = async () => {
    if (!group) return;
    const { key, works, letters } = group;
    group = null;
    await postToEndpoint(
      {
        name: 'mailVendor',
        endpoint: input.mailVendor,
        idempotencyKey: `${input.workflowId}:letters:${Math.max(key * letterBatch, input.fromLine)}`,
        body: { incidentId: input.incidentId, letters },
      },
      deps.env,
    );
    for (const work of works) {
      work.letters += 1;
      work.open -= 1;
    }
    commit();
  };

  try {
    reading: for await (const chunk of rosterLineChunks(input.roster.url, done.nextLine, signal, input.toLine)) {
      for (const [line, text] of chunk) {
        if (signal.aborted || fatal) break reading;
        // The letters of the previous group go before this line joins the queue, so the commit at the
        // flush cannot count this line before its own messages are out.
        if (group && Math.floor(line / letterBatch) !== group.key) await flushLetters();
        const work: LineWork = {
          line,
          open: 0,
          emails: 0,
          letters: 0,
          substitute: 0,
          returned: 0,
          refused: false,
          letter: false,
        };
        queue.push(work);
        readTo = line + 1;
        const person = rosterEntryOrReason(text, line);
        if (typeof person === 'string') {
          work.failure = person;
          commit();
          continue;
        }
        const means = meansFor(person, input.immediate);
        work.letter = means.includes('letter');
        work.open = means.filter((m) => m !== 'substitute').length;
        for (const how of means) {
          if (how === 'substitute') {
            work.substitute += 1;
            continue;
          }
          const ahead = aheadBy();
          if (ahead > 1) await ctx.sleep(ahead);
          if (how === 'letter') {
            group ??= { key: Math.floor(line / letterBatch), works: [], letters: [] };
            group.works.push(work);
            group.letters.push({
              line,
              mailPieceId: noticeRef(input.incidentId, line, 'letter'),
              ...fillMailVendorLetter(template, person),
            });
          } else {
            if (inFlight >= concurrency) await waitUntil(() => inFlight < concurrency || fatal !== undefined);
            if (fatal) break reading;
            sendEmail(work, person);
          }
        }
        commit();
      }
    }
    await waitUntil(() => inFlight === 0);
    if (!fatal && !signal.aborted) await flushLetters();
  } finally {
    clearInterval(beating);
    await waitUntil(() => inFlight === 0);
    commit();
    heartbeat(true);
  }
  if (fatal) throw fatal;
  if (signal.aborted) throw new CancelledFailure('notification batch cancelled');
  const { nextLine: _next, ...counts } = done;
  return { ...counts, rosterLines: await rosterLineCount(input.roster.url, signal) };
}
