/**
 * The API and CLI tests' world: the real Temporal dev server (visibility answers the list and the
 * compliance report), a worker running the real incident workflow with the real activities, an SMTP
 * and an HTTP receiver standing in for the mail server and the playbook's endpoints, and the API built
 * by buildApi around the server's client. Requests go through fastify's inject (no port).
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { parsePlaybook, type Playbook } from '../../domain/playbook.js';
import type { Report } from '../../domain/report.js';
import type { IncidentState, Phase } from '../../domain/state.js';
import { signLink, type LinkClaims } from '../../security/links.js';
import type { Oidc } from '../../security/oidc.js';
import { buildApi } from '../../api/server.js';
import { signVendorBody } from '../../api/vendor-routes.js';
import { DEFAULT_API_TOKENS, DEFAULT_PLAYBOOK, loadApiTokens } from '../../config/index.js';
import {
  createTestWorker,
  startDevServer,
  startHttpReceiver,
  startSmtpReceiver,
  withEndpointsAt,
  type EndpointReceiver,
  type SmtpReceiver,
  type TestWorkflowEnvironment,
  withoutReturnsWindow,
} from '../helpers/index.js';
import { sampleReport } from '../../scripts/local/sample-report.js';

export const LINK_SECRET = 'test-link-secret-0123456789abcdefghijklmnop';
export const PUBLIC_URL = 'http://breach.test';

/** Demo tokens (playbooks/demo-api-tokens.json) by the role their person holds. */
export const TOKEN = {
  ipsDirector: 'demo-ips-director-token',
  privacyDivision: 'demo-privacy-division-token',
  cgfs: 'demo-crg-cgfs-token',
  ppgbChair: 'demo-ppgb-chair-token',
  underSecretary: 'demo-under-secretary-token',
  securityLiaison: 'demo-ds-investigations-token',
  notificationOfficial: 'demo-notification-official-token',
  /** Morgan Mock: the program manager, who also holds responsibleOffice (owns the fact-finding, 467.2c). */
  programManager: 'demo-program-manager-token',
} as const;

export interface ApiFixture {
  env: TestWorkflowEnvironment;
  worker: Worker;
  app: FastifyInstance;
  playbook: Playbook;
  taskQueue: string;
  mail: SmtpReceiver;
  receiver: EndpointReceiver;
  close(): Promise<void>;
}

/** The shipped 5 FAM playbook with its endpoints pointed at the receiver (no tokens needed there). */
export function testPlaybook(receiverUrl: string): Playbook {
  const raw = JSON.parse(readFileSync(DEFAULT_PLAYBOOK, 'utf8')) as {
    endpoints: Record<string, { url: string; tokenEnv?: string }>;
  };
  const moved = withEndpointsAt(withoutReturnsWindow(raw), receiverUrl);
  for (const endpoint of Object.values(moved.endpoints)) delete endpoint.tokenEnv;
  return parsePlaybook(moved);
}

/**
 * The PPGB's objection window to a finding of minimal risk (5 FAM 468.5c), short enough to wait out in
 * real time: the shipped 10 days cannot be, and a case whose CRG is not convened passes it on its way to
 * closure review (docs/lifecycle.md "Duties"). For `startApiFixture({ playbook: withShortObjectionWindow })`.
 */
export const SHORT_OBJECTION_WINDOW = '2s';
export function withShortObjectionWindow(playbook: Playbook): Playbook {
  return { ...playbook, timers: { ...playbook.timers, minimalRiskObjectionWindow: SHORT_OBJECTION_WINDOW } };
}

/** The mail vendor's token for POST /vendor/returns (BREACH_VENDOR_TOKEN in production). */
export const VENDOR_TOKEN = 'test-mail-vendor-token-0123456789';
/** The secret the vendor signs its callbacks with (BREACH_VENDOR_SIGNING_SECRET in production). */
export const VENDOR_SECRET = 'test-mail-vendor-signing-secret-0123456789abcdef';
export const VENDOR_WINDOW_MS = 5 * 60_000;

