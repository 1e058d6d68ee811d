/**
 * `npm start` means it: "running" is printed once the worker polls (the first report after it reaches
 * the US-CERT stand-in; how fast is `npm run bench -- start`'s figure), a worker or an API killed with SIGKILL comes
 * back by itself with the cause on the console, the incident goes on, and Ctrl-C still stops everything. So does
 * the Temporal dev server, the worker and the API reconnecting to it; a second `npm start` finds the data.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { waitUntil } from '../../scripts/local/ports.js';
import { DEFAULT_API_TOKENS } from '../../config/index.js';
import { TASK_QUEUE_DEFAULT } from '../../domain/workflow-ids.js';
import { reportToUsCert, startNpmStart, type NpmStart } from '../helpers/npm-start.js';

let system: NpmStart;
let director: string;
const incidentId = `SUP-${Date.now().toString(36)}`;

const api = (token: string, path: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${system.ports.api}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });

/** The pid in the last line of `[name]` that matches. */
function pidOf(pattern: RegExp): number {
  const matches = [...system.output().matchAll(pattern)];
  const pid = Number(matches.at(-1)?.[1]);
  if (!pid) throw new Error(`no pid matching ${pattern} in:\n${system.output()}`);
  return pid;
}

beforeAll(async () => {
  const tokens = JSON.parse(await readFile(DEFAULT_API_TOKENS, 'utf8')) as Record<string, string>;
  director = Object.entries(tokens).find(([, person]) => person === 'ips-director')![0];
  system = await startNpmStart();
  console.log(`npm start was ready in ${((await system.ready(240_000)) / 1000).toFixed(1)} s`);
  // A start takes seconds on a quiet machine and minutes on one shared with other test runs.
}, 300_000);

afterAll(async () => {
  await system?.stop();
  // What a person saw of the restarts, for the record of the run.
  console.log(
    system
      ?.output()
      .split('\n')
      .filter((l) => l.startsWith('[start]') || l.startsWith('  starting it again'))
      .join('\n'),
  );
});

test('468.3b(1): at "running" the worker already polls; the first report after it reaches the US-CERT stand-in, and so does the next one', async () => {
  // "Running" waits for the server to list the worker's pollers (workers/polling.ts): they are there before
  // any report. A worker not yet polling at "running" once held the first report seconds; how fast it goes
  // is a figure of `npm start`, which `npm run bench -- start` prints beside its yardstick.
  const connection = await Connection.connect({ address: `127.0.0.1:${system.ports.temporal}` });
  try {
    for (const taskQueueType of [1, 2]) {
      // temporal.api.enums.v1.TaskQueueType: 1 workflow, 2 activity.
      const described = await connection.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: TASK_QUEUE_DEFAULT },
        taskQueueType,
      });
      expect(described.pollers?.length ?? 0, `pollers of task queue type ${taskQueueType}`).toBeGreaterThan(0);
    }
  } finally {
    await connection.close();
  }
  // Then each report reaches the stand-in, on a generous deadline.
  const first = await reportToUsCert(system, director, incidentId);
  const next = await reportToUsCert(system, director, `${incidentId}-2`);
  console.log(
    `POST to the US-CERT stand-in: the first report after "running" ${first} ms, the next one ${next} ms (load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs)`,
  );
});

