/**
 * /openapi.json says how to authenticate (the IdP's access tokens beside the token file)
 * and what need to know answers on the incident routes (469.2c(1)), so a client generated from it
 * knows both; the answers themselves are tested in tests/api/sign-in.test.ts and tests/rules.
 */
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../api/server.js';
import { DEFAULT_API_TOKENS, DEFAULT_PLAYBOOK, loadApiTokens, loadPlaybookFile } from '../../config/index.js';
import { createOidc } from '../../security/oidc.js';

type Doc = {
  security: Record<string, string[]>[];
  components: {
    securitySchemes: Record<string, { type: string; scheme?: string; openIdConnectUrl?: string; description?: string }>;
  };
  paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
};

const ISSUER = 'http://127.0.0.1:9/oidc';
let connection: Connection;
const apps: FastifyInstance[] = [];

async function documentOf(withOidc: boolean): Promise<Doc> {
  const playbook = await loadPlaybookFile(DEFAULT_PLAYBOOK);
  const app = await buildApi({
    client: new Client({ connection }),
    taskQueue: 'nowhere',
    playbook,
    tokens: await loadApiTokens(DEFAULT_API_TOKENS, playbook),
    linkSecret: 'openapi-security-test-secret-0123456789abcdef',
    publicUrl: 'http://breach.test',
    ...(withOidc
      ? {
          oidc: createOidc(
            {
              issuer: ISSUER,
              clientId: 'breach-pages',
              clientSecret: 'not-used-here',
              audience: 'urn:breach-response:api',
            },
            'http://breach.test/auth/callback',
          ),
        }
      : {}),
  });
  apps.push(app);
  return (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as Doc;
}

beforeAll(() => {
  connection = Connection.lazy({ address: '127.0.0.1:9' });
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await connection?.close().catch(() => undefined);
});

describe('/openapi.json: authentication', () => {
  it('without an identity provider: the bearer token of the token file', async () => {
    const doc = await documentOf(false);
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(doc.components.securitySchemes)).toEqual(['bearer']);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it("with BREACH_OIDC_ISSUER: the issuer's access tokens as bearer JWTs, and its discovery document as an openIdConnect scheme", async () => {
    const doc = await documentOf(true);
    expect(doc.security).toEqual([{ bearer: [] }, { oidc: [] }]);
    expect(doc.components.securitySchemes.oidc).toMatchObject({
      type: 'openIdConnect',
      openIdConnectUrl: `${ISSUER}/.well-known/openid-configuration`,
    });
    expect(doc.components.securitySchemes.bearer!.description).toMatch(/JWT.*issuer.*audience.*expiry/);
    // Liveness, this document and the link pages stay without credentials.
    for (const [path, method] of [
      ['/healthz', 'get'],
      ['/openapi.json', 'get'],
      ['/links/{token}', 'get'],
    ] as const) {
      expect((doc.paths[path]![method] as unknown as { security: unknown[] }).security, path).toEqual([]);
    }
  });
});

describe('/openapi.json: need to know on the incident routes', () => {
  it('469.2c(1): 404 for an incident the caller may not see, 403 for a taken id, a missing role or no role at all', async () => {
    const doc = await documentOf(false);
    const responses = (path: string, method: string) => doc.paths[path]![method]!.responses;
    expect(responses('/incidents/{incidentId}', 'get')['404']!.description).toMatch(/may not see.*469\.2c\(1\)/);
    expect(responses('/incidents', 'post')['403']!.description).toMatch(/may not see/);
    expect(responses('/incidents/{incidentId}/decisions', 'post')['403']!.description).toMatch(
      /gate's role.*no role in the playbook/,
    );
    expect(responses('/incidents/{incidentId}/decisions/{decisionId}', 'get')['403']!.description).toMatch(
      /no role in the playbook/,
    );
    expect(responses('/incidents/{incidentId}/record', 'get')['403']!.description).toMatch(/need to know/);
    expect((doc.paths['/incidents']!.get as unknown as { summary: string }).summary).toMatch(
      /only those the caller may see/,
    );
  });
});
