/**
 * Reports taken by telephone (CBP seed: incidents are reported to the SOC by email or by telephone): the
 * official who takes the call files the report for the caller. The caller is `reporter`, the official
 * `filedBy`; left out, `filedBy` is the signed-in official. Who sent the request is kept besides, as for
 * every report (`reporters` of the state, an opaque key), so a call centre's system that files for its
 * operators under one token still leaves both on the record.
 */
import type { Identity } from '../security/identity.js';

/** A telephone report without `filedBy` is filed by the caller's identity (when it has a name and email). */
export function telephoneFiler(body: unknown, identity: Identity): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const record = body as Record<string, unknown>;
  if (record.intakeChannel !== 'telephone' || record.filedBy !== undefined) return body;
  if (!identity.name || !identity.email) return body;
  return { ...record, filedBy: { name: identity.name, email: identity.email } };
}
