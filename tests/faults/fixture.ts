/**
 * The fault tests' world: a real Temporal dev server, the production worker (workers/main.ts) as a child
 * process that a test may SIGKILL and start again, a real SMTP server (the mail catcher) that a test may
 * stop and start again on the same port, and the endpoint receiver standing in for the playbook's
 * endpoints. Incidents are reported and decided through the functions the HTTP API and the CLI use
 * (client/incidents.ts), with a client that encrypts like production.
 *
 * Worker processes run a workflow bundle made once per source state (tests/helpers realWorkflowBundleFile)
 * through BREACH_WORKFLOW_BUNDLE: a restart takes about a second instead of eight.
 */
import { WORKER_START } from '../helpers/deadline.js';
import { readFileSync } from 'node:fs';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { DataConverter, Payload } from '@temporalio/common';
import { getIncidentState, submitReport } from '../../client/incidents.js';
import { decide as decideThroughApi } from '../../client/decisions.js';
import type { Decision, DecisionBody } from '../../domain/decision.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import { parsePlaybook, type Playbook } from '../../domain/playbook.js';
import type { Report } from '../../domain/report.js';
import type { IncidentState } from '../../domain/state.js';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '../../scripts/local/mail-catcher.js';
import { freePort } from '../../scripts/local/ports.js';
import { startWorkerProcess, type WorkerProcess } from '../../scripts/local/worker-process.js';
import { createKeyring, generateKey } from '../../security/codec.js';
import { DEFAULT_PLAYBOOK } from '../../config/index.js';
import { createDataConverter, type BreachDataConverter } from '../../security/data-converter.js';
import { withoutReturnsWindow } from '../helpers/index.js';
import { sampleReport } from '../../scripts/local/sample-report.js';
import { decodePayloads } from '../../scripts/bench/notify-inspect.js';

export const LINK_SECRET = 'fault-tests-link-secret-0123456789abcdef';

/** One key per test file, made at run time, given to the worker processes through the environment. */
export function faultKeys(keyId: string): { dataConverter: BreachDataConverter; env: Record<string, string> } {
  const key = generateKey();
  return {
    dataConverter: createDataConverter(createKeyring(keyId, { [keyId]: key })),
    env: { BREACH_ENCRYPTION_KEY: key.toString('base64'), BREACH_ENCRYPTION_KEY_ID: keyId },
  };
}

/** Worker processes of one test file: `start()` another, `kill()` the current one (SIGKILL). */
export class Workers {
  current: WorkerProcess | undefined;
  started = 0;

  constructor(private readonly env: () => Record<string, string>) {}

  async start(): Promise<WorkerProcess> {
    const worker = startWorkerProcess({ BREACH_LINK_SECRET: LINK_SECRET, ...this.env() }, WORKER_START);
    this.current = worker;
    this.started += 1;
    await worker.ready;
    return worker;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.current?.kill(signal);
    this.current = undefined;
  }
}

/**
 * The mail catcher on a fixed port, which a test can stop (the SMTP server is down: connections are
 * refused) and start again. `messages()` holds what every incarnation received.
 */
export class RestartableSmtp {
  private catcher: MailCatcher | undefined;
  private readonly earlier: CaughtMail[] = [];

  private constructor(readonly port: number) {}

  static async start(): Promise<RestartableSmtp> {
    const smtp = new RestartableSmtp(await freePort());
    await smtp.up();
    return smtp;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.catcher !== undefined;
  }

  async up(): Promise<void> {
    if (!this.catcher) this.catcher = await startMailCatcher({ smtpPort: this.port, webPort: null });
  }

  async down(): Promise<void> {
    const catcher = this.catcher;
    this.catcher = undefined;
    if (!catcher) return;
    this.earlier.push(...catcher.messages());
    await catcher.close();
  }

  messages(): CaughtMail[] {
    return [...this.earlier, ...(this.catcher?.messages() ?? [])];
  }

  async waitFor(predicate: (mail: CaughtMail) => boolean, timeoutMs = 30_000): Promise<CaughtMail> {
    return until(async () => this.messages().find(predicate), 'a matching mail', timeoutMs);
  }

  close(): Promise<void> {
    return this.down();
  }
}

