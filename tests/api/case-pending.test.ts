/**
 * The case page (pages/case.ts) while no worker runs (docs/releases.md "Decisions while no worker runs"):
 * a decision sent from it by a person signed in through the development IdP is recorded as the durable
 * `decision` signal and answered 202, "received, not yet applied", with its reference and how to follow
 * it, as the approval links answer; when a worker runs again the decision is applied once and the case
 * page shows it. The incident runs on a task queue of its own, whose worker the test stops and starts.
 */
import type { FastifyInstance } from 'fastify';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { buildApi } from '../../api/server.js';
import { DEFAULT_API_TOKENS, loadApiTokens } from '../../config/index.js';
import { startDevIdp, type DevIdp } from '../../scripts/local/idp.js';
import { signLink } from '../../security/links.js';
import { createOidc } from '../../security/oidc.js';
import { createTestWorker } from '../helpers/index.js';
import { sessionFor } from '../helpers/idp-login.js';
import {
  LINK_SECRET,
  PUBLIC_URL,
  TOKEN,
  call,
  reportIncident,
  startApiFixture,
  testPlaybook,
  waitFor,
  waitForPhase,
  type ApiFixture,
} from './fixture.js';

const CLIENT = { id: 'breach-pages', secret: 'test-client-secret-0123456789', audience: 'urn:breach-response:api' };
const REDIRECT = `${PUBLIC_URL}/auth/callback`;
const WAIT_MS = 2_000;

let idp: DevIdp;
let f: ApiFixture;
let app: FastifyInstance;
const taskQueue = `case-pending-${Math.random().toString(36).slice(2, 10)}`;
const workers: { worker: Worker; run: Promise<void> }[] = [];

async function startWorker(): Promise<void> {
  const worker = await createTestWorker(f.env, {
    taskQueue,
    activities: createActivities({
      mailer: f.mail.mailer(),
      mailFrom: 'breach@test.example',
      publicUrl: PUBLIC_URL,
      env: {},
      signLink: (claims) => signLink(LINK_SECRET, claims),
    }),
  });
  workers.push({ worker, run: worker.run() });
}

async function stopWorkers(): Promise<void> {
  for (const { worker, run } of workers.splice(0)) {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await run.catch(() => undefined);
  }
}

beforeAll(async () => {
  idp = await startDevIdp({
    playbook: testPlaybook('http://127.0.0.1:9'),
    port: 0,
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
    audience: CLIENT.audience,
    redirectUris: [REDIRECT],
  });
  const oidc = createOidc(
    { issuer: idp.issuer, clientId: CLIENT.id, clientSecret: CLIENT.secret, audience: CLIENT.audience },
    REDIRECT,
  );
  f = await startApiFixture({ oidc });
  app = await buildApi({
    client: f.env.client,
    taskQueue,
    playbook: f.playbook,
    tokens: await loadApiTokens(DEFAULT_API_TOKENS, f.playbook),
    linkSecret: LINK_SECRET,
    publicUrl: PUBLIC_URL,
    decisionWaitMs: WAIT_MS,
    oidc,
  });
  await startWorker();
}, 120_000);

afterAll(async () => {
  await app?.close();
  await stopWorkers();
  await f?.close();
  await idp?.close();
});

it(
  'no worker: a decision from the case page is answered 202, received and not yet applied, and applied once a worker runs',
  {
    timeout: 240_000,
  },
  async () => {
    const incidentId = await reportIncident(app);
    await waitForPhase(app, incidentId, 'triage');
    const session = await sessionFor(app, 'ips-director');
    const casePage = await app.inject({
      method: 'GET',
      url: `/cases/${incidentId}`,
      cookies: { breach_session: session },
    });
    expect(casePage.statusCode, casePage.body).toBe(200);
    expect(casePage.body).toContain('name="office"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(casePage.body)![1]!;
    const csrfSecret = casePage.cookies.find((c) => c.name === '_csrf')!.value;

    await stopWorkers();
    const sent = await app.inject({
      method: 'POST',
      url: `/cases/${incidentId}/decide`,
      cookies: { breach_session: session, _csrf: csrfSecret },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: csrf,
        kind: 'assign-responsible-office',
        office: 'Bureau of Diplomatic Security',
      }).toString(),
    });
    // Told in words what became of it: received, not applied yet, its reference, nothing more to do, how to follow it.
    expect(sent.statusCode, sent.body).toBe(202);
    expect(sent.body).toContain('Decision received, not yet applied');
    expect(sent.body).toContain('role="status"');
    const decisionId = /is recorded \(reference (dec-[^)]+)\)/.exec(sent.body)?.[1];
    expect(decisionId).toBeDefined();
    expect(sent.body).toContain('nothing more is needed from you');
    expect(sent.body).toContain('Opening the case again shows whether it was applied.');
    expect(sent.body).toContain(`href="/cases/${incidentId}"`);

    await startWorker();
    const applied = await waitFor(
      app,
      incidentId,
      (s) => s.decisions.some((d) => d.kind === 'assign-responsible-office'),
      'the decision applied',
      120_000,
    );
    expect(applied.responsibleOffice).toBe('Bureau of Diplomatic Security');
    expect(applied.decisions.filter((d) => d.kind === 'assign-responsible-office')).toEqual([
      expect.objectContaining({ actorId: 'ips-director', decisionId }),
    ]);
    const status = await call(app, {
      method: 'GET',
      url: `/incidents/${incidentId}/decisions/${decisionId}`,
      token: TOKEN.ipsDirector,
    });
    expect(status.json).toMatchObject({ decisionId, status: 'applied' });
    const again = await app.inject({
      method: 'GET',
      url: `/cases/${incidentId}`,
      cookies: { breach_session: session },
    });
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('Bureau of Diplomatic Security');
  },
);
