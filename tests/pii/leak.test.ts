/**
 * Nothing identifying in clear (docs/operations.md "Encryption and keys"): a whole incident, full of distinctive PII in its report,
 * decisions and roster, runs through the HTTP API on the real dev server, with a mail server that
 * refuses the supervisor once (quoting the address) and an OIG endpoint that answers 400 quoting the
 * report. Then a client WITHOUT the codec reads every history (incident and notification child, every
 * run), the executions' search attributes and memo, and the worker's, the API's and the console's log;
 * not one of the PII strings may appear, in text or in base64. A positive control decrypts the same
 * histories with the codec and finds them, so the search itself is known to work.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { CASE_LIST_MEMO } from '../../domain/case-list-facts.js';
import type { Payload } from '@temporalio/common';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { Transporter } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { createMailTransport } from '../../activities/mailer.js';
import { signLink } from '../../security/links.js';
import { buildApi } from '../../api/server.js';
import { parsePlaybook, type Playbook } from '../../domain/playbook.js';
import { holdersOf } from '../../domain/playbook-terms.js';
import type { Role } from '../../domain/roles.js';
import { BreachPhase } from '../../domain/search-attributes.js';
import type { IncidentState } from '../../domain/state.js';
import { createKeyring, EncryptionCodec, generateKey } from '../../security/codec.js';
import { DEFAULT_API_TOKENS, DEFAULT_PLAYBOOK, loadApiTokens } from '../../config/index.js';
import { createDataConverter } from '../../security/data-converter.js';
import { incidentStateQuery } from '../../workflows/messages.js';
import {
  createTestWorker,
  startDevServer,
  startHttpReceiver,
  withEndpointsAt,
  type EndpointReceiver,
  type TestWorkflowEnvironment,
  withoutReturnsWindow,
} from '../helpers/index.js';

// --- The PII ------------------------------------------------------------------------------------------
const REPORTER = { name: 'Zelda Quintanilla-Okafor', email: 'zelda.qo@private.example' };
const SUPERVISOR = { name: 'Bartholomew Nkemelu', email: 'b.nkemelu@private.example' };
const PROGRAM_MANAGER = { name: 'Priscilla Vandermeer', email: 'p.vandermeer@private.example' };
const ROSTER = [
  {
    name: 'Ignatius Fairweather-Lund',
    postalAddress: '4417 Quillfeather Lane, Fairfax, VA 22031',
    phone: '(703) 555-0147',
  },
  { name: 'Marisol Etxeberria', email: 'marisol.etx@public.example', phone: '571-555-0199' },
  {
    name: 'Thaddeus Oyelaran-Brook',
    email: 'thaddeus.ob@public.example',
    postalAddress: '88 Zephyrine Court, Apt 12B, Reston, VA 20190',
  },
  { name: 'Wilhelmina Castellanos-Reyes' },
];
const BAD_ROSTER_LINE = JSON.stringify({ name: 'Ulrich Brandvold', email: 'not an email 222-33-4444' });
const SSNS = ['123-45-6789', '987-65-4321', '078-05-1120'];

/** Every string that must never be found in clear. */
const PII: string[] = [
  ...[REPORTER, SUPERVISOR, PROGRAM_MANAGER].flatMap((p) => [p.name, p.email]),
  ...ROSTER.flatMap((p) => Object.values(p)),
  'Ulrich Brandvold',
  '222-33-4444',
  ...SSNS,
  // Parts that a partial leak would show.
  'Quintanilla',
  'Nkemelu',
  'Vandermeer',
  'Fairweather',
  'Etxeberria',
  'Oyelaran',
  'Castellanos',
  'Quillfeather',
  'Zephyrine',
  '555-0147',
  '555-0199',
];

const LETTER = {
  whatHappened: 'A laptop holding your record was stolen; the theft was discovered the same day.',
  piiInvolved: 'Your full name, Social Security number and date of birth.',
  actionsTaken: 'We reported the theft to law enforcement, disabled the account and are reviewing our safeguards.',
  contact: { tollFreePhone: '1-800-555-0100', email: 'privacy@state.example', website: 'https://state.example/breach' },
  protectiveSteps:
    'Place a fraud alert with a credit bureau, review your credit reports, and consider a credit freeze.',
  protectionAtTime: 'The laptop was password protected but its disk was not encrypted.',
};