test('a worker killed with SIGKILL is started again by npm start, which says why, and the incident goes on', async () => {
  const pid = pidOf(/\[worker\] polling task queue .*?pid (\d+)/g);
  process.kill(pid, 'SIGKILL');
  await waitUntil(
    async () => system.output().includes(`the worker (pid ${pid}) died: signal SIGKILL`),
    'npm start to say the worker died',
    20_000,
    100,
  );
  await waitUntil(
    async () => pidOf(/\[worker\] polling task queue .*?pid (\d+)/g) !== pid,
    'a new worker polling',
    90_000,
    200,
  );
  expect(system.output()).toMatch(/the worker is back \(pid \d+/);
  expect(system.child.exitCode).toBeNull();

  // 467.4-2a: the IPS Director's two triage decisions, answered by the new worker.
  await decide({ kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' });
  const state = await decide({ kind: 'convene-crg', convene: true, rationale: 'Passport numbers of the public.' });
  expect(state.phase).toBe('analysis');
});

/**
 * A decision taken while the new worker is still picking up the incident (the server first offers its
 * task to the dead worker's sticky queue) is answered 202 pending and applied when the worker answers:
 * the person follows it to "applied", as the link page and the CLI do.
 */
function decide(decision: Record<string, unknown>): Promise<{ phase: string }> {
  return decideOn(incidentId, decision);
}

async function decideOn(
  id: string,
  decision: Record<string, unknown>,
): Promise<{ phase: string; responsibleOffice?: string }> {
  const response = await api(director, `/incidents/${id}/decisions`, {
    method: 'POST',
    body: JSON.stringify(decision),
  });
  expect([200, 202], await response.clone().text()).toContain(response.status);
  if (response.status === 200) return (await response.json()) as { phase: string; responsibleOffice?: string };
  const { decisionId } = (await response.json()) as { decisionId: string };
  let answer: { status: string } = { status: 'pending' };
  await waitUntil(
    async () => {
      answer = (await (await api(director, `/incidents/${id}/decisions/${decisionId}`)).json()) as typeof answer;
      return answer.status !== 'pending';
    },
    `decision ${decisionId} to be applied`,
    60_000,
    250,
  );
  expect(answer.status).toBe('applied');
  // The status says only what became of the decision (469.2c(1)); the state is read at GET /incidents/{id}.
  return (await (await api(director, `/incidents/${incidentId}`)).json()) as { phase: string };
}

test('an API killed with SIGKILL is started again and answers /healthz', async () => {
  const pid = pidOf(/\[api\] listening on \S+ \(pid (\d+)/g);
  process.kill(pid, 'SIGKILL');
  await waitUntil(
    async () => system.output().includes(`the API (pid ${pid}) died: signal SIGKILL`),
    'npm start to say the API died',
    20_000,
    100,
  );
  await waitUntil(
    async () => (await api(director, '/healthz').catch(() => undefined))?.status === 200,
    'the API to answer again',
    90_000,
    200,
  );
  expect(pidOf(/\[api\] listening on \S+ \(pid (\d+)/g)).not.toBe(pid);
  const state = await api(director, `/incidents/${incidentId}`);
  expect(((await state.json()) as { phase: string }).phase).toBe('analysis');
});

/** The pids of this run's processes whose command line includes `text` (Linux /proc). */
function pidsWith(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

test('the Temporal dev server killed with SIGKILL is started again by npm start, which says why; the worker and the API reconnect without a restart, and incidents go on', async () => {
  const dbFile = join(system.dataDir, 'temporal.db');
  const [server] = pidsWith(dbFile);
  expect(server, `a dev server on ${dbFile}`).toBeDefined();
  const worker = pidOf(/\[worker\] polling task queue .*?pid (\d+)/g);
  const apiPid = pidOf(/\[api\] listening on \S+ \(pid (\d+)/g);
  process.kill(server!, 'SIGKILL');
  await waitUntil(
    async () => system.output().includes(`the Temporal dev server (pid ${server}) died: signal SIGKILL`),
    'npm start to say the dev server died',
    20_000,
    100,
  );
  await waitUntil(
    async () => /the Temporal dev server is back \(pid \d+/.test(system.output()),
    'the dev server back',
    90_000,
    200,
  );
  expect(system.child.exitCode).toBeNull();

  // The incident kept what it had; a new one goes to US-CERT and takes a decision.
  const kept = await waitUntil(
    async () => (await api(director, `/incidents/${incidentId}`).catch(() => undefined))?.status === 200,
    'the API to answer for the incident again',
    60_000,
    250,
  ).then(async () => (await (await api(director, `/incidents/${incidentId}`)).json()) as { phase: string });
  expect(kept.phase).toBe('analysis');
  const after = `${incidentId}-3`;
  await reportToUsCert(system, director, after);
  const state = await decideOn(after, { kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' });
  expect(state.responsibleOffice).toBe('Bureau of Consular Affairs');

  // The same worker and API processes throughout: they reconnected to the new server by themselves.
  expect(pidOf(/\[worker\] polling task queue .*?pid (\d+)/g)).toBe(worker);
  expect(pidOf(/\[api\] listening on \S+ \(pid (\d+)/g)).toBe(apiPid);
  expect(system.output()).not.toContain(`the worker (pid ${worker}) died`);
  expect(system.output()).not.toContain(`the API (pid ${apiPid}) died`);
});

test('Ctrl-C stops everything, restarts pending or not', async () => {
  const code = await system.stop({ keepData: true });
  expect(code).toBe(0);
  expect(system.output()).toContain('stopped.');
  for (const port of [system.ports.api, system.ports.temporal, system.ports.receiver]) {
    await expect(
      fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) }),
      `port ${port} still answers`,
    ).rejects.toThrow();
  }
});

test('a second npm start on the same data folder finds every incident intact, after the dev server was killed under the first', async () => {
  system = await startNpmStart({ dataDir: system.dataDir, ports: system.ports });
  await system.ready(240_000);
  const states: Record<string, { phase: string; decisions: unknown[]; responsibleOffice?: string }> = {};
  for (const id of [incidentId, `${incidentId}-2`, `${incidentId}-3`]) {
    const response = await api(director, `/incidents/${id}`);
    expect(response.status, id).toBe(200);
    states[id] = (await response.json()) as (typeof states)[string];
  }
  expect(states[incidentId]!.phase).toBe('analysis');
  expect(states[incidentId]!.decisions).toHaveLength(2);
  expect(states[`${incidentId}-3`]!.responsibleOffice).toBe('Bureau of Consular Affairs');
});
