/**
 * What the workflow reads of a playbook (plain, for the workflow sandbox): who holds a role, the endpoint
 * names and defaults. The playbook's schema, for the boundaries that load one, is domain/playbook.ts.
 */
import type { Person, Playbook } from './playbook.js';
import type { Role } from './roles.js';

/** An endpoint's HTTP time-out when the playbook gives none (activities/http.ts, workflows/activities.ts). */
export const DEFAULT_ENDPOINT_TIMEOUT_MS = 10_000;

export const ENDPOINTS = ['usCert', 'privacyDivision', 'oig', 'mailVendor', 'webPosting', 'recordsArchive'] as const;
export type EndpointName = (typeof ENDPOINTS)[number];

export const MAJOR_INCIDENT_DEFAULTS = { threshold: 100_000, congressWithin: '7d' };

export function holdersOf(playbook: Playbook, role: Role): Person[] {
  return playbook.people.filter((p) => p.roles.includes(role));
}

export function holds(playbook: Playbook, personId: string, role: Role): boolean {
  return playbook.people.some((p) => p.id === personId && p.roles.includes(role));
}
