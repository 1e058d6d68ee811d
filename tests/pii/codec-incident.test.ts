/**
 * Need to know at the codec server (5 FAM 469.2c(1)), on the dev server with the real
 * workflow, worker and client: every encrypted payload of an incident's history names the incident
 * (the SDK's serialization context reaches the codec on the client and on the worker: the workflow
 * input, signals, updates and their results, activity inputs and results, summaries, query results),
 * and `/decode` decrypts incident A for someone with a role on A (DS/CIRT on a cyber incident) while
 * incident B, a payload written before (no incident) and a relabelled payload stay ciphertext for them.
 */
import { Client } from '@temporalio/client';
import type { Payload, SerializationContext } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payloadFromJson, payloadToJson } from '../../api/codec-server.js';
import { buildApi } from '../../api/server.js';
import { getIncidentState } from '../../client/incidents.js';
import { DEFAULT_API_TOKENS, loadApiTokens } from '../../config/index.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import { ENCRYPTED_ENCODING, type EncryptionCodec } from '../../security/codec.js';
import { INCIDENT_METADATA } from '../../security/codec-owner.js';
import { testDataConverter } from '../helpers/index.js';
import {
  call,
  LINK_SECRET,
  PUBLIC_URL,
  reportIncident,
  startApiFixture,
  TOKEN,
  triage,
  type ApiFixture,
} from '../api/fixture.js';

const UI = 'http://localhost:8233';
const DS_CIRT = 'demo-ds-cirt-token';
const codec = testDataConverter().payloadCodecs![0] as EncryptionCodec;
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

let f: ApiFixture;
let codecApp: FastifyInstance;
let cyber: string;
let paper: string;

beforeAll(async () => {
  f = await startApiFixture();
  // The codec server as api/main.ts serves it: same client, same codec as the worker.
  codecApp = await buildApi({
    client: f.env.client,
    taskQueue: f.taskQueue,
    playbook: f.playbook,
    tokens: await loadApiTokens(DEFAULT_API_TOKENS, f.playbook),
    linkSecret: LINK_SECRET,
    publicUrl: PUBLIC_URL,
    codecServer: { codec, origins: [UI] },
  });
  [cyber, paper] = await Promise.all([
    reportIncident(f.app, { medium: 'cyber' }),
    reportIncident(f.app, { medium: 'non-cyber' }),
  ]);
  // An update (accepted and completed) and a signal (a refused attempt is recorded) in each history. The
  // refused caller may read the incident (DS/CIRT on a cyber one) but lacks the role: an outsider is answered 404.
  await Promise.all([triage(f.app, cyber!, false), triage(f.app, paper!, false)]);
  const refused = await call(f.app, {
    method: 'POST',
    url: `/incidents/${cyber}/decisions`,
    token: DS_CIRT,
    body: { kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' },
  });
  expect(refused.status).toBe(403);
}, 180_000);

afterAll(async () => {
  await codecApp?.close();
  await f?.close();
});

/** Every encrypted payload of a history, with the event type and field where it sits. */
async function encryptedPayloads(incidentId: string): Promise<{ where: string; payload: Payload }[]> {
  const found: { where: string; payload: Payload }[] = [];
  const walk = (value: unknown, where: string) => {
    if (!value || typeof value !== 'object') return;
    const metadata = (value as Payload).metadata;
    if (metadata && metadata.encoding instanceof Uint8Array && text(metadata.encoding) === ENCRYPTED_ENCODING) {
      found.push({ where, payload: value as Payload });
      return;
    }
    for (const [key, child] of Object.entries(value)) walk(child, `${where}.${key}`);
  };
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await f.env.client.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId: incidentWorkflowId(incidentId) },
      nextPageToken,
    });
    for (const event of page.history?.events ?? [])
      walk(event, temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? 'unknown');
    nextPageToken = page.nextPageToken && page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return found;
}

const decode = (token: string, payloads: Payload[]) =>
  codecApp.inject({
    method: 'POST',
    url: '/decode',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', origin: UI },
    payload: JSON.stringify({ payloads: payloads.map(payloadToJson) }),
  });

const answered = (body: string) =>
  (JSON.parse(body) as { payloads: Parameters<typeof payloadFromJson>[0][] }).payloads.map(payloadFromJson);
const isCiphertext = (payload: Payload) => text(payload.metadata?.encoding) === ENCRYPTED_ENCODING;

