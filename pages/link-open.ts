/**
 * Opening an approval link: its signature and expiry, the person it was sent to, the incident's state,
 * and whether the decision it asks for was recorded already (a link works once).
 */
import type { IncidentState } from '../domain/state.js';
import { IncidentNotFoundError } from '../client/incidents.js';
import { linkDecisionId, verifyLink, type VerifiedLink } from '../security/links.js';
import type { PageDeps } from './index.js';
import { timeWords } from './words.js';

/**
 * When the decision this link asks for was recorded, if it was: by the link's own decisionId when the
 * state records it, else by this person's decision of this kind since the link was made (the request
 * the link carries is answered, whichever way the answer came). Action-item links are left out of the
 * second test: one person may complete several items.
 */
export function linkUsedAt(state: IncidentState, claims: VerifiedLink): string | undefined {
  const decisionId = linkDecisionId(claims.linkId);
  const byId = state.decisions.find((d) => (d as { decisionId?: unknown }).decisionId === decisionId);
  if (byId) return byId.at;
  if (claims.kind === 'complete-action-item') return undefined;
  return state.decisions.find(
    (d) => d.kind === claims.kind && d.actorId === claims.personId && Date.parse(d.at) >= claims.issuedAt,
  )?.at;
}

const LINK_PROBLEM = {
  malformed: [
    400,
    'This link is not valid',
    'The link is incomplete or was cut short. Open it again from the email, or ask for a new one.',
  ],
  tampered: [
    400,
    'This link is not valid',
    'The link does not carry a valid signature: it was changed after it was sent. Nothing was recorded.',
  ],
  expired: [410, 'This link has expired', 'Ask for a new link, or record the decision on the case page.'],
} as const;

export interface Opened {
  claims: VerifiedLink;
  /** Absent only on the form's POST when no worker answered in time: the workflow checks the decision when one runs. */
  state: IncidentState | undefined;
  roles: string[];
  personName: string;
}

/** A page that says why the link cannot be used. */
interface Refused {
  status: number;
  title: string;
  lines: string[];
}

/**
 * Checks the link, the person and the incident, the incident as the route's need-to-know hook read it for
 * the link's person (`known`, pages/link-pages.ts; 404 without it). On the form's POST a state query no
 * worker answered in time leaves `known.state` undefined: no reason to refuse the decision, which goes on
 * without the state, and the workflow checks it when a worker runs.
 */
export function openLink(
  deps: PageDeps,
  token: string,
  known: { state: IncidentState | undefined } | undefined,
): { opened: Opened } | Refused {
  const verdict = verifyLink(deps.linkSecret, token);
  if (!verdict.ok) {
    const [status, title, line] = LINK_PROBLEM[verdict.reason];
    const when =
      verdict.reason === 'expired' && verdict.claims
        ? [`It expired on ${new Date(verdict.claims.expiresAt).toISOString()}.`]
        : [];
    return { status, title, lines: [...when, line] };
  }
  const { claims } = verdict;
  const person = deps.playbook.people.find((p) => p.id === claims.personId);
  if (!person)
    return {
      status: 403,
      title: 'This link is not valid',
      lines: ['The person this link was made for is not in the playbook any more.'],
    };
  if (!known) throw new IncidentNotFoundError(claims.incidentId);
  const { state } = known;
  if (!state) return { opened: { claims, state: undefined, roles: person.roles, personName: person.name } };
  const usedAt = linkUsedAt(state, claims);
  if (usedAt !== undefined)
    return {
      status: 409,
      title: 'This link has already been used',
      lines: [
        `The decision it asks for was recorded on ${timeWords(usedAt)}; a link works once. Nothing new was recorded.`,
      ],
    };
  return { opened: { claims, state, roles: person.roles, personName: person.name } };
}
