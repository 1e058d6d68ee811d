/**
 * Two workers and two API instances (workers/main.ts and api/main.ts as child processes) on the
 * self-hosted cluster (tests/cluster/cluster.ts), one of each killed with SIGKILL during a surge of 100
 * reports posted through the two APIs as a load balancer would (a request the dead API refused goes to
 * the other). 468.3b(1): every report reaches US-CERT once per incident: under its incident's one
 * Idempotency-Key, asked for once by its workflow, POSTed again only when the attempt that sent it was
 * lost with the killed worker. Every decision taken during the surge, posted with its decisionId and
 * sent again when its API died, is applied once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK, PROJECT_ROOT } from '../../config/index.js';
import { freePort, waitUntil } from '../../scripts/local/ports.js';
import { sampleReport } from '../../scripts/local/sample-report.js';
import { startWorkerProcess, type WorkerProcess } from '../../scripts/local/worker-process.js';
import {
  startHttpReceiver,
  startSmtpReceiver,
  withoutReturnsWindow,
  type EndpointReceiver,
  type RecordedCall,
  type SmtpReceiver,
} from '../helpers/index.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import { activityAttempts, events, faultKeys, LINK_SECRET, stateOf, until, type Incidents } from '../faults/fixture.js';
import { realWorkflowBundleFile } from '../helpers/temporal.js';
import { startCluster, type Cluster } from './cluster.js';

const REPORTS = 100;
const TOKEN = 'demo-ips-director-token';
const keys = faultKeys('cluster-surge');
const taskQueue = `surge-${Math.random().toString(36).slice(2, 8)}`;
let cluster: Cluster;
let smtp: SmtpReceiver;
let receiver: EndpointReceiver;
let world: Incidents;
const workers: WorkerProcess[] = [];
const apis: { port: number; child: ChildProcess; lines: string[] }[] = [];

function startApi(port: number, playbookPath: string): { port: number; child: ChildProcess; lines: string[] } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'api', 'main.ts')], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: cluster.address,
      TEMPORAL_NAMESPACE: cluster.namespace,
      BREACH_TASK_QUEUE: taskQueue,
      BREACH_API_PORT: String(port),
      BREACH_PLAYBOOK: playbookPath,
      BREACH_LINK_SECRET: LINK_SECRET,
      // Two APIs on one machine: reports by email are not this test's, and one port cannot take both listeners.
      BREACH_INTAKE_SMTP_PORT: 'off',
      ...keys.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its last lines, for the message when it does not get ready.
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!])
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (lines.length > 30) lines.shift();
    });
  return { port, child, lines };
}

beforeAll(async () => {
  const [started, mail, http, bundle] = await Promise.all([
    startCluster('surge'),
    startSmtpReceiver(),
    startHttpReceiver(),
    realWorkflowBundleFile(),
  ]);
  cluster = started;
  smtp = mail;
  receiver = http;
  world = { client: await cluster.client(keys.dataConverter), taskQueue };
  // The shipped playbook, every endpoint at the receiver without a token (as tests/faults faultPlaybook).
  const raw = JSON.parse(readFileSync(DEFAULT_PLAYBOOK, 'utf8')) as { endpoints: Record<string, unknown> };
  raw.endpoints = Object.fromEntries(
    Object.keys(raw.endpoints).map((name) => [name, { url: `${receiver.url}/${name}`, timeout: '5s' }]),
  );
  const playbookPath = join(mkdtempSync(join(tmpdir(), 'surge-')), 'playbook.json');
  writeFileSync(playbookPath, JSON.stringify(withoutReturnsWindow(raw)));
  for (let i = 0; i < 2; i++)
    workers.push(
      startWorkerProcess({
        TEMPORAL_ADDRESS: cluster.address,
        TEMPORAL_NAMESPACE: cluster.namespace,
        BREACH_TASK_QUEUE: taskQueue,
        SMTP_URL: smtp.smtpUrl,
        BREACH_WORKFLOW_BUNDLE: bundle,
        BREACH_LINK_SECRET: LINK_SECRET,
        ...keys.env,
      }),
    );
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    apis.push(startApi(port, playbookPath));
  }
  await Promise.all(workers.map((w) => w.ready));
  for (const api of apis)
    await waitUntil(
      async () => (await fetch(`http://127.0.0.1:${api.port}/readyz`)).status === 200,
      `the API on ${api.port}`,
      240_000,
      250,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; its last lines:\n${api.lines.join('\n')}`);
    });
}, 600_000);

afterAll(async () => {
  for (const api of apis) api.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  await Promise.all([smtp?.close(), receiver?.close()]);
  await cluster?.close();
});

/** POSTs to API `first`, and to the other when that one does not answer or answers 5xx (a load balancer). */
async function post(first: number, path: string, body: unknown): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const api = apis[(first + attempt) % 2]!;
    try {
      const response = await fetch(`http://127.0.0.1:${api.port}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      if (response.status < 500) return response;
    } catch {
      // This instance is gone: the other one.
    }
    if (attempt > 20) throw new Error(`no API answered ${path}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

it('468.3b(1): 100 reports through two APIs and two workers, one of each SIGKILLed mid-surge: every report reaches US-CERT once, every decision is applied once', async () => {
  const ids = Array.from({ length: REPORTS }, (_, i) => `SURGE-${Date.now().toString(36)}-${i}`);
  let posted = 0;
  const one = async (id: string, i: number) => {
    const report = await post(i % 2, '/incidents', sampleReport({ incidentId: id, medium: 'cyber' }));
    expect(report.status, await report.clone().text()).toBe(202);
    posted += 1;
    if (posted === 30) apis[0]!.child.kill('SIGKILL');
    if (posted === 50) await workers[0]!.kill('SIGKILL');
    const decision = await post(i % 2, `/incidents/${id}/decisions`, {
      kind: 'assign-responsible-office',
      office: 'Bureau of Consular Affairs',
      decisionId: `surge-office-${i}`,
    });
    expect([200, 202], await decision.clone().text()).toContain(decision.status);
  };
  // Ten at a time, as a burst of people reporting at once.
  for (let i = 0; i < REPORTS; i += 10) await Promise.all(ids.slice(i, i + 10).map((id, j) => one(id, i + j)));

  for (const id of ids) {
    const state = await until(
      async () => {
        const s = await stateOf(world, id);
        return s.reportedAt !== null && s.responsibleOffice ? s : undefined;
      },
      `${id} reported and its office decided`,
      300_000,
      500,
    );
    expect(
      events(state).filter((e) => e === 'reported:usCert'),
      id,
    ).toHaveLength(1);
    expect(
      state.decisions.filter((d) => d.kind === 'assign-responsible-office'),
      id,
    ).toHaveLength(1);
  }
  // 468.3b(1) at US-CERT's side: each report arrives under the one Idempotency-Key of its incident
  // (`breach-<incidentId>:report-usCert`), so US-CERT records it once; the workflow asked for it once;
  // and a POST is repeated only when an attempt was lost with its worker and retried: an incident whose
  // report went out on the first attempt was POSTed exactly once.
  const delivered = receiver.calls('/usCert');
  const byIncident = new Map<string, RecordedCall[]>();
  for (const call of delivered) {
    const id = (call.body as { incidentId?: string }).incidentId ?? '';
    byIncident.set(id, [...(byIncident.get(id) ?? []), call]);
  }
  expect([...byIncident.keys()].sort()).toEqual([...ids].sort());
  let retried = 0;
  for (const id of ids) {
    const calls = byIncident.get(id)!;
    expect(new Set(calls.map((c) => c.idempotencyKey)), id).toEqual(
      new Set([`${incidentWorkflowId(id)}:report-usCert`]),
    );
    expect(
      calls.every((c) => c.status === 200),
      id,
    ).toBe(true);
    const reports = (
      await activityAttempts(world.client.workflow.getHandle(incidentWorkflowId(id)), keys.dataConverter)
    ).filter((a) => a.step === 'report-usCert');
    expect(reports, id).toHaveLength(1);
    if (reports[0]!.attempts > 1) retried += 1;
    expect(calls.length, `${id}: POSTs to US-CERT, attempts ${reports[0]!.attempts}`).toBeLessThanOrEqual(
      reports[0]!.attempts,
    );
  }
  console.log(
    `[cluster] surge of ${REPORTS}: ${delivered.length} US-CERT POSTs for ${byIncident.size} incidents under ${new Set(delivered.map((c) => c.idempotencyKey)).size} idempotency keys; ` +
      `${retried} reports retried after their attempt was lost; an API and a worker SIGKILLed mid-surge`,
  );
});
