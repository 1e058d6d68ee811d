/**
 * OpenID Connect, the way agencies connect their identity provider: the pages sign people in with the
 * authorization code flow and PKCE (`openid-client`), and the API takes the IdP's access tokens (JWTs
 * checked against the issuer's JWKS with `jose`: signature, issuer, audience, expiry).
 *
 * The IdP is discovered lazily and again after a failure: the API starts (and serves the bearer-token
 * API) while the IdP is still coming up, and a sign-in then says it cannot reach it instead of failing
 * the whole process.
 */
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import type { OidcConfig } from '../config/index.js';
import type { OidcClaims } from './identity.js';

export const SCOPE = 'openid email profile';

/** What the browser carries between the redirect to the IdP and the callback (a short-lived signed cookie). */
export interface LoginTransaction {
  state: string;
  verifier: string;
  /** The page to go back to (a path of ours). */
  returnTo: string;
  /** Step-up: the sign-in must be this fresh (seconds; `max_age`). */
  maxAge?: number;
}

export class SignInUnavailableError extends Error {
  override name = 'SignInUnavailableError';
}

/** An access token the API refuses: the reason goes back in the 401. */
export class AccessTokenError extends Error {
  override name = 'AccessTokenError';
}

const isLoopbackHttp = (url: URL) =>
  url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

export interface Oidc {
  readonly config: OidcConfig;
  /** Starts a sign-in: the IdP URL to redirect to, and the transaction to keep in a cookie. */
  begin(options: { returnTo: string; maxAge?: number }): Promise<{ url: string; transaction: LoginTransaction }>;
  /** Finishes it: the ID token's claims (signature, issuer, audience, nonce-less PKCE, state and max_age checked). */
  finish(callbackUrl: URL, transaction: LoginTransaction): Promise<OidcClaims & { auth_time?: number }>;
  /** The IdP's sign-out, which comes back to `returnTo`; undefined when the IdP has none. */
  endSessionUrl(returnTo: string): Promise<string | undefined>;
  /** Verifies an access token of the IdP for BREACH_OIDC_AUDIENCE. */
  verifyAccessToken(token: string): Promise<OidcClaims>;
}

export function createOidc(config: OidcConfig, redirectUri: string): Oidc {
  let discovered: Promise<client.Configuration> | undefined;
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  const discover = () => {
    discovered ??= (async () => {
      const issuer = new URL(config.issuer);
      try {
        // Plain http only for an IdP on this machine (the development IdP of npm start).
        return await client.discovery(
          issuer,
          config.clientId,
          config.clientSecret,
          undefined,
          isLoopbackHttp(issuer) ? { execute: [client.allowInsecureRequests] } : undefined,
        );
      } catch (err) {
        discovered = undefined;
        throw new SignInUnavailableError(
          `the identity provider at ${config.issuer} did not answer (${err instanceof Error ? err.message : String(err)})`,
        );
      }
    })();
    return discovered;
  };

  return {
    config,
    async begin({ returnTo, maxAge }) {
      const configuration = await discover();
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const parameters: Record<string, string> = {
        redirect_uri: redirectUri,
        scope: SCOPE,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      };
      // Step-up: the IdP asks again, whatever session it has (max_age=0 and prompt=login).
      if (maxAge !== undefined) Object.assign(parameters, { max_age: String(maxAge), prompt: 'login' });
      return {
        url: client.buildAuthorizationUrl(configuration, parameters).href,
        transaction: { state, verifier, returnTo, ...(maxAge !== undefined ? { maxAge } : {}) },
      };
    },
    async finish(callbackUrl, transaction) {
      const configuration = await discover();
      const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: transaction.verifier,
        expectedState: transaction.state,
        idTokenExpected: true,
        ...(transaction.maxAge !== undefined ? { maxAge: transaction.maxAge } : {}),
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('the identity provider returned no ID token');
      return claims as OidcClaims & { auth_time?: number };
    },
    async endSessionUrl(returnTo) {
      const configuration = await discover().catch(() => undefined);
      if (!configuration?.serverMetadata().end_session_endpoint) return undefined;
      return client.buildEndSessionUrl(configuration, {
        post_logout_redirect_uri: returnTo,
        client_id: config.clientId,
      }).href;
    },
    async verifyAccessToken(token) {
      const configuration = await discover();
      const jwksUri = configuration.serverMetadata().jwks_uri;
      if (!jwksUri) throw new SignInUnavailableError('the identity provider publishes no jwks_uri');
      jwks ??= createRemoteJWKSet(new URL(jwksUri));
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          issuer: configuration.serverMetadata().issuer,
          audience: config.audience,
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (err) {
        if (err instanceof joseErrors.JWTExpired) throw new AccessTokenError('the access token has expired');
        if (err instanceof joseErrors.JWTClaimValidationFailed)
          throw new AccessTokenError(
            `the access token is not valid here: ${err.claim} ${err.reason === 'check_failed' ? `is not ${err.claim === 'aud' ? config.audience : 'as expected'}` : err.reason}`,
          );
        if (err instanceof joseErrors.JOSEError)
          throw new AccessTokenError(`the access token is not valid: ${err.code}`);
        throw err;
      }
      return payload as OidcClaims;
    },
  };
}
