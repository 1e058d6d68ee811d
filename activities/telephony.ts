/**
 * Immediate notice by telephone (5 FAM 468.6-2c: "when notice must be immediate, by telephone, email or
 * other means"): each person on the roster with a `phone` is called or texted through the playbook's
 * `telephony` endpoint (a voice/SMS provider's API; the endpoint receiver under `npm start`).
 *
 * As the email run (activities/notify.ts): one idempotency key per person, `<workflowId>:call:<line>`,
 * so the provider places each call once however often it is asked; the heartbeat carries a checkpoint
 * (the next line, the counts) and a retry after a lost worker resumes there, so only the calls in
 * flight at the loss are asked again (under the same key).
 *
 * A call fails when the provider refuses it (a 4xx), answers that it did not get through (`outcome`
 * "no-answer", "busy", "not-in-service" or "failed"), or stays out (5xx, time-out) through
 * CALL_ATTEMPTS attempts: immediate notice waits for no outage, the person is reached by the next means
 * (domain/means.ts `nextMeansAfterCall`: the email, else the letter, else the substitute notice), which
 * is counted in `fellTo`. A phone number is sent to the provider only, never logged.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Letter } from '../domain/decision.js';
import { relayLine } from '../domain/letter-render.js';
import { nextMeansAfterCall, type AfterCall } from '../domain/means.js';
import type { Endpoint } from '../domain/playbook.js';
import { parseRosterLine, present, type RosterEntry } from '../domain/roster.js';
import { ENDPOINT_REJECTED, ENDPOINT_UNAVAILABLE, postToEndpoint } from './http.js';
import { rosterLineChunks } from './roster.js';

/** Attempts of one call before it counts as failed; between them 1 s, 2 s, 4 s. */
export const CALL_ATTEMPTS = 4;

/** What a provider may answer (2xx, `{ outcome }`) for a call or text that did not reach the person. */
export const FAILED_CALL_OUTCOMES = ['no-answer', 'busy', 'not-in-service', 'failed'] as const;

export interface CallCheckpoint {
  nextLine: number;
  called: number;
  failed: number;
  /** Where the people whose call failed are reached instead; absent in results from before it was kept. */
  fellTo?: Record<AfterCall, number>;
}

/** What the call says or the text reads: who, that there was a breach, the toll-free and relay numbers. */
export function phoneMessage(letter: Letter, ctx: { organization: string; incidentId: string; ttyRelay?: string }) {
  const org = ctx.organization.charAt(0).toUpperCase() + ctx.organization.slice(1);
  return `${org}: notice of a data breach that may involve your personal information. For what happened and what to do, call toll-free ${letter.contact.tollFreePhone} and quote reference ${ctx.incidentId}. ${relayLine(ctx.ttyRelay)}`;
}

function answeredFailed(receipt: unknown): boolean {
  const outcome = (receipt as { outcome?: unknown } | undefined)?.outcome;
  return typeof outcome === 'string' && (FAILED_CALL_OUTCOMES as readonly string[]).includes(outcome);
}

export function telephonyActivities(deps: { env: Record<string, string | undefined> }) {
  /**
   * One person's call: placed, or failed (refused, not through, or out through every attempt). `beat`
   * heartbeats the run's checkpoint while it waits between attempts (a heartbeat without it would clear it).
   */
  async function call(
    input: { endpoint: Endpoint; key: string; body: unknown },
    beat: () => void,
  ): Promise<'called' | 'failed'> {
    const ctx = Context.current();
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = await postToEndpoint(
          { name: 'telephony', endpoint: input.endpoint, idempotencyKey: input.key, body: input.body },
          deps.env,
        );
        return answeredFailed(result.receipt) ? 'failed' : 'called';
      } catch (err) {
        const type = err instanceof ApplicationFailure ? err.type : undefined;
        if (type === ENDPOINT_REJECTED) return 'failed';
        // Anything else (a token not set, a worker shutting down) fails the activity, retried from the checkpoint.
        if (type !== ENDPOINT_UNAVAILABLE) throw err;
        if (attempt >= CALL_ATTEMPTS) return 'failed';
        beat();
        await ctx.sleep(1_000 * 2 ** (attempt - 1));
      }
    }
  }

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
      const resumed = ctx.info.heartbeatDetails as CallCheckpoint | undefined;
      const progress: Required<CallCheckpoint> = {
        nextLine: 0,
        called: 0,
        failed: 0,
        ...resumed,
        fellTo: { email: 0, letter: 0, substitute: 0, ...resumed?.fellTo },
      };
      const message = phoneMessage(input.letter, input);
      for await (const chunk of rosterLineChunks(input.url, progress.nextLine, ctx.cancellationSignal)) {
        for (const [line, text] of chunk) {
          const parsed = parseRosterLine(text);
          const person: RosterEntry | undefined = parsed.ok ? parsed.entry : undefined;
          if (person && present(person.phone)) {
            const outcome = await call(
              {
                endpoint: input.endpoint,
                key: `${workflowId}:call:${line}`,
                body: { incidentId: input.incidentId, line, to: person.phone.trim(), message },
              },
              () => ctx.heartbeat(progress),
            );
            if (outcome === 'called') progress.called += 1;
            else {
              progress.failed += 1;
              progress.fellTo[nextMeansAfterCall(person)] += 1;
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