// --- The log: the worker's (SDK and core), the API's, and anything on the console ---------------------
const logLines: string[] = [];
const remember = (line: string) => logLines.push(line);
try {
  Runtime.install({
    logger: new DefaultLogger('DEBUG', (entry) =>
      remember(`[${entry.level}] ${entry.message} ${inspect(entry.meta, { depth: 10, breakLength: Infinity })}`),
    ),
    telemetryOptions: { logging: { filter: { core: 'DEBUG', other: 'INFO' }, forward: {} } },
    shutdownSignals: [],
  });
} catch (err) {
  throw new Error('the leak test must install the runtime logger itself', { cause: err });
}

// --- A mail server that refuses the supervisor once, quoting the address and the name -----------------
interface Smtp {
  url: string;
  refused: number;
  delivered: string[];
  close(): Promise<void>;
}

async function startRefusingSmtp(): Promise<Smtp> {
  const state = { refused: 0, delivered: [] as string[] };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 200,
    onRcptTo(address, _session, callback) {
      if (address.address === SUPERVISOR.email && state.refused === 0) {
        state.refused += 1;
        return callback(
          Object.assign(new Error(`<${address.address}>: ${SUPERVISOR.name} mailbox busy, SSN ${SSNS[0]} on file`), {
            responseCode: 450,
          }),
        );
      }
      callback();
    },
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        state.delivered.push(...session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    get refused() {
      return state.refused;
    },
    delivered: state.delivered,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// --- The world -----------------------------------------------------------------------------------------
const TOKEN = {
  ips: 'demo-ips-director-token',
  privacy: 'demo-privacy-division-token',
  cgfs: 'demo-crg-cgfs-token',
  chair: 'demo-ppgb-chair-token',
  us: 'demo-under-secretary-token',
  notification: 'demo-notification-official-token',
};

let env: TestWorkflowEnvironment;
let worker: Worker;
let run: Promise<void>;
let app: FastifyInstance;
let smtp: Smtp;
let receiver: EndpointReceiver;
let mailer: Transporter;
let codec: EncryptionCodec;
let incidentId: string;
let noCodec: Client;
let playbook: Playbook;
/** The demo tokens, each to the person it names. */
let tokenIds: Record<string, string>;
const tokenOf = (role: Role): string => {
  const holders = holdersOf(playbook, role).map((p) => p.id);
  const token = Object.keys(tokenIds).find((t) => holders.includes(tokenIds[t]!));
  if (!token) throw new Error(`no demo token holds ${role}`);
  return token;
};
const consoleLines: string[] = [];

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method].bind(console);
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleLines.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 10 }))).join(' '));
      original(...args);
    });
  }
  const keyring = createKeyring('leak-test', { 'leak-test': generateKey() });
  const dataConverter = createDataConverter(keyring);
  codec = dataConverter.payloadCodecs[0];
  env = await startDevServer({ dataConverter });
  noCodec = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
  smtp = await startRefusingSmtp();
  receiver = await startHttpReceiver();
  // OIG refuses the report and quotes it back: the refusal must not carry it anywhere.
  receiver.respondWith('/oig', {
    status: 400,
    body: { error: `rejected report of ${REPORTER.name} <${REPORTER.email}> about SSN ${SSNS[1]}` },
  });
  const raw = JSON.parse(await readFile(DEFAULT_PLAYBOOK, 'utf8')) as {
    endpoints: Record<string, { url: string; tokenEnv?: string }>;
  };
  const moved = withEndpointsAt(withoutReturnsWindow(raw), receiver.url);
  for (const endpoint of Object.values(moved.endpoints)) delete endpoint.tokenEnv;
  playbook = parsePlaybook(moved);
  tokenIds = JSON.parse(await readFile(DEFAULT_API_TOKENS, 'utf8')) as Record<string, string>;
  const taskQueue = `leak-${Math.random().toString(36).slice(2, 8)}`;
  mailer = createMailTransport({ smtpUrl: smtp.url });
  const linkSecret = 'leak-test-link-secret-0123456789abcdefghijkl';
  worker = await createTestWorker(env, {
    taskQueue,
    dataConverter,
    activities: createActivities({
      mailer,
      mailFrom: 'breach@test.example',
      publicUrl: 'http://breach.test',
      env: {},
      signLink: (claims) => signLink(linkSecret, claims),
    }),
  });
  run = worker.run();
  const tokens = await loadApiTokens(DEFAULT_API_TOKENS, playbook);
  app = await buildApi({
    client: env.client,
    taskQueue,
    playbook,
    tokens,
    linkSecret,
    publicUrl: 'http://breach.test',
    log: (line) => remember(`[api] ${line}`),
    codecServer: { codec, origins: ['http://localhost:8233'] },
  });
});

