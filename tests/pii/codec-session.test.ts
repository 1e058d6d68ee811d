/**
 * The codec server's browser session: the local Temporal UI cannot send a bearer token, so an operator
 * signs in once at /codec/login with their API token and the UI's codec calls carry the session cookie.
 */
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODEC_SESSION_COOKIE, payloadToJson, signCodecSession, verifyCodecSession } from '../../api/codec-server.js';
import { buildApi } from '../../api/server.js';
import { createKeyring, EncryptionCodec, generateKey } from '../../security/codec.js';
import { DEFAULT_API_TOKENS, DEFAULT_PLAYBOOK, loadApiTokens, loadPlaybookFile } from '../../config/index.js';

const UI = 'http://localhost:8233';
const SECRET = { name: 'Jane Q. Public', ssn: '123-45-6789' };
const SESSION_SECRET = 'codec-session-test-secret-0123456789abcdef';
let app: FastifyInstance;
let connection: Connection;
const codec = new EncryptionCodec(createKeyring('s-test', { 's-test': generateKey() }));

beforeAll(async () => {
  const playbook = await loadPlaybookFile(DEFAULT_PLAYBOOK);
  connection = Connection.lazy({ address: '127.0.0.1:9' });
  app = await buildApi({
    client: new Client({ connection }),
    taskQueue: 'nowhere',
    playbook,
    tokens: await loadApiTokens(DEFAULT_API_TOKENS, playbook),
    linkSecret: SESSION_SECRET,
    publicUrl: 'http://breach.test',
    log: () => undefined,
    codecServer: { codec, origins: [UI] },
  });
});
afterAll(async () => {
  await app?.close();
  await connection?.close().catch(() => undefined);
});

const decode = async (cookie?: string) =>
  app.inject({
    method: 'POST',
    url: '/decode',
    headers: { 'content-type': 'application/json', origin: UI, ...(cookie ? { cookie } : {}) },
    payload: JSON.stringify({
      payloads: (await codec.encode([defaultPayloadConverter.toPayload(SECRET)])).map(payloadToJson),
    }),
  });

describe('codec session', () => {
  it('signs in with an API token, and the cookie then decrypts for the UI origin', async () => {
    const page = await app.inject({ method: 'GET', url: '/codec/login' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toContain('Include cross-origin credentials');

    const login = await app.inject({
      method: 'POST',
      url: '/codec/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'token=demo-ips-director-token',
    });
    expect(login.statusCode).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(new RegExp(`^${CODEC_SESSION_COOKIE}=ips-director\\.\\d+\\.`));
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).not.toContain('demo-ips-director-token');

    const res = await decode(setCookie.split(';')[0]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.body).not.toContain('123-45-6789'); // still base64 on the wire
    const payload = (res.json() as { payloads: { data: string }[] }).payloads[0]!;
    expect(Buffer.from(payload.data, 'base64').toString()).toContain('123-45-6789');
  });

  it('refuses an unknown token at sign-in, and no cookie, a forged or an expired one at /decode', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/codec/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'token=not-a-token-at-all',
    });
    expect(login.statusCode).toBe(401);
    expect(login.headers['set-cookie']).toBeUndefined();

    expect((await decode()).statusCode).toBe(401);
    const forged = signCodecSession('some-other-secret-0123456789abcdefghij', 'ips-director', Date.now() + 60_000);
    expect((await decode(`${CODEC_SESSION_COOKIE}=${forged}`)).statusCode).toBe(401);
    const expired = signCodecSession(SESSION_SECRET, 'ips-director', Date.now() - 1);
    expect((await decode(`${CODEC_SESSION_COOKIE}=${expired}`)).statusCode).toBe(401);
  });

  it('answers an empty request (protobuf JSON omits the empty list, as the Temporal CLI sends it) with no payloads', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/decode',
      headers: { 'content-type': 'application/json', authorization: 'Bearer demo-ips-director-token' },
      payload: '{}',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ payloads: [] });
  });

  it('verifies only untampered, unexpired sessions', () => {
    const good = signCodecSession(SESSION_SECRET, 'ppgb-chair', 2_000);
    expect(verifyCodecSession(SESSION_SECRET, good, 1_000)).toBe('ppgb-chair');
    expect(verifyCodecSession(SESSION_SECRET, good, 2_000)).toBeUndefined();
    expect(verifyCodecSession(SESSION_SECRET, good.replace('ppgb-chair', 'ips-director'), 1_000)).toBeUndefined();
    expect(verifyCodecSession(SESSION_SECRET, 'garbage', 1_000)).toBeUndefined();
  });
});
