/**
 * The scale tests' world with real worker processes: the Temporal dev server, production workers
 * (workers/main.ts as child processes that a test may SIGKILL or SIGTERM), a counting SMTP receiver and
 * the endpoint receiver, and a client that encrypts like production. `notifyIncident` takes an incident
 * through the gates to its notification run. Shared by the crash and two-workers tests.
 */
import { WORKER_START } from '../helpers/deadline.js';
import { messageIdFor } from '../../activities/notify.js';
import { startSmtpCounter, type SmtpCounter } from '../../scripts/bench/smtp-counter.js';
import { waitUntil } from '../../scripts/local/ports.js';
import { startWorkerProcess, type WorkerProcess } from '../../scripts/local/worker-process.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import type { Playbook } from '../../domain/playbook.js';
import type { IncidentState } from '../../domain/state.js';
import { createKeyring, generateKey } from '../../security/codec.js';
import { createDataConverter, type BreachDataConverter } from '../../security/data-converter.js';
import type { breachIncidentWorkflow } from '../../workflows/incident.js';
import { decideUpdate, incidentStateQuery, reportIntakeSignal } from '../../workflows/messages.js';
import {
  realWorkflowBundleFile,
  startDevServer,
  startHttpReceiver,
  type EndpointReceiver,
  type TestWorkflowEnvironment,
} from '../helpers/index.js';
import { FACTORS_HIGH, LETTER, aReport, testPlaybook } from '../workflows/fixture.js';
import { writeRoster } from './fixture.js';

/** The Temporal service a process world runs on: the dev server, or a cluster (tests/cluster). */
export interface TemporalTarget {
  address: string;
  namespace: string;
  client: TestWorkflowEnvironment['client'];
  teardown(): Promise<void>;
}

export interface ProcessWorld {
  env: TemporalTarget;
  smtp: SmtpCounter;
  receiver: EndpointReceiver;
  dataConverter: BreachDataConverter;
  taskQueue: string;
  /** Every worker process started, for the teardown. */
  workers: WorkerProcess[];
  /** A production worker process on this world's task queue; `extra` adds to its environment. */
  startWorker(extra?: Record<string, string>): WorkerProcess;
  close(): Promise<void>;
}

/** `on`: the Temporal service to run on, given the world's data converter; a dev server when absent. */
export async function startProcessWorld(
  name: string,
  smtpConnections: number,
  on?: (dataConverter: BreachDataConverter) => Promise<TemporalTarget>,
): Promise<ProcessWorld> {
  const key = generateKey();
  const dataConverter = createDataConverter(createKeyring(name, { [name]: key }));
  const env: TemporalTarget = on
    ? await on(dataConverter)
    : await startDevServer({ dataConverter }).then((dev) => ({
        address: dev.address,
        namespace: 'default',
        client: dev.client,
        teardown: () => dev.teardown(),
      }));
  const [smtp, receiver, bundle] = await Promise.all([
    startSmtpCounter(),
    startHttpReceiver(),
    realWorkflowBundleFile(),
  ]);
  const taskQueue = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  const workers: WorkerProcess[] = [];
  return {
    env,
    smtp,
    receiver,
    dataConverter,
    taskQueue,
    workers,
    startWorker(extra = {}) {
      const worker = startWorkerProcess(
        {
          TEMPORAL_ADDRESS: env.address,
          TEMPORAL_NAMESPACE: env.namespace,
          BREACH_TASK_QUEUE: taskQueue,
          SMTP_URL: smtp.smtpUrl,
          SMTP_MAX_CONNECTIONS: String(smtpConnections),
          BREACH_ENCRYPTION_KEY: key.toString('base64'),
          BREACH_ENCRYPTION_KEY_ID: name,
          BREACH_WORKFLOW_BUNDLE: bundle,
          ...extra,
        },
        WORKER_START,
      );
      workers.push(worker);
      return worker;
    },
    async close() {
      await Promise.all(workers.map((w) => w.kill('SIGKILL')));
      await Promise.all([smtp.close(), receiver.close()]);
      await env.teardown();
    },
  };
}

/**
 * An incident taken through the gates to its notification run over `people` roster lines; `approval`:
 * another roster (of that many people) and whether notice is immediate.
 */
export async function notifyIncident(
  world: ProcessWorld,
  name: string,
  people: number,
  notification: Playbook['notification'],
  approval: { url?: string; immediate?: boolean } = {},
) {
  const url = approval.url ?? writeRoster(people);
  const incidentId = `${name}-${Date.now().toString(36)}`;
  const playbook = testPlaybook(world.receiver.url);
  playbook.notification = notification;
  const handle = await world.env.client.workflow.signalWithStart<
    typeof breachIncidentWorkflow,
    [ReturnType<typeof aReport>]
  >('breachIncidentWorkflow', {
    workflowId: incidentWorkflowId(incidentId),
    taskQueue: world.taskQueue,
    args: [{ incidentId, playbook, receivedAt: new Date().toISOString() }],
    signal: reportIntakeSignal,
    signalArgs: [{ ...aReport(), incidentId }],
  });
  const decide = (actorId: string, decision: Record<string, unknown>) =>
    handle.executeUpdate(decideUpdate, { args: [{ ...decision, actorId } as never] });
  await waitUntil(
    async () => ((await handle.query(incidentStateQuery)).phase === 'triage' ? true : undefined),
    'triage',
    60_000,
  );
  await decide('ips-director', { kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' });
  await decide('ips-director', { kind: 'convene-crg', convene: true, rationale: 'Passport numbers.' });
  await decide('ips-director', {
    kind: 'submit-analysis',
    factors: FACTORS_HIGH,
    options: ['notify-individuals'],
    rationale: 'CRG analysis.',
  });
  await decide('ppgb-chair', { kind: 'ppgb-chair-decision', outcome: 'refer-to-under-secretary', rationale: 'To M.' });
  await decide('under-secretary', {
    kind: 'under-secretary-decision',
    outcome: 'approve-notification',
    rationale: 'Approved.',
  });
  await decide('notification-official', {
    kind: 'approve-letter',
    letter: LETTER,
    roster: { url, count: people },
    ...(approval.immediate ? { immediate: true } : {}),
  });
  const messageIdOfLine = (line: number) => (line < people ? messageIdFor(incidentId, line) : undefined);
  const finished = (timeoutMs = 240_000) =>
    waitUntil(
      async () => {
        const s: IncidentState = await handle.query(incidentStateQuery);
        return s.phase === 'remediation' ? s : undefined;
      },
      'the run to finish',
      timeoutMs,
      200,
    );
  return { handle, incidentId, messageIdOfLine, finished };
}
