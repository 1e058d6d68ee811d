/**
 * The Temporal dev server stopped and started again on its SQLite file (the `temporal server start-dev`
 * binary, as `npm start` runs it, dev/dev-server.ts), with the production worker as a child
 * process that stays up through the outage. Incidents continue: one waiting at a gate keeps its
 * decisions and takes the next; one whose reporting deadline passed while the server was down is
 * marked late when it comes back, and its report, refused until then, is delivered once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { incidentWorkflowId } from '../../domain/ids.js';
import { startDevServer as startDevServerProcess, type DevServerSettings, type RunningDevServer } from '../../dev/dev-server.js';
import { freePort } from '../../dev/ports.js';
import { registerSearchAttributes } from '../../client/search-attributes.js';
import { PROJECT_ROOT } from '../../config/index.js';
import { startHttpReceiver, startSmtpReceiver, type EndpointReceiver, type SmtpReceiver } from '../helpers/index.js';
import { decide, endpointsUnder, events, faultKeys, faultPlaybook, newIncidentId, report, stateOf, until, waitForState, workflowBundleFile, Workers, type Incidents } from './fixture.js';

const keys = faultKeys('faults-restart');
const taskQueue = `faults-restart-${Math.random().toString(36).slice(2, 8)}`;
let settings: DevServerSettings;
let server: RunningDevServer | undefined;
let connection: Connection;
let smtp: SmtpReceiver;
let receiver: EndpointReceiver;
let workers: Workers;
let world: Incidents;

/**
 * The dev server on its database file. A port found free a moment ago may be taken by another test's
 * server by the time this one binds it (the UI's, most often): then again, with new ports, except the
 * Temporal port of a restart, which must stay the same.
 */
async function startServer(restart: boolean): Promise<RunningDevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDevServerProcess(settings);
    } catch (err) {
      if (attempt >= 3) throw err;
      settings = { ...settings, uiPort: await freePort(), ...(restart ? {} : { port: await freePort() }) };
    }
  }
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faults-restart-'));
  settings = { host: '127.0.0.1', port: await freePort(), uiPort: await freePort(), dbFile: join(dir, 'temporal.db'), namespace: 'default', logFile: join(dir, 'temporal.log'), cwd: PROJECT_ROOT, env: process.env };
  const [started, mail, http, bundle] = await Promise.all([startServer(false), startSmtpReceiver(), startHttpReceiver(), workflowBundleFile()]);
  server = started;
  smtp = mail;
  receiver = http;
  connection = await Connection.connect({ address: server.address });
  await registerSearchAttributes(connection, 'default');
  world = { client: new Client({ connection, namespace: 'default', dataConverter: keys.dataConverter }), taskQueue };
  workers = new Workers(() => ({ TEMPORAL_ADDRESS: server!.address, BREACH_TASK_QUEUE: taskQueue, SMTP_URL: smtp.smtpUrl, BREACH_WORKFLOW_BUNDLE: bundle, ...keys.env }));
  await workers.start();
});

afterAll(async () => {
  await workers?.kill('SIGTERM');
  await connection?.close().catch(() => undefined);
  await server?.stop();
  await Promise.all([smtp?.close(), receiver?.close()]);
});

it('stopped and restarted on its SQLite file: incidents, decisions and timers continue', async () => {
  const playbook = faultPlaybook(receiver.url, { reportingDeadline: '6s' });

  // Incident G at the triage gate with the office assigned.
  const gated = newIncidentId('gate');
  await report(world, faultPlaybook(receiver.url), gated);
  await waitForState(world, gated, (s) => s.phase === 'triage', 'triage');
  await decide(world, gated, 'ips-director', { kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' });
  const before = await stateOf(world, gated);

  // Incident L: US-CERT refuses (503) until the server has come back; its deadline falls in the outage.
  const late = newIncidentId('late');
  let down = true;
  receiver.failWhile('/restart/usCert', () => down, 503);
  await report(world, endpointsUnder(playbook, '/restart'), late);
  const lateBefore = await waitForState(world, late, (s) => s.phase === 'reporting' && s.reportingDeadline !== '', 'the report taken');
  const deadline = Date.parse(lateBefore.reportingDeadline);

  const stoppedAt = Date.now();
  await server!.stop();
  // Down until the deadline has passed.
  await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now() + 500)));
  server = await startServer(true);
  const outageMs = Date.now() - stoppedAt;
  down = false;

  // The client and the worker reconnect by themselves; the gate's incident has what it had.
  const after = await until(() => stateOf(world, gated), 'the gated incident answering after the restart', 30_000, 200);
  expect(after.decisions).toEqual(before.decisions);
  expect(after.phase).toBe('triage');
  expect(after.responsibleOffice).toBe('Bureau of Consular Affairs');
  const next = await decide(world, gated, 'ips-director', { kind: 'convene-crg', convene: true, rationale: 'Passport numbers of the public.' });
  expect(next.phase).toBe('analysis');

  // The deadline passed in the outage: the timer fires once the server is back; then the report goes.
  const marked = await waitForState(world, late, (s) => s.reportedLate && s.reportedAt !== null, 'the late mark and the delivery', 40_000);
  expect(events(marked)).toContain('reported-late:deadline-passed');
  await smtp.waitFor((m) => m.subject.includes(late) && m.subject.includes('ESCALATION: one-hour report'), 20_000);
  const ok = receiver.calls('/restart/usCert').filter((c) => c.status === 200);
  expect(ok).toHaveLength(1);
  expect(ok[0]!.idempotencyKey).toBe(`${incidentWorkflowId(late)}:report-usCert`);
  console.log(
    `[faults] dev server stopped for ${(outageMs / 1000).toFixed(1)} s (SQLite ${settings.dbFile.split('/').at(-1)}): gated incident kept its ${after.decisions.length} decision(s) and moved on; ` +
      `the deadline that fell in the outage fired after it (late mark, escalation), report delivered once after ${receiver.calls('/restart/usCert').length - 1} refused attempts`,
  );
});
