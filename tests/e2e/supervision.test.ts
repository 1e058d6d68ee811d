/**
 * `npm start` means it: "running" is printed once the worker polls (the first report after it reaches
 * the US-CERT stand-in at once, not seconds later), a worker or an API killed with SIGKILL comes back by
 * itself with the cause on the console, the incident goes on, and Ctrl-C still stops everything.
 */
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { waitUntil } from '../../scripts/local/ports.js';
import { DEFAULT_API_TOKENS } from '../../config/index.js';
import { sampleReport } from '../../scripts/local/sample-report.js';
import { startNpmStart, type NpmStart } from '../helpers/npm-start.js';

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

/** Posts a cyber report and resolves with the milliseconds until its US-CERT call reached the receiver. */
async function reportToUsCert(id: string): Promise<number> {
  const posted = Date.now();
  const response = await api(director, '/incidents', {
    method: 'POST',
    body: JSON.stringify(sampleReport({ incidentId: id, medium: 'cyber' })),
  });
  expect(response.status, await response.clone().text()).toBe(202);
  let reachedAt = 0;
  await waitUntil(
    async () => {
      const calls = (await (await fetch(`http://127.0.0.1:${system.ports.receiver}/_calls.json`)).json()) as {
        at: string;
        path: string;
        body?: { incidentId?: string };
      }[];
      const call = calls.find((c) => c.path.startsWith('/us-cert') && c.body?.incidentId === id);
      if (call) reachedAt = Date.parse(call.at);
      return call !== undefined;
    },
    `the US-CERT call of ${id} at the endpoint receiver`,
    30_000,
    25,
  );
  return reachedAt - posted;
}

test('468.3b(1): the first report after "running" reaches the US-CERT stand-in within a second, as fast as the next one', async () => {
  const first = await reportToUsCert(incidentId);
  const next = await reportToUsCert(`${incidentId}-2`);
  console.log(
    `POST to the US-CERT stand-in: the first report after "running" ${first} ms, the next one ${next} ms (load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs)`,
  );
  // A worker not yet polling when "running" is printed made the first report wait seconds while the
  // next ones took a fraction of one (4.3 s against 0.2 s before). Within a second on a quiet machine;
  // on a loaded one every call is slower, so the first is held to the pace of the next.
  expect(first).toBeLessThan(Math.max(1_000, 3 * next + 500));
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
async function decide(decision: Record<string, unknown>): Promise<{ phase: string }> {
  const response = await api(director, `/incidents/${incidentId}/decisions`, {
    method: 'POST',
    body: JSON.stringify(decision),
  });
  expect([200, 202], await response.clone().text()).toContain(response.status);
  if (response.status === 200) return (await response.json()) as { phase: string };
  const { decisionId } = (await response.json()) as { decisionId: string };
  let answer: { status: string } = { status: 'pending' };
  await waitUntil(
    async () => {
      answer = (await (
        await api(director, `/incidents/${incidentId}/decisions/${decisionId}`)
      ).json()) as typeof answer;
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

test('Ctrl-C stops everything, restarts pending or not', async () => {
  const code = await system.stop();
  expect(code).toBe(0);
  expect(system.output()).toContain('stopped.');
  for (const port of [system.ports.api, system.ports.temporal, system.ports.receiver]) {
    await expect(
      fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) }),
      `port ${port} still answers`,
    ).rejects.toThrow();
  }
});
