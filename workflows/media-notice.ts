/**
 * The substitute notice in the media (5 FAM 468.6-2b): besides the posting on the home page, notice in
 * major print and broadcast media, including major media in the areas where the people affected likely
 * live, with the toll-free number. The areas are read from the roster once (activities/media.ts); the
 * notice goes to the playbook's `mediaRelease` endpoint each time the web posting does (a new substitute
 * count: returns.ts `postSubstitute`), as a new revision.
 *
 * Behind `patched()`, reached only by incidents whose playbook names a `mediaRelease` endpoint: no
 * incident running before this had one, so none of them sees a new command.
 */
import { isPatched } from './since-marker.js';
import { MEDIA_NOTICE_PATCH } from './patch-ids.js';
import type { Area } from '../domain/areas.js';
import { ttyRelayOf } from '../domain/playbook-terms.js';
import { endpoint, notifier } from './activities.js';
import { nowIso, type Incident } from './incident-state.js';

/** The areas, read once per incident (the roster does not change once approved). */
const areasOf = new WeakMap<Incident, Area[]>();

export async function mediaNotice(incident: Incident, affectedCount: number): Promise<void> {
  const { state, playbook } = incident;
  const target = playbook.endpoints.mediaRelease;
  const approved = incident.letter;
  if (!target || !approved) return;
  if (!isPatched(MEDIA_NOTICE_PATCH)) return;
  let areas = areasOf.get(incident);
  if (!areas) {
    areas = await notifier('Read the areas of the people affected from the roster').rosterAreas({
      url: approved.roster.url,
    });
    areasOf.set(incident, areas);
  }
  const sent = state.mediaNotice?.sent ?? 0;
  await endpoint('Send the substitute notice to the media', target).postMediaNotice({
    incidentId: state.incidentId,
    organization: playbook.organization,
    letter: approved.letter,
    affectedCount,
    areas,
    endpoint: target,
    revision: sent,
    ...ttyRelayOf(playbook),
  });
  state.mediaNotice = { areas, affectedCount, sent: sent + 1, at: nowIso() };
  incident.log(
    sent ? 'media-notice-updated' : 'media-notice-sent',
    undefined,
    `${affectedCount} people; ${areas.map((a) => `${a.area} ${a.count}`).join(', ')}`.slice(0, 500),
  );
}