/** The shipped playbook, endpoints at the receiver (no tokens), with short timers and HTTP time-outs. */
export function faultPlaybook(
  receiverUrl: string,
  timers: Partial<Playbook['timers']> = {},
  endpointTimeout = '2s',
): Playbook {
  const raw = withoutReturnsWindow(JSON.parse(readFileSync(DEFAULT_PLAYBOOK, 'utf8')) as Playbook);
  // Each endpoint at `<receiver>/<name>` (`/usCert`, `/recordsArchive`), without a token.
  const endpoints = Object.fromEntries(
    Object.keys(raw.endpoints).map((name) => [name, { url: `${receiverUrl}/${name}`, timeout: endpointTimeout }]),
  );
  return parsePlaybook({ ...raw, timers: { ...raw.timers, ...timers }, endpoints });
}

/** The same playbook with every endpoint's path under `prefix` (a test's own responders). */
export function endpointsUnder(playbook: Playbook, prefix: string): Playbook {
  const endpoints = Object.fromEntries(
    Object.entries(playbook.endpoints).map(([name, endpoint]) => {
      const url = new URL(endpoint.url);
      url.pathname = `${prefix}${url.pathname}`;
      return [name, { ...endpoint, url: url.href }];
    }),
  );
  return { ...playbook, endpoints: endpoints as Playbook['endpoints'] };
}

let counter = 0;

export function newIncidentId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

/** A cyber report discovered `agoMs` before now (a second by default: the deadline runs from here). */
export function aReport(incidentId: string, overrides: Partial<Report> = {}, agoMs = 1_000): Report {
  return sampleReport({ incidentId, piiTypes: ['ssn-or-passport-number'], ...overrides }, Date.now() - agoMs);
}

export interface Incidents {
  client: Client;
  taskQueue: string;
}

export async function report(
  world: Incidents,
  playbook: Playbook,
  incidentId: string,
  overrides: Partial<Report> = {},
): Promise<WorkflowHandle> {
  await submitReport({ client: world.client, taskQueue: world.taskQueue, playbook }, aReport(incidentId, overrides));
  return world.client.workflow.getHandle(incidentWorkflowId(incidentId));
}

export function decide(
  world: Incidents,
  incidentId: string,
  actorId: string,
  decision: DecisionBody,
): Promise<IncidentState> {
  return decideThroughApi(world.client, incidentId, { ...decision, actorId } as Decision);
}

export function stateOf(world: Incidents, incidentId: string): Promise<IncidentState> {
  return getIncidentState(world.client, incidentId);
}

export async function until<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function waitForState(
  world: Incidents,
  incidentId: string,
  predicate: (s: IncidentState) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<IncidentState> {
  let last: IncidentState | undefined;
  try {
    return await until(
      async () => {
        last = await stateOf(world, incidentId);
        return predicate(last) ? last : undefined;
      },
      what,
      timeoutMs,
    );
  } catch (err) {
    throw new Error(
      `${(err as Error).message}; phase ${last?.phase}, timeline ${JSON.stringify(last?.timeline.map((t) => t.event))}`,
      { cause: err },
    );
  }
}

export const events = (s: IncidentState) => s.timeline.map((t) => t.event);

/**
 * How many times each activity of an incident's history was attempted, by the activity's type; with the
 * world's data converter, also the `step` its input names (callEndpoint's `report-usCert`).
 */
export async function activityAttempts(
  handle: WorkflowHandle,
  dataConverter?: DataConverter,
): Promise<{ type: string; attempts: number; failures: number; step?: string }[]> {
  const history = await handle.fetchHistory();
  const scheduled = new Map<string, { type: string; attempts: number; failures: number; step?: string }>();
  for (const event of history.events ?? []) {
    const s = event.activityTaskScheduledEventAttributes;
    if (s) {
      const entry: { type: string; attempts: number; failures: number; step?: string } = {
        type: s.activityType?.name ?? '',
        attempts: 0,
        failures: 0,
      };
      if (dataConverter) {
        const [input] = await decodePayloads(dataConverter, s.input?.payloads as Payload[] | undefined);
        const step = (input as { step?: unknown } | undefined)?.step;
        if (typeof step === 'string') entry.step = step;
      }
      scheduled.set(String(event.eventId), entry);
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const entry = scheduled.get(String(started.scheduledEventId));
      // The server writes a retried activity's started event once, with the attempt that ended it.
      if (entry) entry.attempts = Math.max(entry.attempts, started.attempt ?? 1);
    }
    const failed = event.activityTaskFailedEventAttributes;
    if (failed) {
      const entry = scheduled.get(String(failed.scheduledEventId));
      if (entry) entry.failures += 1;
    }
  }
  return [...scheduled.values()];
}
