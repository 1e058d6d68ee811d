/**
 * A real setup for the incident workflow tests: the time-skipping test server, a worker with the real
 * activities, a real SMTP receiver and a real HTTP receiver standing in for the playbook's endpoints.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import nodemailer from 'nodemailer';
import { createActivities } from '../../activities/index.js';
import { signLink } from '../../security/links.js';
import type { AuthorizedDisclosure, DecisionBody } from '../../domain/decision.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import { parsePlaybook, type Playbook } from '../../domain/playbook.js';
import type { Report } from '../../domain/report.js';
import type { IncidentState, Phase } from '../../domain/state.js';
import { startEndpointReceiver, type EndpointReceiver } from '../../scripts/local/endpoint-receiver.js';
import { startMailCatcher, type MailCatcher } from '../../scripts/local/mail-catcher.js';
import { DEFAULT_PLAYBOOK } from '../../config/index.js';
import { createBreachWorker } from '../../workers/worker.js';
import { realWorkflowBundle, startTimeSkippingEnv, testDataConverter } from '../helpers/temporal.js';
import { withoutReturnsWindow } from '../helpers/returns-window.js';
import { withDeadline } from '../helpers/deadline.js';
import { afterAll, beforeAll } from 'vitest';
import type { breachIncidentWorkflow } from '../../workflows/incident.js';
import { decideUpdate, incidentStateQuery, reportIntakeSignal } from '../../workflows/messages.js';
import { sampleReport } from '../../scripts/local/sample-report.js';

export const HOUR = 3_600_000;
export const LINK_SECRET = 'workflow-fixture-link-secret-0123456789abcdef';
export const DAY = 24 * HOUR;

export interface Fixture {
  env: TestWorkflowEnvironment;
  worker: Worker;
  mail: MailCatcher;
  receiver: EndpointReceiver;
  playbook: Playbook;
  taskQueue: string;
  run: Promise<void>;
  /** The incidents `report` started, for a wait that does not end to say what they were doing. */
  started: IncidentHandle[];
  close(): Promise<void>;
}

/** The shipped 5 FAM playbook with its endpoints pointed at the test receiver. */
export function testPlaybook(receiverUrl: string, changes: Partial<Playbook> = {}): Playbook {
  const raw = JSON.parse(readFileSync(DEFAULT_PLAYBOOK, 'utf8')) as Record<string, unknown> & {
    endpoints: Record<string, { url: string }>;
  };
  for (const [name, endpoint] of Object.entries(raw.endpoints)) {
    endpoint.url = `${receiverUrl}/${name}`;
    delete (endpoint as { tokenEnv?: string }).tokenEnv;
  }
  return parsePlaybook({ ...withoutReturnsWindow(raw), ...changes });
}

type BreachActivityFunctions = ReturnType<typeof createActivities>;

/** `activities`: the real activities as the test changes them (a fault of a kind production sees). */
export async function startFixture(
  name: string,
  options: { activities?: (real: BreachActivityFunctions) => BreachActivityFunctions } = {},
): Promise<Fixture> {
  // Retries of failing activities are the point of several tests: keep the worker's log to errors.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  // Encrypted like production (security/data-converter.ts), with a key made at run time; the search attributes registered.
  const env = await startTimeSkippingEnv();
  const mail = await startMailCatcher({ smtpPort: 0, webPort: null });
  const receiver = await startEndpointReceiver({ port: 0 });
  const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: mail.smtpPort, secure: false, ignoreTLS: true });
  const taskQueue = `test-${name}`;
  const worker = await createBreachWorker({
    connection: env.nativeConnection,
    taskQueue,
    activities: (options.activities ?? ((real) => real))(
      createActivities({
        mailer,
        mailFrom: 'breach@test.example',
        publicUrl: 'http://localhost:3000',
        env: {},
        signLink: (claims) => signLink(LINK_SECRET, claims),
      }),
    ),
    dataConverter: testDataConverter(),
    // Bundled once for every test file (tests/helpers/temporal.ts), not once per file.
    workflowBundle: await realWorkflowBundle(),
  });
  const run = worker.run();
  return {
    env,
    worker,
    mail,
    receiver,
    playbook: testPlaybook(receiver.url),
    taskQueue,
    run,
    started: [],
    async close() {
      worker.shutdown();
      await run.catch(() => undefined);
      mailer.close();
      await Promise.all([mail.close(), receiver.close()]);
      await env.teardown();
    },
  };
}

