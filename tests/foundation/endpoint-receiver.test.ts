import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { startHttpReceiver, type EndpointReceiver } from '../helpers/index.js';

let receiver: EndpointReceiver;
beforeAll(async () => {
  receiver = await startHttpReceiver();
});
beforeEach(() => receiver.reset());
afterAll(async () => {
  await receiver?.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${receiver.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

test('records every call: method, path, Idempotency-Key, Authorization presence, JSON body', async () => {
  const response = await post(
    '/us-cert/incidents?v=1',
    { incident: 'INC-1' },
    { 'Idempotency-Key': 'breach-INC-1:us-cert', Authorization: 'Bearer s3cret-token' },
  );
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ ok: true, id: 'rcv-1' });
  await fetch(`${receiver.url}/oig`, { method: 'PUT', body: 'plain text' });

  const [call] = receiver.calls('/us-cert');
  expect(call).toMatchObject({
    method: 'POST',
    path: '/us-cert/incidents',
    query: { v: '1' },
    idempotencyKey: 'breach-INC-1:us-cert',
    hasAuthorization: true,
    authorization: 'Bearer s3cret-token',
    body: { incident: 'INC-1' },
    status: 200,
  });
  expect(receiver.calls('/oig')).toEqual([
    expect.objectContaining({ method: 'PUT', body: 'plain text', hasAuthorization: false, idempotencyKey: undefined }),
  ]);

  // The page and the JSON listing show that a token came, never the token.
  const listing = (await (await fetch(`${receiver.url}/_calls.json`)).json()) as Record<string, unknown>[];
  expect(listing.map((c) => c.path)).toEqual(['/oig', '/us-cert/incidents']);
  expect(JSON.stringify(listing)).not.toContain('s3cret-token');
  const page = await (await fetch(`${receiver.url}/`)).text();
  expect(page).toContain('/us-cert/incidents');
  expect(page).toContain('breach-INC-1:us-cert');
  expect(page).not.toContain('s3cret-token');
});

test('programmed answers: 503 for the first N calls, while a flag holds, or a fixed 400', async () => {
  receiver.failFirst('/privacy-division', 2);
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await post('/privacy-division/intake', {})).status);
  expect(statuses).toEqual([503, 503, 200]);

  let down = true;
  receiver.failWhile('/mail-vendor', () => down);
  expect((await post('/mail-vendor', {})).status).toBe(503);
  down = false;
  expect((await post('/mail-vendor', {})).status).toBe(200);

  const remove = receiver.respondWith('/web-posting', { status: 400, body: { error: 'bad notice' } });
  const refused = await post('/web-posting', {});
  expect(refused.status).toBe(400);
  expect(await refused.json()).toEqual({ error: 'bad notice' });
  remove();
  expect((await post('/web-posting', {})).status).toBe(200);
  // A prefix matches its sub-paths only, not a longer name.
  receiver.respondWith('/oig', { status: 500 });
  expect((await post('/oigx', {})).status).toBe(200);
});

test('waitFor resolves on a call that arrives later', async () => {
  const waiting = receiver.waitFor((c) => c.path === '/records-archive', 2_000);
  await post('/records-archive', { record: 1 });
  await expect(waiting).resolves.toMatchObject({ body: { record: 1 } });
});
