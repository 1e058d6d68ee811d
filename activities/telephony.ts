/**
 * Immediate notice by telephone (5 FAM 468.6-2c: "when notice must be immediate, by telephone, email or
 * other means"): each person on the roster with a `phone` is called or texted through the playbook's
 * `telephony` endpoint (a voice/SMS provider's API; the endpoint receiver under `npm start`).
 *
 * As the email run (activities/notify.ts): one idempotency key per person, `<workflowId>:call:<line>`,
 * so the provider places each call once however often it is asked; the heartbeat carries a checkpoint
 * (the next line, the counts) and a retry after a lost worker resumes there; a 5xx or a time-out is
 * retried, a 4xx for a person is final for that call and counted as failed (the person keeps the
 * letter, email or substitute notice the roster run gave them: the next means). A phone number is sent
 * to the provider only, never logged.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Letter } from '../domain/decision.js';
import type { Endpoint } from '../domain/playbook.js';
import { parseRosterLine, present } from '../domain/roster.js';
import { ENDPOINT_REJECTED, postToEndpoint } from './http.js';
import { rosterLineChunks } from './roster.js';

export interface CallCheckpoint {
  nextLine: number;
  called: number;
  failed: number;
}

/** What the call says or the text reads: who, that there was a breach, the toll-free and relay numbers. */
export function phoneMessage(letter: Letter, ctx: { organization: string; incidentId: string; ttyRelay?: string }) {
  const org = ctx.organization.charAt(0).toUpperCase() + ctx.organization.slice(1);
  return `${org}: notice of a data breach that may involve your personal information. For what happened and what to do, call toll-free ${letter.contact.tollFreePhone}${ctx.ttyRelay ? ` (TTY ${ctx.ttyRelay})` : ''} and quote reference ${ctx.incidentId}. A letter or email follows.`;
}

export function telephonyActivities(deps: { env: Record<string, string | undefined> }) {
  return {
    async callRoster(input: {
      incidentId: string;
      organization: string;
      letter: Letter;
      url: string;
      endpoint: Endpoint;
      ttyRelay?: string;
    }): Promise<CallCheckpoint> {
      const ctx = Context.current();
      const workflowId = ctx.info.workflowExecution?.workflowId ?? `activity-${ctx.info.activityId}`;
      const progress: CallCheckpoint = { nextLine: 0, called: 0, failed: 0, ...(ctx.info.heartbeatDetails ?? {}) };
      const message = phoneMessage(input.letter, input);
      for await (const chunk of rosterLineChunks(input.url, progress.nextLine, ctx.cancellationSignal)) {
        for (const [line, text] of chunk) {
          const parsed = parseRosterLine(text);
          if (parsed.ok && present(parsed.entry.phone)) {
            try {
              await postToEndpoint(
                {
                  name: 'telephony',
                  endpoint: input.endpoint,
                  idempotencyKey: `${workflowId}:call:${line}`,
                  body: { incidentId: input.incidentId, line, to: parsed.entry.phone.trim(), message },
                },
                deps.env,
              );
              progress.called += 1;
            } catch (err) {
              // A refusal for this number is final for this call; anything else is retried from the checkpoint.
              if (!(err instanceof ApplicationFailure && err.type === ENDPOINT_REJECTED)) throw err;
              progress.failed += 1;
            }
          }
          progress.nextLine = line + 1;
          ctx.heartbeat(progress);
        }
      }
      return progress;
    },
  };
}