/**
 * A fixture for one group of tests (called in a `describe`): the incidents a group reports end with it.
 * With one fixture for a whole file, every later skip of days drove all the earlier tests' incidents
 * too (their reminders and escalations, hundreds of events each by the file's end).
 */
export function groupFixture(
  name: string,
  use: (f: Fixture) => void,
  options: Parameters<typeof startFixture>[1] = {},
): void {
  let mine: Fixture | undefined;
  beforeAll(async () => {
    mine = await startFixture(name, options);
    use(mine);
  });
  afterAll(async () => {
    await mine?.close();
  });
}

let counter = 0;

export function aReport(overrides: Partial<Report> = {}, nowMs = Date.now()): Report {
  return sampleReport(overrides, nowMs - 5 * 60_000);
}

export type IncidentHandle = WorkflowHandle<typeof breachIncidentWorkflow>;

export async function report(
  f: Fixture,
  overrides: Partial<Report> = {},
  playbook = f.playbook,
): Promise<{ handle: IncidentHandle; incidentId: string }> {
  counter += 1;
  const incidentId = `T${Date.now().toString(36)}-${counter}`;
  const now = await f.env.currentTimeMs();
  const handle = await f.env.client.workflow.signalWithStart('breachIncidentWorkflow', {
    workflowId: incidentWorkflowId(incidentId),
    taskQueue: f.taskQueue,
    args: [{ incidentId, playbook, receivedAt: new Date(now).toISOString() }],
    signal: reportIntakeSignal,
    signalArgs: [{ ...aReport({}, now), ...overrides, incidentId }],
  });
  f.started.push(handle as unknown as IncidentHandle);
  return { handle: handle as unknown as IncidentHandle, incidentId };
}

/**
 * A wait on the time-skipping server, within a deadline that names what the file's incidents were doing
 * when it passed: the server skips time only while nothing holds it (an activity in flight does), and a
 * hold it never lets go (an activity left in flight by a closed workflow) turns a skip of days into days.
 */
async function onServer<T>(f: Fixture, work: Promise<T>, what: string): Promise<T> {
  try {
    return await withDeadline(work, SERVER_WAIT_MS, what);
  } catch (err) {
    throw new Error(`${(err as Error).message}; in flight: ${await inFlight(f)}`, { cause: err });
  }
}

/** Generous for a loaded 2-CPU machine: a skip of days takes a second or two when quiet. */
const SERVER_WAIT_MS = 90_000;

/** The running incidents' pending activities and the workflow tasks that timed out or failed. */
async function inFlight(f: Fixture): Promise<string> {
  const lines = await Promise.all(f.started.map((handle) => doing(handle)));
  return lines.filter(Boolean).join('; ') || 'no activity of a running incident';
}

/** One running incident's pending activities (attempt, last failure) and its troubled workflow tasks. */
async function doing(handle: IncidentHandle): Promise<string> {
  let described;
  try {
    described = await handle.describe();
  } catch (err) {
    return `${handle.workflowId}: not described (${(err as Error).message})`;
  }
  if (described.status.name !== 'RUNNING') return '';
  const activities = (described.raw.pendingActivities ?? []).map(
    (a) =>
      `${a.activityType?.name} (attempt ${a.attempt}, ${a.state}${a.lastFailure?.message ? `, ${a.lastFailure.message}` : ''})`,
  );
  const events = (await handle.fetchHistory().catch(() => undefined))?.events ?? [];
  const timedOut = events.filter((e) => e.workflowTaskTimedOutEventAttributes).length;
  const failed = events.filter((e) => e.workflowTaskFailedEventAttributes).length;
  const tasks = timedOut || failed ? [`workflow tasks timed out ${timedOut}, failed ${failed}`] : [];
  const pendingTask = described.raw.pendingWorkflowTask ? ['a workflow task pending'] : [];
  const last = events
    .slice(-6)
    .map((e) =>
      Object.keys(e)
        .find((k) => k.endsWith('EventAttributes'))
        ?.replace(/EventAttributes$/, ''),
    )
    .join(' ');
  return `${handle.workflowId}: ${[...activities, ...tasks, ...pendingTask, `last events: ${last}`].join(', ')}`;
}

