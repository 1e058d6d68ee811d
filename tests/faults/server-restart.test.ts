/**
 * The Temporal dev server stopped and started again on its SQLite file (the `temporal server start-dev`
 * binary, as `npm start` runs it, scripts/local/dev-server.ts), with the production worker as a child
 * process that stays up through the outage. Incidents continue: one waiting at a gate keeps its
 * decisions and takes the next; one whose reporting deadline passed while the server was down is
 * marked late when it comes back, and its report, refused until then, is delivered once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { incidentWorkflowId } from '../../domain/ids.js';
import { DevServerWorld } from './dev-server-world.js';
import {
  decide,
  endpointsUnder,
  events,
  faultKeys,
  faultPlaybook,
  newIncidentId,
  report,
  stateOf,
  until,
  waitForState,
  type Incidents,
} from './fixture.js';

const keys = faultKeys('faults-restart');
let system: DevServerWorld;
let world: Incidents;

beforeAll(async () => {
  system = await DevServerWorld.start('faults-restart', keys);
  world = system.world;
});

afterAll(async () => {
  await system?.close('SIGTERM');
});

it('stopped and restarted on its SQLite file: incidents, decisions and timers continue', async () => {
  const { receiver, smtp } = system;
  const playbook = faultPlaybook(receiver.url, { reportingDeadline: '6s' });

  // Incident G at the triage gate with the office assigned.
  const gated = newIncidentId('gate');
  await report(world, faultPlaybook(receiver.url), gated);
  await waitForState(world, gated, (s) => s.phase === 'triage', 'triage');
  await decide(world, gated, 'ips-director', {
    kind: 'assign-responsible-office',
    office: 'Bureau of Consular Affairs',
  });
  const before = await stateOf(world, gated);

  // Incident L: US-CERT refuses (503) until the server has come back; its deadline falls in the outage.
  const late = newIncidentId('late');
  let down = true;
  receiver.failWhile('/restart/usCert', () => down, 503);
  await report(world, endpointsUnder(playbook, '/restart'), late);
  const lateBefore = await waitForState(
    world,
    late,
    (s) => s.phase === 'reporting' && s.reportingDeadline !== '',
    'the report taken',
  );
  const deadline = Date.parse(lateBefore.reportingDeadline);

  const stoppedAt = Date.now();
  await system.stopServer();
  // Down until the deadline has passed.
  await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now() + 500)));
  await system.startServerAgain();
  const outageMs = Date.now() - stoppedAt;
  down = false;

  // The client and the worker reconnect by themselves; the gate's incident has what it had.
  const after = await until(() => stateOf(world, gated), 'the gated incident answering after the restart', 30_000, 200);
  expect(after.decisions).toEqual(before.decisions);
  expect(after.phase).toBe('triage');
  expect(after.responsibleOffice).toBe('Bureau of Consular Affairs');
  const next = await decide(world, gated, 'ips-director', {
    kind: 'convene-crg',
    convene: true,
    rationale: 'Passport numbers of the public.',
  });
  expect(next.phase).toBe('analysis');

  // The deadline passed in the outage: the timer fires once the server is back; then the report goes.
  const marked = await waitForState(
    world,
    late,
    (s) => s.reportedLate && s.reportedAt !== null,
    'the late mark and the delivery',
    40_000,
  );
  expect(events(marked)).toContain('reported-late:deadline-passed');
  await smtp.waitFor((m) => m.subject.includes(late) && m.subject.includes('ESCALATION: one-hour report'), 20_000);
  const ok = receiver.calls('/restart/usCert').filter((c) => c.status === 200);
  expect(ok).toHaveLength(1);
  expect(ok[0]!.idempotencyKey).toBe(`${incidentWorkflowId(late)}:report-usCert`);
  console.log(
    `[faults] dev server stopped for ${(outageMs / 1000).toFixed(1)} s (SQLite ${system.dbFileName}): gated incident kept its ${after.decisions.length} decision(s) and moved on; ` +
      `the deadline that fell in the outage fired after it (late mark, escalation), report delivered once after ${receiver.calls('/restart/usCert').length - 1} refused attempts`,
  );
});