/** The timestamps each body was signed with: the same body again gets one not used yet, so it is not a replay. */
const signedBodies = new Map<string, Set<number>>();

/** A call to POST /vendor/returns as the vendor makes it: its token, and the body signed now (unless `signature` says otherwise). */
export async function vendorCall(
  app: FastifyInstance,
  body: unknown,
  options: { token?: string | null; signature?: string | null; raw?: string } = {},
) {
  const raw = options.raw ?? JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = options.token === undefined ? VENDOR_TOKEN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const used = signedBodies.get(raw) ?? new Set<number>();
  signedBodies.set(raw, used);
  let at = Math.floor(Date.now() / 1_000);
  while (used.has(at)) at -= 1;
  used.add(at);
  const signature = options.signature === undefined ? signVendorBody(VENDOR_SECRET, raw, at) : options.signature;
  if (signature !== null) headers['x-breach-signature'] = signature;
  const res = await app.inject({ method: 'POST', url: '/vendor/returns', headers, payload: raw });
  let json: unknown;
  try {
    json = res.json();
  } catch {
    json = undefined;
  }
  return {
    status: res.statusCode,
    json: json as { error?: string; accepted?: number; issues?: { path: string; message: string }[] } | undefined,
    text: res.body,
  };
}

/**
 * `playbook`: a change to the shipped playbook, made before the API and the worker load it (as a deployment edits its file).
 * `oidc`: sign-in with an identity provider (the development IdP of scripts/local/idp.ts in the tests).
 */
export async function startApiFixture(
  options: { playbook?: (playbook: Playbook) => Playbook; oidc?: Oidc } = {},
): Promise<ApiFixture> {
  const env = await startDevServer();
  const receiver = await startHttpReceiver();
  const mail = await startSmtpReceiver();
  const shipped = testPlaybook(receiver.url);
  const playbook = options.playbook ? parsePlaybook(options.playbook(shipped)) : shipped;
  const taskQueue = `api-test-${Math.random().toString(36).slice(2, 10)}`;
  const worker = await createTestWorker(env, {
    taskQueue,
    activities: createActivities({
      mailer: mail.mailer(),
      mailFrom: 'breach@test.example',
      publicUrl: PUBLIC_URL,
      env: {},
      signLink: (claims) => signLink(LINK_SECRET, claims),
    }),
  });
  const run = worker.run();
  const tokens = await loadApiTokens(DEFAULT_API_TOKENS, playbook);
  // BREACH_DECISION_WAIT as long as the old update time-out: on a loaded test machine a worker may take
  // seconds to accept; 202 pending is for no worker at all (tests/faults/decision-pending.test.ts).
  const app = await buildApi({
    client: env.client,
    taskQueue,
    playbook,
    tokens,
    linkSecret: LINK_SECRET,
    publicUrl: PUBLIC_URL,
    decisionWaitMs: 20_000,
    vendor: { token: VENDOR_TOKEN, signingSecret: VENDOR_SECRET, windowMs: VENDOR_WINDOW_MS },
    ...(options.oidc ? { oidc: options.oidc } : {}),
  });
  return {
    env,
    worker,
    app,
    playbook,
    taskQueue,
    mail,
    receiver,
    async close() {
      await app.close();
      worker.shutdown();
      await run.catch(() => undefined);
      await Promise.all([mail.close(), receiver.close()]);
      await env.teardown();
    },
  };
}

let counter = 0;

/** A distinct opaque incident id per call. */
export function newId(prefix = 't'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}

export function aReport(overrides: Partial<Report> = {}): Report {
  return sampleReport(overrides);
}

export interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A JSON call through inject; `token: null` sends none. */
export async function call(app: FastifyInstance, { method, url, token = TOKEN.ipsDirector, body, headers = {} }: Call) {
  const response = await app.inject({
    method,
    url,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  let json: unknown;
  try {
    json = response.json();
  } catch {
    json = undefined;
  }
  return {
    status: response.statusCode,
    json: json as Record<string, unknown> & IncidentState,
    text: response.body,
    headers: response.headers,
  };
}

/** Reports an incident through the API and waits until the workflow has taken the report. */
export async function reportIncident(app: FastifyInstance, overrides: Partial<Report> = {}): Promise<string> {
  const incidentId = overrides.incidentId ?? newId();
  const res = await call(app, { method: 'POST', url: '/incidents', body: aReport({ ...overrides, incidentId }) });
  if (res.status !== 202) throw new Error(`report answered ${res.status}: ${res.text}`);
  await waitFor(app, incidentId, (s) => s.discoveredAt !== '', 'the report taken');
  return incidentId;
}

export async function waitFor(
  app: FastifyInstance,
  incidentId: string,
  predicate: (s: IncidentState) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<IncidentState> {
  const until = Date.now() + timeoutMs;
  let last: IncidentState | undefined;
  while (Date.now() < until) {
    const res = await call(app, { method: 'GET', url: `/incidents/${incidentId}` });
    if (res.status === 200) {
      last = res.json;
      if (predicate(last)) return last;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out waiting for ${what}: phase ${last?.phase}, timeline ${JSON.stringify(last?.timeline.map((t) => t.event))}`,
  );
}

export const waitForPhase = (app: FastifyInstance, incidentId: string, phase: Phase) =>
  waitFor(app, incidentId, (s) => s.phase === phase, `phase ${phase}`);

/**
 * Sends the two triage decisions. Either way the incident goes to analysis: not convening the CRG does not
 * spare the analysis (the IPS Director records it; see `notConvenedToClosureReview`).
 */
export async function triage(app: FastifyInstance, incidentId: string, convene: boolean): Promise<IncidentState> {
  const office = await call(app, {
    method: 'POST',
    url: `/incidents/${incidentId}/decisions`,
    body: { kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' },
  });
  if (office.status !== 200) throw new Error(`assign-responsible-office answered ${office.status}: ${office.text}`);
  const crg = await call(app, {
    method: 'POST',
    url: `/incidents/${incidentId}/decisions`,
    body: {
      kind: 'convene-crg',
      convene,
      rationale: convene ? 'Sensitive PII of the public.' : 'A handful of records, recovered at once.',
    },
  });
  if (crg.status !== 200) throw new Error(`convene-crg answered ${crg.status}: ${crg.text}`);
  return crg.json;
}

/** Six low factors of 468.4. */
export const FACTORS_LOW = {
  dataNature: 'low',
  misuseLikelihood: 'low',
  logicalAccess: 'low',
  physicalAccess: 'low',
  deliberateTargeting: 'low',
  priorMisuse: 'low',
} as const;

/**
 * The CRG not convened (467.4-2a): the IPS Director records the analysis as its chair, a finding of low
 * risk and no further action (468.4); the PPGB is advised and, once its objection window passes without an
 * objection (468.5c), the incident waits in closure review. Needs a fixture whose playbook has a short
 * window (`withShortObjectionWindow`).
 */
export async function notConvenedToClosureReview(app: FastifyInstance, incidentId: string): Promise<IncidentState> {
  await triage(app, incidentId, false);
  const analysis = await call(app, {
    method: 'POST',
    url: `/incidents/${incidentId}/decisions`,
    body: {
      kind: 'submit-analysis',
      factors: FACTORS_LOW,
      options: ['no-further-action'],
      riskOverride: { level: 'low', rationale: 'A handful of records, recovered at once.' },
      rationale: 'Recorded by the IPS Director, the CRG not convened.',
    },
  });
  if (analysis.status !== 200) throw new Error(`submit-analysis answered ${analysis.status}: ${analysis.text}`);
  // The window runs in real time against the dev server: generous for a loaded machine.
  return waitFor(app, incidentId, (s) => s.phase === 'closure-review', 'phase closure-review', 60_000);
}

export function linkToken(claims: Partial<LinkClaims> & Pick<LinkClaims, 'incidentId' | 'kind' | 'personId'>): string {
  return signLink(LINK_SECRET, { expiresAt: Date.now() + 3_600_000, ...claims });
}