/**
 * The activities a closed incident left in flight: scheduled, with no completion, failure, time-out or
 * cancellation in its history. A case closes with none (workflows/archiving.ts).
 */
export async function leftInFlight(handle: IncidentHandle): Promise<string[]> {
  const open = new Map<string, string>();
  for (const e of (await handle.fetchHistory()).events ?? []) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) open.set(String(e.eventId), scheduled.activityType?.name ?? '?');
    for (const end of [
      e.activityTaskCompletedEventAttributes,
      e.activityTaskFailedEventAttributes,
      e.activityTaskTimedOutEventAttributes,
      e.activityTaskCanceledEventAttributes,
    ])
      if (end) open.delete(String(end.scheduledEventId));
  }
  return [...open.values()];
}

/**
 * The incident with no activity pending, letting a few minutes of the server's time pass while one is:
 * a decision waits for what the workflow does before it answers (the sign-off, for the mail in the
 * background), and while a client waits for an update the server does not skip time, so a mail backing
 * off after a failure would hold the answer for minutes of real time.
 */
export async function idle(f: Fixture, handle: IncidentHandle): Promise<void> {
  for (let round = 0; round < 20; round += 1) {
    const described = await handle.describe();
    if ((described.raw.pendingActivities ?? []).length === 0) return;
    await skip(f, 5 * 60_000);
  }
  throw new Error(`${handle.workflowId} still has activities pending: ${await doing(handle)}`);
}

/**
 * `ms` of the server's time passes (its timers fire), within the deadline above; then on past any timer
 * of a running incident due within `TIMER_GUARD_MS` of where the skip landed. The time-skipping server
 * refuses the completion of a workflow task that cancels a timer which fired while the task was with the
 * worker ("invalid history builder state for action"), and never sends the task again: the incident is
 * stranded. After a skip of whole days a daily reminder is due a few milliseconds after it lands (its
 * timer started as its task completed, a little after the task's own time), so a decision sent then,
 * which ends that reminder's clock, raced the timer. Past it, nothing is due for a while.
 */
export async function skip(f: Fixture, ms: number): Promise<void> {
  await onServer(f, f.env.sleep(ms), `${ms / 1000} s to pass on the time-skipping server`);
  for (let guard = 0; guard < 5; guard += 1) {
    const now = await f.env.currentTimeMs();
    const due = (await Promise.all(f.started.map((handle) => timersDue(handle))))
      .flat()
      .filter((t) => t >= now - 1_000);
    const soon = due.filter((t) => t - now <= TIMER_GUARD_MS);
    if (soon.length === 0) return;
    const past = Math.max(...soon) - now + 1_000;
    await onServer(f, f.env.sleep(past), `${past / 1000} s more, past a timer due as the skip landed`);
  }
}

/** How close to where a skip lands a timer may be due before the skip goes on past it. */
const TIMER_GUARD_MS = 10_000;

/** When a running incident's pending timers are due, in the server's time (from its history); none once it closed. */
async function timersDue(handle: IncidentHandle): Promise<number[]> {
  const events = (await handle.fetchHistory().catch(() => undefined))?.events ?? [];
  const last = events.at(-1);
  const closed =
    last?.workflowExecutionCompletedEventAttributes ??
    last?.workflowExecutionFailedEventAttributes ??
    last?.workflowExecutionTerminatedEventAttributes ??
    last?.workflowExecutionTimedOutEventAttributes ??
    last?.workflowExecutionCanceledEventAttributes ??
    last?.workflowExecutionContinuedAsNewEventAttributes;
  if (closed) return [];
  const pending = new Map<string, number>();
  for (const e of events) {
    const started = e.timerStartedEventAttributes;
    if (started?.timerId) pending.set(started.timerId, msOf(e.eventTime) + msOf(started.startToFireTimeout));
    const ended = e.timerFiredEventAttributes?.timerId ?? e.timerCanceledEventAttributes?.timerId;
    if (ended) pending.delete(ended);
  }
  return [...pending.values()];
}

