/**
 * scripts/local/ui-proxy.ts: the Temporal UI of npm start with the codec routes on its own origin. Two real HTTP
 * servers on loopback stand for the UI and the API; the proxy sends /decode and /encode (with the
 * browser's cookies and Origin, and the body) to the API and everything else to the UI.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/local/ports.js';
import { startUiProxy, type UiProxy } from '../../scripts/local/ui-proxy.js';

let ui: Server;
let api: Server;
let proxy: UiProxy;

const echo = (who: string) =>
  createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json', 'x-who': who });
      response.end(
        JSON.stringify({
          who,
          method: request.method,
          url: request.url,
          cookie: request.headers.cookie ?? null,
          origin: request.headers.origin ?? null,
          body,
        }),
      );
    });
  });

async function listen(server: Server): Promise<number> {
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return port;
}

beforeAll(async () => {
  ui = echo('ui');
  api = echo('api');
  const [uiPort, apiPort] = [await listen(ui), await listen(api)];
  proxy = await startUiProxy({ host: '127.0.0.1', port: await freePort(), uiPort, apiPort });
});
afterAll(async () => {
  await proxy?.close();
  await Promise.all([ui, api].map((s) => new Promise((r) => s?.close(r))));
});

describe('the UI proxy of npm start', () => {
  it('sends the codec routes to the API with the cookie, the Origin and the body; the rest to the UI', async () => {
    const decode = await fetch(`${proxy.url}/decode`, {
      method: 'POST',
      headers: { cookie: 'breach_session=abc', origin: proxy.url, 'content-type': 'application/json' },
      body: '{"payloads":[]}',
    });
    expect(await decode.json()).toEqual({
      who: 'api',
      method: 'POST',
      url: '/decode',
      cookie: 'breach_session=abc',
      origin: proxy.url,
      body: '{"payloads":[]}',
    });
    const preflight = await fetch(`${proxy.url}/encode`, { method: 'OPTIONS' });
    expect(preflight.headers.get('x-who')).toBe('api');
    for (const path of [
      '/',
      '/namespaces/default/workflows',
      '/api/v1/settings',
      '/decode-not',
      '/_app/immutable/x.js?decode',
    ]) {
      const res = await fetch(`${proxy.url}${path}`);
      expect(res.headers.get('x-who'), path).toBe('ui');
      expect(((await res.json()) as { url: string }).url).toBe(path);
    }
  });

  it('answers 502 in words when what is behind it does not answer', async () => {
    const lonely = await startUiProxy({
      host: '127.0.0.1',
      port: await freePort(),
      uiPort: await freePort(),
      apiPort: await freePort(),
    });
    try {
      const res = await fetch(`${lonely.url}/`);
      expect(res.status).toBe(502);
      expect(await res.text()).toMatch(/did not answer/);
    } finally {
      await lonely.close();
    }
  });
});
