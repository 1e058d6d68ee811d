/**
 * The substitute notice in the media (5 FAM 468.6-2b): the areas where the people affected likely live,
 * read from the roster (domain/areas.ts), and the media notice to the playbook's `mediaRelease`
 * endpoint with the areas, the toll-free number and the notice text. Idempotent by
 * `<workflowId>:media-notice[:revision]`: a new substitute count is a new revision the receiver takes
 * as a replacement, a retry of the same one is dropped there as a repeat.
 */
import { Context } from '@temporalio/activity';
import type { Endpoint } from '../domain/playbook.js';
import { NO_USABLE_ADDRESS, sortedAreas, stateOfAddress, type Area } from '../domain/areas.js';
import type { Letter } from '../domain/decision.js';
import { renderSubstituteNotice } from '../domain/letter-render.js';
import { parseRosterLine } from '../domain/roster.js';
import { postToEndpoint } from './http.js';
import { rosterLineChunks } from './roster.js';

const workflowId = () => {
  const info = Context.current().info;
  return info.workflowExecution?.workflowId ?? `activity-${info.activityId}`;
};

export function mediaActivities(deps: { env: Record<string, string | undefined> }) {
  return {
    /** The state of each postal address on the roster, counted; heartbeats as it reads (NOTIFY_OPTIONS). */
    async rosterAreas(input: { url: string }): Promise<Area[]> {
      const counts: Record<string, number> = {};
      const signal = Context.current().cancellationSignal;
      for await (const chunk of rosterLineChunks(input.url, 0, signal)) {
        for (const [, text] of chunk) {
          const parsed = parseRosterLine(text);
          const area = (parsed.ok && stateOfAddress(parsed.entry.postalAddress)) || NO_USABLE_ADDRESS;
          counts[area] = (counts[area] ?? 0) + 1;
        }
        Context.current().heartbeat();
      }
      return sortedAreas(counts);
    },

    /** The media notice (468.6-2b): the areas, the toll-free number, the relay number and the text. */
    async postMediaNotice(input: {
      incidentId: string;
      organization: string;
      letter: Letter;
      affectedCount: number;
      areas: Area[];
      endpoint: Endpoint;
      revision: number;
      ttyRelay?: string;
    }) {
      const notice = renderSubstituteNotice(input.letter, {
        organization: input.organization,
        affectedCount: input.affectedCount,
        ttyRelay: input.ttyRelay,
      });
      return postToEndpoint(
        {
          name: 'mediaRelease',
          endpoint: input.endpoint,
          idempotencyKey: `${workflowId()}:media-notice${input.revision ? `:${input.revision}` : ''}`,
          body: {
            incidentId: input.incidentId,
            ...(input.revision ? { revision: input.revision } : {}),
            areas: input.areas,
            tollFreePhone: input.letter.contact.tollFreePhone,
            ...(input.ttyRelay ? { ttyRelay: input.ttyRelay } : {}),
            affectedCount: input.affectedCount,
            title: notice.webPosting.title,
            text: notice.mediaText,
          },
        },
        deps.env,
      );
    },
  };
}