afterAll(async () => {
  await app?.close();
  worker?.shutdown();
  await run?.catch(() => undefined);
  mailer?.close();
  await Promise.all([smtp?.close(), receiver?.close()]);
  await env?.teardown();
  vi.restoreAllMocks();
});

async function call(token: string, method: 'GET' | 'POST', url: string, body?: unknown) {
  const res = await app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, json: res.json() as IncidentState & Record<string, unknown>, text: res.body };
}

async function decide(token: string, body: Record<string, unknown>): Promise<IncidentState> {
  const res = await call(token, 'POST', `/incidents/${incidentId}/decisions`, body);
  if (res.status !== 200) throw new Error(`${String(body.kind)} answered ${res.status}: ${res.text}`);
  return res.json;
}

async function waitFor(
  predicate: (s: IncidentState) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<IncidentState> {
  const until = Date.now() + timeoutMs;
  let last: IncidentState | undefined;
  while (Date.now() < until) {
    const res = await call(TOKEN.ips, 'GET', `/incidents/${incidentId}`);
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

// --- Reading what Temporal stores -----------------------------------------------------------------------
function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/** Every string and every byte field (as UTF-8 text and as base64) of a protobuf object, as one text. */
function flatten(value: unknown): string {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const walk = (v: unknown) => {
    if (v === null || v === undefined) return;
    if (typeof v === 'string') return void out.push(v);
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return void out.push(String(v));
    if (isBytes(v)) {
      const buffer = Buffer.from(v);
      return void out.push(buffer.toString('utf8'), buffer.toString('base64'), buffer.toString('latin1'));
    }
    if (typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function' && !Array.isArray(v)) {
      try {
        out.push(JSON.stringify(v));
      } catch {
        // Not every object serializes; its fields are walked anyway.
      }
    }
    for (const item of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) walk(item);
  };
  walk(value);
  return out.join('\n');
}

/** Every payload in a protobuf object (an object with `data` bytes and a `metadata` map of bytes). */
function payloadsIn(value: unknown, found: Payload[] = [], seen = new Set<unknown>()): Payload[] {
  if (value === null || typeof value !== 'object' || isBytes(value) || seen.has(value)) return found;
  seen.add(value);
  const candidate = value as { metadata?: unknown; data?: unknown };
  if (
    candidate.metadata &&
    typeof candidate.metadata === 'object' &&
    (candidate.data === undefined || candidate.data === null || isBytes(candidate.data))
  ) {
    const entries = Object.values(candidate.metadata as Record<string, unknown>);
    if (entries.length > 0 && entries.every(isBytes)) found.push(candidate as Payload);
  }
  for (const item of Array.isArray(value) ? value : Object.values(value)) payloadsIn(item, found, seen);
  return found;
}

function leaks(text: string): string[] {
  const lower = text.toLowerCase();
  return PII.filter((s) => lower.includes(s.toLowerCase()) || text.includes(Buffer.from(s).toString('base64')));
}

describe('a whole incident full of PII', () => {
  // Listed as stored: the raw visibility records, whose memo (the case list's, encrypted) a client without
  // the key could not decode into a WorkflowExecutionInfo.
  let executions: { workflowId: string; runId: string; raw: temporal.api.workflow.v1.IWorkflowExecutionInfo }[] = [];
  let stored = '';

  it('runs from report to closure through the API', async () => {
    const rosterDir = await mkdtemp(join(tmpdir(), 'leak-roster-'));
    const rosterFile = join(rosterDir, 'roster.ndjson');
    await writeFile(rosterFile, [...ROSTER.map((p) => JSON.stringify(p)), BAD_ROSTER_LINE].join('\n'));
    incidentId = `leak-${Date.now().toString(36)}`;
    const report = {
      incidentId,
      reporter: { ...REPORTER, office: 'Bureau of Consular Affairs' },
      supervisor: SUPERVISOR,
      programManager: PROGRAM_MANAGER,
      discoveredAt: new Date(Date.now() - 5 * 60_000).toISOString(),
      medium: 'cyber',
      disclosureFormat: 'electronic',
      disclosedBy: `${REPORTER.name} (${REPORTER.email})`,
      disclosedTo: `an unknown party who phoned from ${ROSTER[0]!.phone}`,
      summary: `A spreadsheet with the SSNs ${SSNS.join(', ')} of ${ROSTER.map((p) => p.name).join(', ')}, their addresses (${ROSTER[0]!.postalAddress}; ${ROSTER[2]!.postalAddress}) and phones (${ROSTER[1]!.phone}) was emailed by ${REPORTER.name} to the wrong list; the medical notes of ${ROSTER[3]!.name} were attached.`,
      piiTypes: ['ssn-or-passport-number', 'medical', 'birth-data'],
      affectedCount: ROSTER.length + 1,
      affectedPopulation: 'public',
      causedByWorkforceMember: true,
      encrypted: false,
      classifiedInvolved: false,
      criminalActSuspected: true,
    };
    const accepted = await call(TOKEN.ips, 'POST', '/incidents', report);
    expect(accepted.status, accepted.text).toBe(202);

    await waitFor((s) => s.phase === 'triage', 'triage');
    // A refused decision (the update's validator) carrying PII: its refusal is a failure too. Asked by the
    // PPGB Chair, who may read the incident (the Under Secretary, with no role on it yet, is answered 404).
    const refused = await call(TOKEN.chair, 'POST', `/incidents/${incidentId}/decisions`, {
      kind: 'ppgb-chair-decision',
      outcome: 'refer-to-under-secretary',
      rationale: `Notify ${ROSTER[0]!.name} at ${ROSTER[0]!.phone}.`,
    });
    expect(refused.status).toBe(409);
    await decide(TOKEN.ips, { kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' });
    await decide(TOKEN.ips, {
      kind: 'convene-crg',
      convene: true,
      rationale: `SSNs of ${ROSTER[1]!.name} and others; ${SSNS[2]}.`,
    });
    const factors = {
      dataNature: 'high',
      misuseLikelihood: 'high',
      logicalAccess: 'high',
      physicalAccess: 'moderate',
      deliberateTargeting: 'moderate',
      priorMisuse: 'low',
    };
    let state = await decide(TOKEN.ips, {
      kind: 'submit-analysis',
      factors,
      options: ['notify-individuals', 'credit-protection'],
      rationale: `High risk for ${ROSTER[0]!.name} at ${ROSTER[0]!.postalAddress}.`,
    });
    expect(state.phase).toBe('cost-consultation');
    await decide(TOKEN.cgfs, {
      kind: 'cost-estimate',
      estimatedCostUsd: 1_200,
      notes: `Monitoring for ${ROSTER[2]!.name}, ${ROSTER[2]!.email}.`,
    });
    await decide(TOKEN.chair, {
      kind: 'ppgb-chair-decision',
      outcome: 'refer-to-under-secretary',
      rationale: `Notify ${ROSTER[1]!.name}.`,
    });
    state = await decide(TOKEN.us, {
      kind: 'under-secretary-decision',
      outcome: 'approve-notification',
      rationale: `Approved; see ${SUPERVISOR.name}'s note.`,
    });
    expect(state.phase).toBe('notification-prep');
    await decide(TOKEN.notification, {
      kind: 'approve-letter',
      letter: { ...LETTER, creditProtectionOffer: 'Twelve months of credit monitoring at no cost.' },
      roster: { url: pathToFileURL(rosterFile).href, count: ROSTER.length + 1 },
    });

    state = await waitFor((s) => s.phase === 'remediation' || s.phase === 'closure-review', 'notification done');
    expect(state.notification).toMatchObject({ letters: 2, emails: 1, substituteNotice: true, failed: 1 });
    // Each open item is completed by its owner (a holder of its role).
    for (const item of state.actionItems.filter((i) => i.status === 'open')) {
      await decide(tokenOf(item.ownerRole), {
        kind: 'complete-action-item',
        itemId: item.id,
        evidence: `Done for ${ROSTER[3]!.name}; called ${ROSTER[0]!.phone}.`,
      });
    }
    await waitFor((s) => s.phase === 'closure-review', 'closure review');
    // OIG refused the referral (above): its duty stays open until the office that owes it (DS/CIRT,
    // 468.3b(2), domain/report-owners.ts) records it filed another way.
    await decide(tokenOf('dsCirt'), {
      kind: 'report-filed',
      to: 'oig',
      filedBy: 'DS/CIRT by secure fax',
      reference: 'OIG-FAX-7',
    });
    await decide(TOKEN.ips, { kind: 'sign-off-closure', rationale: `Closed; ${REPORTER.name} retrained.` });
    await waitFor((s) => s.phase === 'closed', 'closed');
    await env.client.workflow.getHandle(`breach-${incidentId}`).result();

    // The failure paths the test is about did happen.
    expect(smtp.refused).toBe(1);
    expect(smtp.delivered).toContain(SUPERVISOR.email);
    expect(receiver.calls('/oig').length).toBeGreaterThan(0);
    expect(state.timeline.map((t) => t.event)).toContain('endpoint-rejected:oig');
  });

  it('469.3b: its histories, every run of every workflow, hold no PII in clear', async () => {
    const listed = await noCodec.workflowService.listWorkflowExecutions({
      namespace: env.namespace ?? 'default',
      query: `WorkflowId STARTS_WITH 'breach-${incidentId}'`,
      pageSize: 100,
    });
    executions = listed.executions.map((raw) => ({
      workflowId: raw.execution?.workflowId ?? '',
      runId: raw.execution?.runId ?? '',
      raw,
    }));
    const ids = executions.map((e) => e.workflowId);
    expect(ids).toContain(`breach-${incidentId}`);
    expect(
      ids.some((id) => id !== `breach-${incidentId}`),
      `the notification child is among ${ids.join(', ')}`,
    ).toBe(true);

    const texts: string[] = [];
    let payloads = 0;
    for (const execution of executions) {
      const history = await noCodec.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      texts.push(JSON.stringify(history), flatten(history));
      payloads += payloadsIn(history).length;
    }
    stored = texts.join('\n');
    expect(payloads).toBeGreaterThan(20);
    expect(leaks(stored)).toEqual([]);
    // Failure messages are encoded too.
    expect(stored).toContain('Encoded failure');
  });

  it("every payload is encrypted but search attributes and the SDK's markers' own data; decrypted with the codec, they do hold the PII (positive control)", async () => {
    const decrypted: string[] = [];
    const clear: string[] = [];
    for (const execution of executions) {
      const history = await noCodec.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      const payloads = payloadsIn(history);
      for (const [index, payload] of (await codec.decode(payloads)).entries()) {
        const metadata = payloads[index]!.metadata!;
        if (Buffer.from(metadata.encoding ?? []).toString() === 'binary/encrypted')
          decrypted.push(Buffer.from(payload.data ?? []).toString('utf8'));
        // Search attributes carry their type; the SDK's patch marker its patch id, and a local activity's
        // marker its sequence, attempt and type (its result is encrypted): plain by design.
        else if (!metadata.type) clear.push(Buffer.from(payload.data ?? []).toString('utf8'));
      }
    }
    expect(decrypted.length).toBeGreaterThan(20);
    for (const text of clear) {
      const data = JSON.parse(text) as Record<string, unknown>;
      if ('activity_type' in data) expect(data.activity_type).toBe('sendNotice');
      else expect(data).toEqual({ id: expect.any(String), deprecated: expect.any(Boolean) });
    }
    const found = leaks(decrypted.join('\n'));
    for (const s of [
      REPORTER.name,
      REPORTER.email,
      SUPERVISOR.email,
      SSNS[0]!,
      ROSTER[0]!.postalAddress!,
      ROSTER[1]!.phone!,
    ])
      expect(found).toContain(s);
  });

  it('search attributes, memo and the execution descriptions hold no PII', async () => {
    const texts: string[] = [];
    for (const execution of executions) {
      texts.push(flatten(execution.raw), inspect(execution.raw.searchAttributes, { depth: 10 }));
      const described = await noCodec.workflowService.describeWorkflowExecution({
        namespace: env.namespace ?? 'default',
        execution: { workflowId: execution.workflowId, runId: execution.runId },
      });
      texts.push(flatten(described));
    }
    const incident = executions.find((e) => e.workflowId === `breach-${incidentId}`)!;
    const phase = incident.raw.searchAttributes?.indexedFields?.[BreachPhase.name]?.data;
    expect(JSON.parse(Buffer.from(phase ?? []).toString('utf8'))).toBe('closed');
    // The case list's memo is there, and encrypted (its PII, a title and people's keys, not in clear above).
    const memo = incident.raw.memo?.fields?.[CASE_LIST_MEMO]?.metadata?.encoding;
    expect(Buffer.from(memo ?? []).toString()).toBe('binary/encrypted');
    expect(leaks(texts.join('\n'))).toEqual([]);
  });

  it('a client without the key cannot read the state', async () => {
    const handle = noCodec.workflow.getHandle(`breach-${incidentId}`);
    await expect(handle.query(incidentStateQuery)).rejects.toThrow(/binary\/encrypted|[Ee]ncoding/);
  });

  it("the worker's, the API's and the console's log hold no PII", () => {
    const log = [...logLines, ...consoleLines].join('\n');
    expect(leaks(log)).toEqual([]);
    expect(
      logLines.some((l) => l.includes('Activity failed')),
      'the refused mail was logged',
    ).toBe(true);
    expect(log).toContain('MailNotSent');
    expect(logLines.some((l) => l.startsWith('[api] POST /incidents'))).toBe(true);
  });
});
