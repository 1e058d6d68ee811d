/**
 * A decision while no worker runs (docs/releases.md "Decisions while no worker runs"), on the Temporal
 * dev server with its SQLite file and the production worker as a child process. With a worker, a
 * decision answers 200 at once. With the worker stopped (SIGSTOP), the API, the approval link's page
 * and the CLI wait BREACH_DECISION_WAIT, record the decision as the durable `decision` signal and say
 * it is pending; the dev server is restarted while the decisions wait; when the worker runs again each
 * is applied once, or refused with the reasons the 403 would have given, and
 * `GET /incidents/{id}/decisions/{decisionId}` and `breach decision` say which.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApi } from '../../api/server.js';
import { createContext } from '../../cli/context.js';
import { runCli } from '../../cli/main.js';
import { DEFAULT_API_TOKENS, loadApiTokens } from '../../config/index.js';
import type { IncidentState } from '../../domain/state.js';
import { signLink } from '../../security/links.js';
import { DevServerWorld } from './dev-server-world.js';
import {
  faultKeys,
  faultPlaybook,
  LINK_SECRET,
  newIncidentId,
  report,
  stateOf,
  until,
  waitForState,
  type Incidents,
} from './fixture.js';

const WAIT_MS = 2_000;
const keys = faultKeys('faults-pending');
const TOKEN = { ipsDirector: 'demo-ips-director-token', notificationOfficial: 'demo-notification-official-token' };
let system: DevServerWorld;
let world: Incidents;
let app: FastifyInstance;
/** The API's request lines: a 5xx names its error there (never a body). */
const apiLog: string[] = [];

beforeAll(async () => {
  system = await DevServerWorld.start('faults-pending', keys);
  world = system.world;
  const playbook = faultPlaybook(system.receiver.url);
  const tokens = await loadApiTokens(DEFAULT_API_TOKENS, playbook);
  app = await buildApi({
    client: world.client,
    taskQueue: world.taskQueue,
    playbook,
    tokens,
    linkSecret: LINK_SECRET,
    publicUrl: 'http://breach.test',
    decisionWaitMs: WAIT_MS,
    log: (line) => apiLog.push(line),
  });
}, 180_000);

afterAll(async () => {
  const errors = apiLog.filter((line) => line.startsWith('error') || / 5\d\d /.test(line));
  if (errors.length) console.log(`[decisions] API errors:\n${errors.join('\n')}`);
  await app?.close();
  await system?.close('SIGKILL');
});

const post = (incidentId: string, token: string, body: object) =>
  app.inject({
    method: 'POST',
    url: `/incidents/${incidentId}/decisions`,
    headers: { authorization: `Bearer ${token}` },
    payload: body,
  });
const status = (incidentId: string, decisionId: string) =>
  app.inject({
    method: 'GET',
    url: `/incidents/${incidentId}/decisions/${decisionId}`,
    headers: { authorization: `Bearer ${TOKEN.ipsDirector}` },
  });

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const env = { BREACH_DECISION_WAIT: `${WAIT_MS / 1000}s`, BREACH_TASK_QUEUE: world.taskQueue };
  const code = await runCli(
    args,
    createContext({ out: (t) => out.push(t), err: (t) => err.push(t), env, client: world.client }),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - started) };
}