/** A protobuf timestamp or duration in milliseconds. */
function msOf(t: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  return Number(t?.seconds ?? 0) * 1_000 + Math.floor((t?.nanos ?? 0) / 1e6);
}

/** The incident's closing summary, within the deadline above. */
export function finished(f: Fixture, handle: IncidentHandle): ReturnType<IncidentHandle['result']> {
  return onServer(f, handle.result(), `${handle.workflowId} to close`);
}

export function stateOf(handle: IncidentHandle): Promise<IncidentState> {
  return handle.query(incidentStateQuery);
}

export async function waitForPhase(handle: IncidentHandle, phase: Phase, timeoutMs = 20_000): Promise<IncidentState> {
  const until = Date.now() + timeoutMs;
  let last: IncidentState | undefined;
  while (Date.now() < until) {
    last = await stateOf(handle).catch(() => undefined);
    if (last?.phase === phase) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `incident did not reach phase ${phase} (it is in ${last?.phase ?? 'unknown'}); timeline: ${JSON.stringify(last?.timeline.map((t) => t.event))}`,
  );
}

export async function waitForState(
  handle: IncidentHandle,
  predicate: (s: IncidentState) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<IncidentState> {
  const until = Date.now() + timeoutMs;
  let last: IncidentState | undefined;
  while (Date.now() < until) {
    last = await stateOf(handle).catch(() => undefined);
    if (last && predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `timed out waiting for ${what}; phase ${last?.phase}; timeline: ${JSON.stringify(last?.timeline.map((t) => t.event))}`,
  );
}

export function decide(handle: IncidentHandle, actorId: string, decision: DecisionBody): Promise<IncidentState> {
  return withDeadline(
    handle.executeUpdate(decideUpdate, { args: [{ ...decision, actorId } as never] }),
    SERVER_WAIT_MS,
    `${actorId}'s ${decision.kind} on ${handle.workflowId} to be answered`,
  ).catch(async (err: unknown) => {
    if (err instanceof WorkflowUpdateFailedError) throw err;
    throw new Error(`${(err as Error).message}; in flight: ${(await doing(handle)) || 'the incident is not running'}`, {
      cause: err,
    });
  });
}

/** The phases the incident went through, in order, from its timeline. */
export function phases(state: IncidentState): string[] {
  return [
    'reporting',
    ...state.timeline.filter((t) => t.event.startsWith('phase:')).map((t) => t.event.slice('phase:'.length)),
  ];
}

export const FACTORS_HIGH = {
  dataNature: 'high',
  misuseLikelihood: 'high',
  logicalAccess: 'high',
  physicalAccess: 'moderate',
  deliberateTargeting: 'moderate',
  priorMisuse: 'low',
} as const;
export const FACTORS_LOW = {
  dataNature: 'low',
  misuseLikelihood: 'low',
  logicalAccess: 'low',
  physicalAccess: 'low',
  deliberateTargeting: 'low',
  priorMisuse: 'low',
} as const;

/**
 * The ICE memo's case as a finding of the custody exemption (45 CFR 164.512(k)(5)(i)): a discharge
 * summary sent to ICE (its Health Service Corps) for a detainee in ICE custody, purpose (a).
 */
export const MEMO_CASE = {
  basis: 'hipaa-custody-exemption',
  explanation: 'Discharge summary sent to ICE Health Service Corps for the continuity of care of the detainee.',
  custodyPurpose: 'a',
  custodian: {
    name: 'U.S. Immigration and Customs Enforcement',
    kind: 'law-enforcement-official',
    determination: { by: 'IHSC Deputy Assistant Director', at: '2026-02-20T09:00:00Z' },
  },
  subjectInLawfulCustody: true,
  recipient: {
    name: 'ICE Health Service Corps, U.S. Immigration and Customs Enforcement',
    address: '500 12th St SW, Washington, DC 20536',
  },
} satisfies AuthorizedDisclosure;

export const LETTER = {
  whatHappened: 'A laptop holding your record was stolen; the theft was discovered the same day.',
  piiInvolved: 'Your full name, passport number and date of birth.',
  actionsTaken: 'We reported the theft to law enforcement, disabled the account and are reviewing our safeguards.',
  contact: { tollFreePhone: '1-800-555-0100', email: 'privacy@state.example', website: 'https://state.example/breach' },
  protectiveSteps:
    'Place a fraud alert with a credit bureau, review your credit reports, and consider a credit freeze.',
  protectionAtTime: 'The laptop was password protected but its disk was not encrypted.',
};

/** The refusal a decision update failed with (its failure type and message); fails the test if it was accepted. */
export async function refusal(promise: Promise<unknown>): Promise<{ type: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof WorkflowUpdateFailedError)) throw err;
    const cause = err.cause as { type?: string; message: string };
    return { type: cause.type ?? '', message: cause.message };
  }
  throw new Error('expected the decision to be refused');
}

