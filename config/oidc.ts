/** Sign-in with OpenID Connect (security/oidc.ts): where the identity provider is and who we are to it. Read by the API. */
import { z } from 'zod';
import { parseEnv, type Env } from './shared.js';

const oidcSchema = z.object({
  BREACH_OIDC_ISSUER: z.url({
    protocol: /^https?$/,
    error: 'expected the issuer URL of the identity provider, e.g. https://login.example.gov',
  }),
  BREACH_OIDC_CLIENT_ID: z.string().min(1, 'expected the client id the identity provider gave the pages'),
  BREACH_OIDC_CLIENT_SECRET: z.string().min(1, 'expected the client secret the identity provider gave the pages'),
  BREACH_OIDC_AUDIENCE: z
    .string()
    .min(1, "expected the API's audience: the `aud` of the access tokens the identity provider issues for it"),
});

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  audience: string;
}

/**
 * BREACH_OIDC_*: absent issuer, no sign-in (the API takes the bearer token file only and the pages say
 * sign-in is not configured); an issuer without the rest is a configuration error naming what is missing.
 */
export function loadOidcConfig(env: Env = process.env): OidcConfig | undefined {
  if (!env.BREACH_OIDC_ISSUER) return undefined;
  const e = parseEnv(oidcSchema, env);
  return {
    issuer: e.BREACH_OIDC_ISSUER.replace(/\/$/, ''),
    clientId: e.BREACH_OIDC_CLIENT_ID,
    clientSecret: e.BREACH_OIDC_CLIENT_SECRET,
    audience: e.BREACH_OIDC_AUDIENCE,
  };
}