describe('the owning incident in every payload (serialization context, worker and client)', () => {
  it('469.2c(1): each encrypted payload of an incident history names that incident: input, update, signal, activity input and result', async () => {
    for (const incidentId of [cyber, paper]) {
      const payloads = await encryptedPayloads(incidentId);
      const unlabelled = payloads
        .filter(({ payload }) => text(payload.metadata?.[INCIDENT_METADATA]) !== incidentId)
        .map((p) => p.where);
      expect(unlabelled, `payloads of ${incidentId} without its label`).toEqual([]);
      const where = new Set(payloads.map((p) => p.where.split('.').slice(0, 2).join('.')));
      for (const expected of [
        'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED.workflowExecutionStartedEventAttributes', // client: the report
        'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED.activityTaskScheduledEventAttributes', // worker: activity input
        'EVENT_TYPE_ACTIVITY_TASK_COMPLETED.activityTaskCompletedEventAttributes', // activity worker: result
        'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED.workflowExecutionUpdateAcceptedEventAttributes', // client: the decision
        'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED.workflowExecutionUpdateCompletedEventAttributes', // worker: its result
      ]) {
        expect([...where], `${incidentId}: ${expected}`).toContain(expected);
      }
    }
    const signals = (await encryptedPayloads(cyber)).filter((p) =>
      p.where.startsWith('EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED'),
    );
    expect(signals.length, 'the refused attempt, signalled by the client').toBeGreaterThan(0);
  });

  it('469.2c(1): a query result is written by the worker with the incident, and the client reads it in the incident context', async () => {
    const seen: { context?: SerializationContext; incidents: (string | undefined)[] }[] = [];
    const recorder = {
      encode: (payloads: Payload[], context?: SerializationContext) => codec.encode(payloads, context),
      async decode(payloads: Payload[], context?: SerializationContext) {
        const owned = await codec.decodeOwned(payloads);
        seen.push({
          ...(context ? { context } : {}),
          incidents: owned.filter((o) => o.encrypted).map((o) => o.incidentId),
        });
        return owned.map((o) => o.payload);
      },
    };
    const client = new Client({ connection: f.env.connection, dataConverter: { payloadCodecs: [recorder] } });
    const state = await getIncidentState(client, cyber);
    expect(state.incidentId).toBe(cyber);
    expect(
      seen.some(
        (s) =>
          s.context?.workflowId === incidentWorkflowId(cyber) &&
          s.incidents.length > 0 &&
          s.incidents.every((i) => i === cyber),
      ),
    ).toBe(true);
  });
});

describe('POST /decode decides payload by payload (api/codec-access.ts)', () => {
  it('469.2c(1): DS/CIRT, with a role on the cyber incident only, reads it decrypted and the other incident as ciphertext', async () => {
    const ofCyber = (await encryptedPayloads(cyber)).map((p) => p.payload);
    const ofPaper = (await encryptedPayloads(paper)).map((p) => p.payload);
    const res = await decode(DS_CIRT, [...ofCyber, ...ofPaper]);
    expect(res.statusCode, res.body).toBe(200);
    const out = answered(res.body);
    expect(out.slice(0, ofCyber.length).every((p) => !isCiphertext(p))).toBe(true);
    expect(out.slice(ofCyber.length)).toEqual(ofPaper.map((p) => payloadFromJson(payloadToJson(p))));
    // The decrypted report is the report.
    expect(
      out
        .slice(0, ofCyber.length)
        .map((p) => text(p.data))
        .join('\n'),
    ).toContain(cyber);
  });

  it('469.2c(1): the IPS Director, told of every incident, reads both; a payload with no incident only them; a relabelled one nobody', async () => {
    const [ofCyber] = (await encryptedPayloads(cyber)).map((p) => p.payload);
    const [ofPaper] = (await encryptedPayloads(paper)).map((p) => p.payload);
    const [written] = await codec.encode([
      { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"before":"the incident label"}') },
    ]);
    // Incident B's payload labelled as A's: the bound incident (B) disagrees with the label.
    const relabelled: Payload = {
      ...ofPaper!,
      metadata: { ...ofPaper!.metadata, [INCIDENT_METADATA]: Buffer.from(cyber) },
    };

    const director = answered((await decode(TOKEN.ipsDirector, [ofCyber!, ofPaper!, written!, relabelled])).body);
    expect(director.map(isCiphertext)).toEqual([false, false, false, true]);
    expect(text(director[2]!.data)).toBe('{"before":"the incident label"}');

    const cirt = answered((await decode(DS_CIRT, [ofCyber!, ofPaper!, written!, relabelled])).body);
    expect(cirt.map(isCiphertext)).toEqual([false, true, true, true]);
  });

  it('469.2c(1): someone with a role on neither (the CRG, not convened) sees ciphertext only', async () => {
    const payloads = [...(await encryptedPayloads(cyber)), ...(await encryptedPayloads(paper))]
      .map((p) => p.payload)
      .slice(0, 20);
    const crg = answered((await decode('demo-crg-ds-token', payloads)).body);
    expect(crg.every(isCiphertext)).toBe(true);
  });
});
