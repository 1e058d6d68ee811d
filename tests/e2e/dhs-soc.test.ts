/**
 * Under the DHS playbook (DHS Privacy Incident Handling Guidance; playbooks/dhs-cbp.json) every privacy
 * incident goes to the component's Security Operations Center, whatever the medium: a paper disclosure
 * of employees' medical information reaches the SOC's receiver (a real HTTP server standing in for it)
 * within the one-hour report, and the SOC may then read the incident it was told of (need to know,
 * 469.2c(1)). Against the real dev server, worker and API on a port.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { buildApi } from '../../api/server.js';
import { PROJECT_ROOT } from '../../config/index.js';
import { parsePlaybook, type Playbook } from '../../domain/playbook.js';
import type { IncidentState } from '../../domain/state.js';
import { signLink } from '../../security/links.js';
import { sampleReport } from '../../scripts/local/sample-report.js';
import {
  createTestWorker,
  startDevServer,
  startHttpReceiver,
  startSmtpReceiver,
  withEndpointsAt,
  withoutReturnsWindow,
  type EndpointReceiver,
  type SmtpReceiver,
  type TestWorkflowEnvironment,
} from '../helpers/index.js';

const SOC = 'e2e-cbp-soc-token';
const PRIVACY_OFFICE = 'e2e-cbp-privacy-office-token';
const PM_HR = 'e2e-pm-human-resources-token';

let env: TestWorkflowEnvironment;
let receiver: EndpointReceiver;
let mail: SmtpReceiver;
let worker: Worker;
let run: Promise<void>;
let app: FastifyInstance;
let base: string;

function dhsPlaybook(receiverUrl: string): Playbook {
  const raw = JSON.parse(readFileSync(`${PROJECT_ROOT}/playbooks/dhs-cbp.json`, 'utf8')) as {
    endpoints: Record<string, { url: string; tokenEnv?: string }>;
  };
  const moved = withEndpointsAt(withoutReturnsWindow(raw), receiverUrl);
  for (const endpoint of Object.values(moved.endpoints)) delete endpoint.tokenEnv;
  return parsePlaybook(moved);
}

beforeAll(async () => {
  env = await startDevServer();
  receiver = await startHttpReceiver();
  mail = await startSmtpReceiver();
  const playbook = dhsPlaybook(receiver.url);
  const taskQueue = `dhs-soc-${Math.random().toString(36).slice(2, 10)}`;
  worker = await createTestWorker(env, {
    taskQueue,
    activities: createActivities({
      mailer: mail.mailer(),
      mailFrom: 'breach@test.example',
      publicUrl: 'http://breach.test',
      env: {},
      signLink: (claims) => signLink('dhs-soc-e2e-link-secret-0123456789abcdef', claims),
    }),
  });
  run = worker.run();
  app = await buildApi({
    client: env.client,
    taskQueue,
    playbook,
    tokens: new Map([
      [SOC, 'cbp-soc'],
      [PRIVACY_OFFICE, 'cbp-privacy-office'],
      [PM_HR, 'pm-human-resources'],
    ]),
    linkSecret: 'dhs-soc-e2e-link-secret-0123456789abcdef',
    publicUrl: 'http://breach.test',
    decisionWaitMs: 20_000,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app?.close();
  worker?.shutdown();
  await run?.catch(() => undefined);
  await Promise.all([mail?.close(), receiver?.close()]);
  await env?.teardown();
});

const api = (token: string, path: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function until(incidentId: string, predicate: (s: IncidentState) => boolean, what: string) {
  const deadline = Date.now() + 60_000;
  let last: IncidentState | undefined;
  while (Date.now() < deadline) {
    const res = await api(PRIVACY_OFFICE, `/incidents/${incidentId}`);
    if (res.status === 200) {
      last = (await res.json()) as IncidentState;
      if (predicate(last)) return last;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `${incidentId}: timed out waiting for ${what} (timeline ${JSON.stringify(last?.timeline.map((t) => t.event))})`,
  );
}

describe('DHS PIHG: every privacy incident goes to the SOC, whatever the medium', () => {
  it("468.3b(1), DHS PIHG, 469.2c(1): a paper disclosure of employees' medical information reaches the SOC within the one-hour report, and the SOC reads it", async () => {
    const incidentId = `dhs-soc-${Date.now().toString(36)}`;
    const posted = await api(
      PRIVACY_OFFICE,
      '/incidents',
      sampleReport({
        incidentId,
        medium: 'non-cyber',
        disclosureFormat: 'paper',
        disclosedBy: 'A supervisor of the port of entry',
        disclosedTo: 'The whole shift, on the break-room notice board',
        summary: "An employee's medical certificate was pinned to a notice board.",
        piiTypes: ['medical'],
        affectedCount: 1,
        affectedPopulation: 'workforce',
        encrypted: false,
        programManager: { name: 'Morgan Mock', email: 'pm.ofo@cbp.example' },
      }),
    );
    expect(posted.status).toBe(202);
    // The SOC's receiver gets the report: a non-cyber one, on the US-CERT route the playbook gives every medium.
    const delivered = await receiver.waitFor(
      (c) => c.path === '/us-cert' && (c.body as { incidentId?: string } | undefined)?.incidentId === incidentId,
      60_000,
    );
    expect(delivered.body).toMatchObject({ medium: 'non-cyber', piiTypes: ['medical'] });
    expect(
      receiver.calls('/privacy-division').some((c) => (c.body as { incidentId?: string }).incidentId === incidentId),
    ).toBe(false);
    const reported = await until(incidentId, (s) => s.reportedAt !== null, 'the report delivered');
    expect(reported.reportedLate).toBe(false);
    expect(Date.parse(reported.reportedAt!)).toBeLessThanOrEqual(Date.parse(reported.reportingDeadline));
    expect(reported.routedTo).toEqual(expect.arrayContaining(['dsCirt', 'privacyDivision']));
    expect(reported.duties?.find((d) => d.id === 'report:usCert')).toMatchObject({
      status: 'discharged',
      owner: 'dsCirt',
    });
    // The SOC (dsCirt at DHS) reads the incident it was told of, and lists it.
    const read = await api(SOC, `/incidents/${incidentId}`);
    expect(read.status).toBe(200);
    expect(((await read.json()) as IncidentState).medium).toBe('non-cyber');
    const list = (await (await api(SOC, '/incidents?limit=1000')).json()) as { incidents: { incidentId: string }[] };
    expect(list.incidents.map((i) => i.incidentId)).toContain(incidentId);
    // A program manager the report does not name still may not (need to know): it answers as if it did not exist.
    expect((await api(PM_HR, `/incidents/${incidentId}`)).status).toBe(404);
  });
});