/** 467.4-2a: the IPS Director's triage (office named, CRG convened), to the analysis phase. */
export async function toAnalysis(
  handle: IncidentHandle,
  rationale = 'Passport numbers of the public are involved.',
): Promise<IncidentState> {
  await waitForPhase(handle, 'triage');
  await decide(handle, 'ips-director', { kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' });
  await decide(handle, 'ips-director', { kind: 'convene-crg', convene: true, rationale });
  return waitForPhase(handle, 'analysis');
}

let rosterDir: string | undefined;

/** A roster of these people, one JSON line each, in a temporary file: its file: URL, for approve-letter. */
export function writeRoster(name: string, people: object[]): string {
  rosterDir ??= mkdtempSync(join(tmpdir(), 'roster-'));
  const file = join(rosterDir, `${name}.ndjson`);
  writeFileSync(file, people.map((p) => JSON.stringify(p)).join('\n'));
  return pathToFileURL(file).href;
}

/**
 * Triage, the CRG's analysis (notify the people, and `options`), the PPGB Chair's referral and the Under
 * Secretary's approval: the incident waits for the letter at notification-prep. With credit protection
 * the CGFS estimate comes first (468.5d). `reconcileRoster`: the roster is declared the whole of the
 * people affected (468.6-2b; the test rosters hold fewer than the report's 120).
 */
export async function toLetter(
  handle: IncidentHandle,
  { options = ['notify-individuals'], reconcileRoster = false }: { options?: string[]; reconcileRoster?: boolean } = {},
): Promise<void> {
  await toAnalysis(handle, 'Passport numbers.');
  await decide(handle, 'ips-director', {
    kind: 'submit-analysis',
    factors: FACTORS_HIGH,
    options: options as never,
    rationale: 'CRG analysis.',
  });
  if (options.includes('credit-protection'))
    await decide(handle, 'crg-cgfs', {
      kind: 'cost-estimate',
      estimatedCostUsd: 2_400,
      notes: 'Two people, 12 months.',
    });
  await decide(handle, 'ppgb-chair', {
    kind: 'ppgb-chair-decision',
    outcome: 'refer-to-under-secretary',
    rationale: 'To M.',
  });
  await decide(handle, 'under-secretary', {
    kind: 'under-secretary-decision',
    outcome: 'approve-notification',
    rationale: 'Approved.',
  });
  await waitForPhase(handle, 'notification-prep');
  if (reconcileRoster)
    await decide(handle, 'notification-official', {
      kind: 'reconcile-roster',
      rationale: 'The roster holds everyone affected; the first count was an estimate.',
    });
}
