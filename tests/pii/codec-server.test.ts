/**
 * The codec server of the Temporal UI (api/codec-server.ts, routes of the HTTP API): decodes and encodes for
 * a valid bearer token, refuses without one (401, readable by the UI: CORS headers on it too), answers
 * the browser's preflight for the UI's origin only, and never logs a payload.
 */
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codecOriginsFromEnv, DEFAULT_UI_ORIGINS, payloadFromJson, payloadToJson } from '../../api/codec-server.js';
import { buildApi } from '../../api/server.js';
import { createKeyring, EncryptionCodec, generateKey } from '../../security/codec.js';
import {
  ConfigError,
  DEFAULT_API_TOKENS,
  DEFAULT_PLAYBOOK,
  loadApiTokens,
  loadPlaybookFile,
} from '../../config/index.js';

const UI = 'http://localhost:8233';
const TOKEN = 'demo-ips-director-token';
const SECRET = { name: 'Zelda Quintanilla-Okafor', ssn: '123-45-6789' };

let app: FastifyInstance;
let connection: Connection;
const codec = new EncryptionCodec(createKeyring('ui-test', { 'ui-test': generateKey() }));
const lines: string[] = [];

beforeAll(async () => {
  const playbook = await loadPlaybookFile(DEFAULT_PLAYBOOK);
  const tokens = await loadApiTokens(DEFAULT_API_TOKENS, playbook);
  connection = Connection.lazy({ address: '127.0.0.1:9' });
  app = await buildApi({
    client: new Client({ connection }),
    taskQueue: 'nowhere',
    playbook,
    tokens,
    linkSecret: 'codec-test-link-secret-0123456789abcdefghijkl',
    publicUrl: 'http://breach.test',
    log: (line) => lines.push(line),
    codecServer: { codec, origins: [UI] },
  });
});

afterAll(async () => {
  await app?.close();
  await connection?.close().catch(() => undefined);
});

async function encrypted() {
  return (await codec.encode([defaultPayloadConverter.toPayload(SECRET)])).map(payloadToJson);
}

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/json', origin: UI, 'x-namespace': 'default', ...headers },
    payload: JSON.stringify(body),
  });
}

describe('POST /decode and /encode', () => {
  it('decodes for a valid token, with the CORS headers of the UI origin', async () => {
    const res = await post('/decode', { payloads: await encrypted() }, { authorization: `Bearer ${TOKEN}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(UI);
    const { payloads } = res.json() as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(payloads).toHaveLength(1);
    expect(Buffer.from(payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(payloadFromJson(payloads[0]!))).toEqual(SECRET);
  });

  it('encodes for a valid token: what it answers decodes back', async () => {
    const plain = payloadToJson(defaultPayloadConverter.toPayload(SECRET));
    const res = await post('/encode', { payloads: [plain] }, { authorization: `Bearer ${TOKEN}` });
    expect(res.statusCode, res.body).toBe(200);
    const [out] = (res.json() as { payloads: { metadata: Record<string, string>; data: string }[] }).payloads;
    expect(Buffer.from(out!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    expect(res.body).not.toContain(Buffer.from(SECRET.name).toString('base64'));
    const [back] = await codec.decode([payloadFromJson(out!)]);
    expect(defaultPayloadConverter.fromPayload(back!)).toEqual(SECRET);
  });

  it.each([
    ['no Authorization header', {}],
    ['an unknown token', { authorization: 'Bearer not-a-known-token-at-all' }],
    ['another scheme', { authorization: `Basic ${TOKEN}` }],
  ])('refuses %s with 401, which the UI can read', async (_what, headers) => {
    for (const path of ['/decode', '/encode']) {
      const res = await post(path, { payloads: await encrypted() }, headers);
      expect(res.statusCode).toBe(401);
      expect(res.headers['access-control-allow-origin']).toBe(UI);
      expect(res.body).not.toContain('Zelda');
    }
  });

  it('refuses a body that is not { payloads } with base64 values (400), and a payload it cannot decrypt (422, naming the key)', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await post('/decode', { nope: [] }, auth)).statusCode).toBe(400);
    expect((await post('/decode', { payloads: [{ metadata: { encoding: '!!' }, data: '' }] }, auth)).statusCode).toBe(
      400,
    );
    const other = new EncryptionCodec(createKeyring('other-key', { 'other-key': generateKey() }));
    const foreign = (await other.encode([defaultPayloadConverter.toPayload(SECRET)])).map(payloadToJson);
    const res = await post('/decode', { payloads: foreign }, auth);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({ error: expect.stringMatching(/key "other-key", which is not in the keyring/) });
  });

  it('logs the route and status, never a payload or a token', async () => {
    await post('/decode', { payloads: await encrypted() }, { authorization: `Bearer ${TOKEN}` });
    expect(lines.some((l) => /^POST \/decode 200/.test(l))).toBe(true);
    const log = lines.join('\n');
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain('Zelda');
  });
});

describe('CORS preflight', () => {
  it('answers the preflight of the UI origin with the methods and the headers the UI sends, without a token', async () => {
    for (const path of ['/decode', '/encode']) {
      const res = await app.inject({
        method: 'OPTIONS',
        url: path,
        headers: {
          origin: UI,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace,authorization',
        },
      });
      expect(res.statusCode).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(UI);
      expect(String(res.headers['access-control-allow-methods'])).toContain('POST');
      const allowed = String(res.headers['access-control-allow-headers'])
        .split(',')
        .map((h) => h.trim().toLowerCase());
      expect(allowed).toEqual(expect.arrayContaining(['content-type', 'x-namespace', 'authorization']));
      expect(res.headers['access-control-allow-credentials']).toBe('true');
    }
  });

  it('gives another origin no CORS headers', async () => {
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/decode',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const res = await post(
      '/decode',
      { payloads: await encrypted() },
      { origin: 'http://evil.example', authorization: `Bearer ${TOKEN}` },
    );
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('does not put CORS headers on the rest of the API', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json', headers: { origin: UI } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('BREACH_UI_ORIGINS', () => {
  it('defaults to the dev server UI, takes a comma-separated list, and refuses what is not an origin', () => {
    expect(codecOriginsFromEnv({})).toEqual(DEFAULT_UI_ORIGINS);
    expect(codecOriginsFromEnv({ BREACH_UI_ORIGINS: 'http://localhost:8233, https://temporal.example.gov' })).toEqual([
      'http://localhost:8233',
      'https://temporal.example.gov',
    ]);
    for (const bad of ['localhost:8233', 'http://x.example/path', 'ftp://x.example']) {
      expect(() => codecOriginsFromEnv({ BREACH_UI_ORIGINS: bad })).toThrow(ConfigError);
    }
  });
});

describe('the state cache of need to know (api/codec-access.ts)', () => {
  it('asks once per incident within the TTL, again after it, and keeps no unreadable state', async () => {
    const { cachedStates } = await import('../../api/codec-access.js');
    let clock = 0;
    const asked: string[] = [];
    const load = async (id: string) => {
      asked.push(id);
      return id === 'gone' ? undefined : ({ incidentId: id } as never);
    };
    const stateOf = cachedStates(load, 30_000, () => clock);
    await Promise.all([stateOf('inc-a'), stateOf('inc-a'), stateOf('gone')]);
    await stateOf('inc-a');
    expect(asked).toEqual(['inc-a', 'gone']);
    await stateOf('gone');
    expect(asked).toEqual(['inc-a', 'gone', 'gone']);
    clock = 30_001;
    await stateOf('inc-a');
    expect(asked).toEqual(['inc-a', 'gone', 'gone', 'inc-a']);
  });
});
