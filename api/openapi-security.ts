/**
 * The OpenAPI document's security schemes and the need-to-know answers it names (api/openapi.ts).
 */
import type { JsonSchema } from './openapi-schemas.js';

/**
 * How a caller authenticates (docs/contract.md "Sign-in"): a bearer token of BREACH_API_TOKENS, or an
 * access token of the identity provider. With an issuer configured, the document names it as an
 * OpenID Connect scheme (its discovery document), beside the bearer scheme the token travels in.
 */
export function securityOf(oidcIssuer: string | undefined): {
  schemes: JsonSchema;
  requirement: Record<string, string[]>[];
} {
  const bearer = {
    type: 'http',
    scheme: 'bearer',
    description: oidcIssuer
      ? `A token of BREACH_API_TOKENS (scripts, the demo), or an access token of the OpenID provider ${oidcIssuer}: a JWT whose signature (the issuer's JWKS), issuer, audience (BREACH_OIDC_AUDIENCE) and expiry are checked; 401 otherwise. The person is the playbook's, matched by \`sub\` or verified email; someone it does not know may report and read their own reports only.`
      : 'A token of BREACH_API_TOKENS. With BREACH_OIDC_ISSUER configured, an access token (JWT) of that OpenID provider too.',
  };
  if (!oidcIssuer) return { schemes: { bearer }, requirement: [{ bearer: [] }] };
  const oidc = {
    type: 'openIdConnect',
    openIdConnectUrl: `${oidcIssuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
    description: 'The identity provider whose access tokens the API accepts as bearer tokens.',
  };
  return { schemes: { bearer, oidc }, requirement: [{ bearer: [] }, { oidc: [] }] };
}

/** What need to know (5 FAM 469.2c(1), domain/need-to-know.ts) answers, said once for the incident routes. */
export const NOT_SEEN =
  'no such incident, or one the caller may not see (need to know, 5 FAM 469.2c(1): a role the incident involves, or its reporter); its existence is not disclosed';
export const NO_ROLE =
  'the caller holds no role in the playbook: a workforce member may report and read their own reports (5 FAM 468.3a), not decide';
