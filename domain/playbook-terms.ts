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

/** Where the one-hour report goes for one medium: the office told (mail) and the endpoint that takes the report. */
export interface Route {
  office: Role;
  endpoint: 'usCert' | 'privacyDivision';
}

/**
 * The one-hour report's routing (467.2a, 468.3b): by medium, plus offices told of every incident. A
 * playbook without `routing` (and every incident started before it was data) routes as 5 FAM does:
 * cyber to DS/CIRT and US-CERT, the rest to the Privacy Division.
 */
export const STATE_ROUTING: { cyber: Route; 'non-cyber': Route; alwaysTell: Role[] } = {
  cyber: { office: 'dsCirt', endpoint: 'usCert' },
  'non-cyber': { office: 'privacyDivision', endpoint: 'privacyDivision' },
  alwaysTell: [],
};

export function routeFor(playbook: Playbook, medium: 'cyber' | 'non-cyber'): Route {
  return (playbook.routing ?? STATE_ROUTING)[medium];
}

/** Offices told of every incident besides the medium's (the DHS playbook: none; its SOC takes every medium). */
export function alwaysTold(playbook: Playbook, medium: 'cyber' | 'non-cyber'): Role[] {
  const told = playbook.routing?.alwaysTell ?? [];
  return told.filter((role) => role !== routeFor(playbook, medium).office);
}

/**
 * The TTY or relay number every notice names (Section 508; 5 FAM 468.6-2b), as the notices' inputs take
 * it: the playbook's `accessibility.ttyRelay`, or nothing, and the notice names 711 (domain/letters.ts).
 */
export function ttyRelayOf(playbook: Pick<Playbook, 'accessibility'>): { ttyRelay?: string } {
  return playbook.accessibility ? { ttyRelay: playbook.accessibility.ttyRelay } : {};
}
