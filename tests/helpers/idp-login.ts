/**
 * Signs a user in at the development IdP (scripts/local/idp.ts) the way a browser does, without one: follows the
 * authorization request's redirects with the IdP's cookies, picks the user on its sign-in page, and
 * stops at the redirect back to the client. What comes back is the client's callback URL, with the code.
 */
import type { FastifyInstance } from 'fastify';
import * as client from 'openid-client';

function store(jar: Map<string, string>, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const at = pair!.indexOf('=');
    if (at > 0) jar.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
  }
}

const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

/** The callback URL the IdP sends the browser to after `sub` signs in. */
export async function signInAtIdp(authorizationUrl: string, sub: string): Promise<string> {
  const issuerOrigin = new URL(authorizationUrl).origin;
  const jar = new Map<string, string>();
  let url = authorizationUrl;
  for (let step = 0; step < 12; step += 1) {
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: cookieHeader(jar) } });
    store(jar, response);
    if (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get('location')!, url).href;
      if (new URL(url).origin !== issuerOrigin) return url;
      continue;
    }
    const html = await response.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`the IdP answered ${response.status} without a sign-in form: ${html.slice(0, 300)}`);
    const posted = await fetch(new URL(action, url), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ sub }).toString(),
    });
    store(jar, posted);
    if (!posted.headers.get('location'))
      throw new Error(`the IdP refused the sign-in of ${sub}: ${posted.status} ${await posted.text()}`);
    url = new URL(posted.headers.get('location')!, url).href;
    if (new URL(url).origin !== issuerOrigin) return url;
  }
  throw new Error('too many redirects at the IdP');
}

/** An access token of the IdP for `sub`, obtained as a confidential client with PKCE would. */
export async function accessTokenFor(
  issuer: string,
  clientId: string,
  clientSecret: string,
  redirectUri: string,
  sub: string,
): Promise<string> {
  const configuration = await client.discovery(new URL(issuer), clientId, clientSecret, undefined, {
    execute: [client.allowInsecureRequests],
  });
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  const callback = await signInAtIdp(url.href, sub);
  const tokens = await client.authorizationCodeGrant(configuration, new URL(callback), {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  return tokens.access_token;
}

/** Signs `sub` in to the pages of `app` through the IdP (inject for our side, fetch for the IdP's). */
export async function sessionFor(app: FastifyInstance, sub: string, stepUp = false): Promise<string> {
  const start = await app.inject({ method: 'GET', url: `/auth/sign-in?returnTo=/cases${stepUp ? '&stepUp=1' : ''}` });
  const login = start.cookies.find((c) => c.name === 'breach_login')!.value;
  const callback = new URL(await signInAtIdp(start.headers.location as string, sub));
  const done = await app.inject({
    method: 'GET',
    url: `${callback.pathname}${callback.search}`,
    cookies: { breach_login: login },
  });
  if (done.statusCode !== 303)
    throw new Error(`sign-in of ${sub} answered ${done.statusCode}: ${done.body.slice(-400)}`);
  return done.cookies.find((c) => c.name === 'breach_session')!.value;
}