it(
  'no worker: the API, the link page and the CLI record the decision as pending; through a server restart it is applied once, or refused with the reasons, when the worker runs',
  { timeout: 300_000 },
  async () => {
    const playbook = faultPlaybook(system.receiver.url);

    // With a worker: 200 and the new state, as before.
    const live = newIncidentId('live');
    await report(world, playbook, live);
    await waitForState(world, live, (s) => s.phase === 'triage', 'triage');
    const assigned = await timed(() =>
      post(live, TOKEN.ipsDirector, { kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' }),
    );
    expect(assigned.value.statusCode).toBe(200);
    const convened = await timed(() =>
      post(live, TOKEN.ipsDirector, {
        kind: 'convene-crg',
        convene: true,
        rationale: 'Passport numbers of the public.',
      }),
    );
    expect(convened.value.statusCode).toBe(200);
    expect(convened.value.json().phase).toBe('analysis');

    // The incident whose decisions wait: at triage, then the worker stops.
    const waiting = newIncidentId('pending');
    await report(world, playbook, waiting);
    await waitForState(world, waiting, (s) => s.phase === 'triage', 'triage');
    process.kill(system.workers.current!.pid, 'SIGSTOP');

    // The API: 202 pending after about the configured wait.
    const viaApi = await timed(() =>
      post(waiting, TOKEN.ipsDirector, { kind: 'assign-responsible-office', office: 'Bureau of Diplomatic Security' }),
    );
    expect(viaApi.value.statusCode).toBe(202);
    const pendingA = viaApi.value.json() as { decisionId: string; status: string };
    expect(pendingA.status).toBe('pending');
    expect(pendingA.decisionId).toMatch(/^dec-[0-9a-f-]{36}-[0-9a-f]{16}$/);
    expect(viaApi.value.headers.location).toBe(`/incidents/${waiting}/decisions/${pendingA.decisionId}`);
    const beforeRestart = await status(waiting, pendingA.decisionId);
    expect(beforeRestart.statusCode).toBe(200);
    expect(beforeRestart.json()).toEqual({ decisionId: pendingA.decisionId, status: 'pending' });
    expect((await status(waiting, 'dec-never-sent')).statusCode).toBe(404);

    // The dev server restarts while the decision waits: it is in the history on the SQLite file.
    await system.stopServer();
    await system.startServerAgain();
    const afterRestart = await until(
      async () => {
        const answer = await status(waiting, pendingA.decisionId);
        return answer.statusCode === 200 ? answer : undefined;
      },
      'the status after the restart',
      60_000,
      200,
    );
    expect(afterRestart.json()).toEqual({ decisionId: pendingA.decisionId, status: 'pending' });

    // The approval link's page, still without a worker: received, not yet applied, in words.
    const link = signLink(LINK_SECRET, {
      incidentId: waiting,
      kind: 'convene-crg',
      personId: 'ips-director',
      expiresAt: Date.now() + 3_600_000,
    });
    const page = await app.inject({
      method: 'POST',
      url: `/links/${link}`,
      payload: 'convene=yes&rationale=Passport+numbers',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(page.statusCode).toBe(202);
    expect(page.body).toContain('Decision received, not yet applied');
    const linkLinkId = /reference ([^)]+)\)/.exec(page.body)?.[1];
    expect(linkLinkId).toBeDefined();

    // The CLI, by a person without the role: pending now, refused later.
    const viaCli = await cli(
      'decide',
      waiting,
      'convene-crg',
      '--as',
      'notification-official',
      '--convene',
      'true',
      '--rationale',
      'Not my gate.',
    );
    expect(viaCli.code).toBe(0);
    expect(viaCli.out).toContain('pending: no worker accepted the convene-crg decision within 2 s');
    const refusedId = /as decision (dec-[0-9a-f-]+)/.exec(viaCli.out)?.[1];
    expect(refusedId).toBeDefined();
    expect((await cli('decision', waiting, refusedId!)).out).toContain('pending');

    // The worker runs again.
    const resumedAt = performance.now();
    process.kill(system.workers.current!.pid, 'SIGCONT');
    const applied = await until(
      async () => {
        const answer = (await status(waiting, pendingA.decisionId)).json() as { status: string };
        return answer.status === 'applied' ? answer : undefined;
      },
      'decision A applied',
      90_000,
      100,
    );
    const appliedAfterMs = Math.round(performance.now() - resumedAt);
    expect(applied.status).toBe('applied');
    // The status says only what became of the decision (469.2c(1)); the state is read at GET /incidents/{id}.
    expect(
      (
        (
          await app.inject({
            method: 'GET',
            url: `/incidents/${waiting}`,
            headers: { authorization: `Bearer ${TOKEN.ipsDirector}` },
          })
        ).json() as IncidentState
      ).responsibleOffice,
    ).toBe('Bureau of Diplomatic Security');

    const state = await waitForState(
      world,
      waiting,
      (s) => s.phase === 'analysis',
      'the link decision applied',
      60_000,
    );
    // Each applied once, whichever of the update and the signal came second.
    expect(state.decisions.map((d) => d.kind)).toEqual(['assign-responsible-office', 'convene-crg']);
    expect(state.decisions[1]!.decisionId).toBe(linkLinkId);
    const linkStatus = (await status(waiting, linkLinkId!)).json();
    expect(linkStatus.status).toBe('applied');

    const refused = await until(
      async () => {
        const answer = (await status(waiting, refusedId!)).json();
        return answer.status === 'refused' ? answer : undefined;
      },
      'the CLI decision refused',
      30_000,
      100,
    );
    expect(refused).toMatchObject({ decisionId: refusedId, status: 'refused', httpStatus: 403 });
    expect(refused.reasons.join(' ')).toContain('notification-official');
    const refusedEntry =
      state.timeline.find((t) => t.decisionId === refusedId) ??
      (await stateOf(world, waiting)).timeline.find((t) => t.decisionId === refusedId);
    expect(refusedEntry?.event).toBe('decision-refused:convene-crg');
    const cliRefused = await cli('decision', waiting, refusedId!);
    expect(cliRefused.code).toBe(1);
    expect(cliRefused.err).toContain('refused');

    const repeats = (await stateOf(world, waiting)).timeline.filter((t) =>
      t.event.startsWith('decision-repeated'),
    ).length;
    console.log(
      `[decisions] with a worker: assign ${assigned.ms} ms, convene ${convened.ms} ms (200); without: 202 pending after ${viaApi.ms} ms (wait ${WAIT_MS} ms); ` +
        `dev server restarted while 1 decision waited; after the worker returned: applied in ${appliedAfterMs} ms, ` +
        `each applied once (${repeats} repeat(s) logged), the refused one answered 403 with its reasons`,
    );
  },
);
