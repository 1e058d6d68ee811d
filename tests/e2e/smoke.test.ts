/**
 * The whole system as `npm start` runs it, on free ports and a temporary data folder: dev server, worker,
 * API, mail catcher, endpoint receiver. A report posted to the API reaches the workflow, its first email
 * arrives at the mail catcher; a second `npm start` beside it refuses to start; a restart keeps the incident.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { freePort, waitUntil } from '../../scripts/local/ports.js';
import { DEFAULT_API_TOKENS, DEFAULT_PLAYBOOK, PROJECT_ROOT } from '../../config/index.js';
import { withEndpointsAt, withoutReturnsWindow } from '../helpers/index.js';
import { npmStartEnv, type SystemPorts } from '../helpers/system-env.js';
import { sampleReport } from '../../scripts/local/sample-report.js';
import { signVendorBody } from '../../api/vendor-routes.js';

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

let dataDir: string;
let env: NodeJS.ProcessEnv;
let ports: SystemPorts;
let token: string;
let system: Started | undefined;

function startSystem(): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/local/start.ts'], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function untilReady(started: Started): Promise<number> {
  const t0 = Date.now();
  await Promise.race([
    waitUntil(
      async () => started.output().includes('Breach response is running'),
      'npm start to say it is ready',
      180_000,
      200,
    ),
    started.exited.then((code) => {
      throw new Error(`npm start exited (${code}) before it was ready:\n${started.output()}`);
    }),
  ]);
  return Date.now() - t0;
}

async function stop(started: Started): Promise<number | null> {
  started.child.kill('SIGINT');
  return started.exited;
}

const api = (path: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${ports.api}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'breach-e2e-'));
  ports = {
    temporal: await freePort(),
    ui: await freePort(),
    api: await freePort(),
    smtp: await freePort(),
    mailWeb: await freePort(),
    receiver: await freePort(),
  };
  // The shipped playbook, with its endpoints pointed at this run's receiver instead of port 4010.
  const playbook = JSON.parse(await readFile(DEFAULT_PLAYBOOK, 'utf8')) as {
    endpoints: Record<string, { url: string }>;
  };
  const playbookPath = join(dataDir, 'playbook.json');
  await writeFile(
    playbookPath,
    JSON.stringify(withEndpointsAt(withoutReturnsWindow(playbook), `http://127.0.0.1:${ports.receiver}`)),
  );
  token = Object.keys(JSON.parse(await readFile(DEFAULT_API_TOKENS, 'utf8')) as Record<string, string>)[0]!;
  env = npmStartEnv(ports, dataDir, playbookPath);
  system = startSystem();
  const ms = await untilReady(system);
  console.log(`npm start was ready in ${(ms / 1000).toFixed(1)} s`);
}, 240_000);

afterAll(async () => {
  if (system && system.child.exitCode === null) await stop(system);
  await rm(dataDir, { recursive: true, force: true });
});

test('GET /healthz answers 200', async () => {
  const response = await api('/healthz');
  expect(response.status).toBe(200);
});

test('the Temporal UI, the mail page and the receiver page answer', async () => {
  for (const url of [
    `http://127.0.0.1:${ports.ui}/`,
    `http://127.0.0.1:${ports.mailWeb}/`,
    `http://127.0.0.1:${ports.receiver}/`,
  ]) {
    expect((await fetch(url)).status, url).toBe(200);
  }
});

const incidentId = `E2E-${Date.now().toString(36)}`;
const supervisorEmail = `supervisor-${incidentId.toLowerCase()}@state.example`;

test("468.3b: a report posted to the API reaches the workflow, and the supervisor's email arrives at the mail catcher", async () => {
  const report = sampleReport({
    incidentId,
    supervisor: { name: 'Sam Supervisor', email: supervisorEmail },
    piiTypes: ['ssn-or-passport-number'],
    affectedCount: 12,
  });
  const posted = await api('/incidents', { method: 'POST', body: JSON.stringify(report) });
  expect(posted.status, await posted.clone().text()).toBe(202);
  expect(await posted.json()).toEqual({
    incidentId,
    workflowId: `breach-${incidentId}`,
    caseNumber: expect.stringMatching(/^PII-\d{4}-\d{4}$/),
  });

  let state: { incidentId?: string; phase?: string } = {};
  await waitUntil(
    async () => {
      const response = await api(`/incidents/${incidentId}`);
      if (response.status !== 200) return false;
      state = (await response.json()) as typeof state;
      return true;
    },
    `GET /incidents/${incidentId} to answer 200`,
    20_000,
    250,
  );
  expect(state.incidentId).toBe(incidentId);
  expect(state.phase).toEqual(expect.any(String));

  // 5 FAM 468.3b: the report goes to the supervisor at once.
  await waitUntil(
    async () => {
      const listing = (await (await fetch(`http://127.0.0.1:${ports.mailWeb}/messages.json`)).json()) as {
        to: string[];
        envelope: { to: string[] };
      }[];
      return listing.some((m) => [...m.to, ...m.envelope.to].includes(supervisorEmail));
    },
    `an email to ${supervisorEmail} at the mail catcher`,
    30_000,
    250,
  );
});

test('468.3b(1): the cyber report reaches the stand-in US-CERT endpoint, with a token and an idempotency key', async () => {
  // 468.3b(1): cyber incidents go to US-CERT; npm start gives the local endpoints demo tokens.
  await waitUntil(
    async () => {
      const calls = (await (await fetch(`http://127.0.0.1:${ports.receiver}/_calls.json`)).json()) as {
        path: string;
        body?: { incidentId?: string };
        idempotencyKey?: string;
        hasAuthorization: boolean;
      }[];
      return calls.some(
        (c) =>
          c.path.startsWith('/us-cert') &&
          c.body?.incidentId === incidentId &&
          c.hasAuthorization &&
          Boolean(c.idempotencyKey),
      );
    },
    'a call to /us-cert at the endpoint receiver',
    30_000,
    250,
  );
});

test("468.6-2a: the mail vendor's callback is live under npm start, with the token and signing secret it made in the data folder", async () => {
  const made = JSON.parse(await readFile(join(dataDir, 'vendor-callback.json'), 'utf8')) as {
    BREACH_VENDOR_TOKEN: string;
    BREACH_VENDOR_SIGNING_SECRET: string;
  };
  const body = JSON.stringify({ incidentId, returns: [{ reference: 'L0-000000000000', reason: 'moved' }] });
  const signed = (secret: string) =>
    fetch(`http://127.0.0.1:${ports.api}/vendor/returns`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${made.BREACH_VENDOR_TOKEN}`,
        'content-type': 'application/json',
        'x-breach-signature': signVendorBody(secret, body, Math.floor(Date.now() / 1000)),
      },
      body,
    });
  // Signed as the vendor would: authenticated, then refused for the reference this incident never issued.
  const answer = await signed(made.BREACH_VENDOR_SIGNING_SECRET);
  expect(answer.status, await answer.clone().text()).toBe(400);
  expect(JSON.stringify(await answer.json())).toContain('returns.0.reference');
  expect((await signed('not-the-secret-0123456789abcdef0123456789')).status).toBe(401);
});

test('a second npm start beside the running one says so and exits non-zero', async () => {
  const second = startSystem();
  const code = await second.exited;
  expect(code).not.toBe(0);
  expect(second.output()).toContain('npm start is already running');
});

test('Ctrl-C stops everything cleanly, and a restarted npm start still has the incident', async () => {
  const first = system!;
  expect(await stop(first)).toBe(0);
  expect(first.output()).toContain('stopped.');
  for (const port of [ports.api, ports.temporal, ports.mailWeb, ports.receiver]) {
    await expect(
      fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) }),
      `port ${port} still answers`,
    ).rejects.toThrow();
  }

  system = startSystem();
  const ms = await untilReady(system);
  console.log(`restarted npm start was ready in ${(ms / 1000).toFixed(1)} s`);
  const response = await api(`/incidents/${incidentId}`);
  expect(response.status).toBe(200);
  expect(((await response.json()) as { incidentId: string }).incidentId).toBe(incidentId);
  const mailPage = await (await fetch(`http://127.0.0.1:${ports.mailWeb}/`)).text();
  expect(mailPage).toContain(supervisorEmail);
}, 300_000);
