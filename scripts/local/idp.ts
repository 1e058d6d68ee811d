/**
 * The local development identity provider of `npm start` and the tests: a real OpenID Provider
 * (`oidc-provider`, certified), not a fake. Its users are the playbook's people, plus one workforce
 * member who holds no role (anyone may report, 5 FAM 468.3a). It signs in without a password: a page
 * lists the users and the developer picks one, which is what a development IdP is for. Everything else
 * is the real protocol: authorization code with PKCE (S256, required), ID tokens, and JWT access tokens
 * for the API's audience (RFC 8707 resource indicators), signed with a key made at start.
 *
 * Never for production: production points BREACH_OIDC_ISSUER at the agency's IdP (Login.gov, Okta,
 * Entra ID, an agency IdP with PIV).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import type { Playbook } from '../../domain/playbook.js';

export interface DevIdpUser {
  /** The IdP's `sub`: the person's `subject` in the playbook, else their id. */
  sub: string;
  name: string;
  email: string;
  /** What the sign-in page shows beside the name. */
  note: string;
}

/** A workforce member who is in no playbook: they may report, and read what they reported. */
export const WORKFORCE_MEMBER: DevIdpUser = {
  sub: 'workforce-member',
  name: 'Wren Workforce (workforce member, no role)',
  email: 'workforce.member@state.example',
  note: 'no role',
};

export function devIdpUsers(playbook: Playbook): DevIdpUser[] {
  return [
    ...playbook.people.map((p) => ({ sub: p.subject ?? p.id, name: p.name, email: p.email, note: p.roles.join(', ') })),
    WORKFORCE_MEMBER,
  ];
}

export interface DevIdpOptions {
  playbook: Playbook;
  /** 0: a free port. */
  port: number;
  host?: string;
  clientId: string;
  clientSecret: string;
  /** The API's audience: the `aud` of the access tokens (BREACH_OIDC_AUDIENCE). */
  audience: string;
  /** Where the pages' sign-in returns (`<public URL>/auth/callback`); more than one for tests. */
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  accessTokenTtlSeconds?: number;
}

export interface DevIdp {
  issuer: string;
  port: number;
  users: DevIdpUser[];
  close(): Promise<void>;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function signInPage(uid: string, users: DevIdpUser[], clientId: string): string {
  const options = users
    .map(
      (u, i) =>
        `<li><label><input type="radio" name="sub" value="${escapeHtml(u.sub)}"${i === 0 ? ' required' : ''}> ${escapeHtml(u.name)} <span class="note">${escapeHtml(u.email)} · ${escapeHtml(u.note)}</span></label></li>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in (development identity provider)</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}ul{list-style:none;padding:0}
li{margin:.3rem 0}.note{color:#555;font-size:.9rem}button{margin-top:1rem;padding:.5rem 1.2rem;font:inherit}</style></head>
<body><main><h1>Sign in</h1><p>Development identity provider for <strong>${escapeHtml(clientId)}</strong>. Choose who you are; there is no password here.
An agency's identity provider (PIV, Login.gov, Okta, Entra ID) takes its place in production.</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/login"><fieldset><legend>Person</legend><ul>${options}</ul></fieldset>
<button type="submit">Sign in</button></form></main></body></html>`;
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 10_000) break;
  }
  return new URLSearchParams(text);
}

export async function startDevIdp(options: DevIdpOptions): Promise<DevIdp> {
  const host = options.host ?? '127.0.0.1';
  const users = devIdpUsers(options.playbook);
  const bySub = new Map(users.map((u) => [u.sub, u]));
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = {
    ...(await exportJWK(privateKey)),
    kid: `dev-${randomBytes(6).toString('hex')}`,
    alg: 'RS256',
    use: 'sig',
  };

  // Listen first: the issuer names the port.
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server: Server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://${host}:${port}`;
  const { audience } = options;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris ?? [],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    pkce: { required: () => true },
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // The pages read who signed in from the ID token: its claims are there, not only at userinfo.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (resource !== audience) throw new Error(`unknown resource ${resource}`);
          return {
            scope: 'api',
            audience,
            accessTokenTTL: options.accessTokenTtlSeconds ?? 3_600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    // The API matches people by verified email too: the access token carries it, as agency IdPs' do.
    extraTokenClaims: (_ctx: unknown, token: { accountId?: string }) => {
      const user = token.accountId ? bySub.get(token.accountId) : undefined;
      return user ? { email: user.email, email_verified: true } : {};
    },
    findAccount: (_ctx: unknown, sub: string) => {
      const user = bySub.get(sub);
      if (!user) return undefined;
      return { accountId: sub, claims: () => ({ sub, name: user.name, email: user.email, email_verified: true }) };
    },
    // A first-party client: no consent screen; the grant covers the ID token's claims and the API.
    loadExistingGrant: async (ctx: {
      oidc: {
        client: { clientId: string };
        session: { accountId: string; grantIdFor(id: string): string | undefined };
        result?: { consent?: { grantId?: string } };
      };
    }) => {
      const { client, session, result } = ctx.oidc;
      const existing = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (existing) return provider.Grant.find(existing);
      const grant = new provider.Grant({ accountId: session.accountId, clientId: client.clientId });
      grant.addOIDCScope('openid email profile');
      grant.addResourceScope(audience, 'api');
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: options.accessTokenTtlSeconds ?? 3_600,
      IdToken: 3_600,
      Session: 8 * 3_600,
      Interaction: 3_600,
      Grant: 8 * 3_600,
      AuthorizationCode: 60,
    },
  });
  const callback = provider.callback();

  handler = (req, res) => {
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec((req.url ?? '').split('?')[0]!);
    if (!match) return callback(req, res);
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (req.method === 'POST' && match[2]) {
          const sub = (await formBody(req)).get('sub') ?? '';
          if (!bySub.has(sub)) {
            res
              .writeHead(400, { 'content-type': 'text/html; charset=utf-8' })
              .end(signInPage(details.uid, users, options.clientId));
            return;
          }
          await provider.interactionFinished(
            req,
            res,
            { login: { accountId: sub } },
            { mergeWithLastSubmission: false },
          );
          return;
        }
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
          .end(signInPage(details.uid, users, options.clientId));
      } catch (err) {
        res
          .writeHead(400, { 'content-type': 'text/plain; charset=utf-8' })
          .end(`sign-in failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    })();
  };

  return {
    issuer,
    port,
    users,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
