/**
 * Who is who: a signed-in person (a session of the pages, an access token of the identity provider, or
 * a bearer token of BREACH_API_TOKENS) and the roles the playbook gives them.
 *
 * Matching (docs/contract.md "Sign-in"): a playbook person whose `subject` is the token's `sub`, else
 * the one whose email is the token's email *when the IdP says it is verified* (an unverified email
 * could be anyone's). Someone the playbook does not know is still a workforce member: they may report
 * (5 FAM 468.3a) and read their own reports, nothing else.
 */
import { createHash } from 'node:crypto';
import type { Playbook, Person } from '../domain/playbook.js';
import type { Role } from '../domain/roles.js';

export interface Identity {
  /**
   * Stable and opaque, the actor of decisions and the reporter of reports: the playbook person's id,
   * else `oidc-<hash of issuer and sub>` (a `sub` may be an email at some IdPs; it is not kept in clear).
   */
  key: string;
  /** The playbook person, when matched. */
  personId?: string;
  roles: Role[];
  /** Roles the playbook names this person an alternate for (need to know: they may be asked to decide). */
  alternateFor?: Role[];
  /** For the page header only ("Signed in as ..."); never logged. */
  name?: string;
  email?: string;
  /** Epoch seconds of the sign-in at the IdP (`auth_time`), for step-up. */
  authTime?: number;
}

export interface OidcClaims {
  iss?: string;
  sub?: string;
  email?: unknown;
  email_verified?: unknown;
  name?: unknown;
  auth_time?: unknown;
}

export function personForClaims(playbook: Playbook, claims: OidcClaims): Person | undefined {
  if (typeof claims.sub === 'string') {
    const bySubject = playbook.people.find((p) => p.subject !== undefined && p.subject === claims.sub);
    if (bySubject) return bySubject;
  }
  if (claims.email_verified === true && typeof claims.email === 'string') {
    const email = claims.email.toLowerCase();
    return playbook.people.find((p) => p.email.toLowerCase() === email);
  }
  return undefined;
}

export function identityFromClaims(playbook: Playbook, claims: OidcClaims): Identity {
  const person = personForClaims(playbook, claims);
  const key = person
    ? person.id
    : `oidc-${createHash('sha256')
        .update(`${claims.iss ?? ''}\n${claims.sub ?? ''}`)
        .digest('hex')
        .slice(0, 32)}`;
  return {
    key,
    ...(person ? { personId: person.id } : {}),
    roles: person ? [...person.roles] : [],
    ...(person ? alternatesOf(playbook, person.id) : {}),
    ...(typeof claims.name === 'string' ? { name: claims.name } : person ? { name: person.name } : {}),
    ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
    ...(typeof claims.auth_time === 'number' ? { authTime: claims.auth_time } : {}),
  };
}

/** The person of a bearer token of BREACH_API_TOKENS (always in the playbook: config/ checks). */
export function identityOfPerson(playbook: Playbook, personId: string): Identity {
  const person = playbook.people.find((p) => p.id === personId);
  return {
    key: personId,
    personId,
    roles: person ? [...person.roles] : [],
    ...alternatesOf(playbook, personId),
    ...(person ? { name: person.name, email: person.email } : {}),
  };
}

/** The roles the playbook's `alternates` name this person for (separation of duties). */
function alternatesOf(playbook: Playbook, personId: string): { alternateFor?: Role[] } {
  const roles = Object.entries(playbook.alternates ?? {})
    .filter(([, ids]) => ids?.includes(personId))
    .map(([role]) => role as Role);
  return roles.length ? { alternateFor: roles } : {};
}
