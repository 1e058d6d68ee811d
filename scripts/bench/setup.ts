/**
 * What the bench's parts share: a Temporal dev server (the CLI's, in memory, search attributes
 * registered), one encryption key for the client and the worker process, the mail server process,
 * rosters, the playbook, and an incident driven through its gates up to the letter.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { incidentWorkflowId } from '../../domain/ids.js';
import { parsePlaybook, type Playbook } from '../../domain/playbook.js';
import type { Report } from '../../domain/report.js';
import { SEARCH_ATTRIBUTES } from '../../domain/search-attributes.js';
import type { IncidentState } from '../../domain/state.js';
import { createKeyring, generateKey } from '../../security/codec.js';
import { DEFAULT_PLAYBOOK, PROJECT_ROOT } from '../../config/index.js';
import { createDataConverter, type BreachDataConverter } from '../../security/data-converter.js';
import type { breachIncidentWorkflow } from '../../workflows/incident.js';
import { decideUpdate, incidentStateQuery, reportIntakeSignal } from '../../workflows/messages.js';
import { locateBinary, withDownloadFallback } from '../install/temporal-binaries.js';
import { PRIORITY_MATCHING } from '../local/dev-server.js';
import { waitUntil } from '../local/ports.js';
import { sampleReport } from '../local/sample-report.js';

export const BENCH_ORGANIZATION = 'the Department of State';
export const BENCH_MAIL_FROM = 'Breach Response <breach-response@privacy.example.gov>';
export const BENCH_LETTER = {
  whatHappened: 'A laptop holding your record was stolen; the theft was discovered the same day.',
  piiInvolved: 'Your full name, passport number and date of birth.',
  actionsTaken: 'We reported the theft to law enforcement, disabled the account and are reviewing our safeguards.',
  contact: { tollFreePhone: '1-800-555-0100', email: 'privacy@state.example', website: 'https://state.example/breach' },
  protectiveSteps:
    'Place a fraud alert with a credit bureau, review your credit reports, and consider a credit freeze.',
  protectionAtTime: 'The laptop was password protected but its disk was not encrypted.',
};
const FACTORS_HIGH = {
  dataNature: 'high',
  misuseLikelihood: 'high',
  logicalAccess: 'high',
  physicalAccess: 'moderate',
  deliberateTargeting: 'moderate',
  priorMisuse: 'low',
} as const;

export interface BenchServer {
  env: TestWorkflowEnvironment;
  client: Client;
  dataConverter: BreachDataConverter;
  /** The environment a worker process needs to reach this server and read its payloads. */
  workerEnv(taskQueue: string, smtpUrl: string, connections: number): Record<string, string>;
}

export async function startBenchServer(): Promise<BenchServer> {
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  const key = generateKey();
  const dataConverter = createDataConverter(createKeyring('bench', { bench: key }));
  const env = await withDownloadFallback('temporal', locateBinary('temporal'), (executable) =>
    TestWorkflowEnvironment.createLocal({
      client: { dataConverter },
      server: {
        executable,
        ip: '127.0.0.1',
        ui: false,
        searchAttributes: SEARCH_ATTRIBUTES,
        log: { format: 'pretty', level: 'error' },
        extraArgs: PRIORITY_MATCHING,
      },
    }),
  );
  const linkSecret = randomBytes(32).toString('hex');
  return {
    env,
    client: env.client,
    dataConverter,
    workerEnv: (taskQueue, smtpUrl, connections) => ({
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: 'default',
      BREACH_TASK_QUEUE: taskQueue,
      SMTP_URL: smtpUrl,
      SMTP_MAX_CONNECTIONS: String(connections),
      BREACH_MAIL_FROM: BENCH_MAIL_FROM,
      BREACH_ENCRYPTION_KEY: key.toString('base64'),
      BREACH_ENCRYPTION_KEY_ID: 'bench',
      BREACH_LINK_SECRET: linkSecret,
    }),
  };
}

/** The shipped playbook with the endpoints at the receiver and the bench's notification settings. */
export function benchPlaybook(receiverUrl: string, notification: Partial<Playbook['notification']> = {}): Playbook {
  const raw = JSON.parse(readFileSync(DEFAULT_PLAYBOOK, 'utf8')) as Record<string, unknown> & {
    endpoints: Record<string, { url: string; tokenEnv?: string }>;
    notification?: object;
  };
  for (const [name, endpoint] of Object.entries(raw.endpoints)) {
    endpoint.url = `${receiverUrl}/${name}`;
    delete endpoint.tokenEnv;
  }
  // Case numbers of its own: the numbering workflow (workflows/case-numbering.ts) runs on the task queue of
  // whichever API first asked it, so a part that shared a prefix with an earlier part whose worker is gone
  // would wait out every number (client/case-numbers.ts) instead of being started as the API starts it.
  const caseNumberPrefix = Array.from(randomBytes(6), (b) => String.fromCharCode(65 + (b % 26))).join('');
  const playbook = parsePlaybook({ ...raw, organization: BENCH_ORGANIZATION, caseNumberPrefix });
  playbook.notification = { ...playbook.notification, ...notification };
  return playbook;
}

/** A roster of `count` people, each with an email only (so every one is an email through SMTP). */
export async function writeBenchRoster(count: number): Promise<{ file: string; url: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-roster-')), 'roster.ndjson');
  const out = createWriteStream(file);
  const chunk = 10_000;
  for (let start = 0; start < count; start += chunk) {
    let text = '';
    for (let i = start; i < Math.min(count, start + chunk); i++)
      text += `{"name":"Person ${i}","email":"p${i}@bench.example"}\n`;
    if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { file, url: pathToFileURL(file).href };
}

export function aReport(incidentId: string): Report {
  return sampleReport({ incidentId });
}

/**
 * A first report as a reporter files it: no incident id (the API makes one). A report that names an id
 * supplements that incident, and the API first asks Temporal whether the reporter may (client/need-to-know.ts).
 */
export function aFirstReport(): Report {
  return sampleReport();
}

export type IncidentHandle = WorkflowHandle<typeof breachIncidentWorkflow>;

export function phaseIs(
  handle: IncidentHandle,
  phase: IncidentState['phase'],
): () => Promise<IncidentState | undefined> {
  return async () => {
    const state = await handle.query(incidentStateQuery);
    return state.phase === phase ? state : undefined;
  };
}

/** An incident reported and decided up to `notification-prep`; `approve` sends the letter with the roster. */
export async function incidentAtLetter(client: Client, taskQueue: string, playbook: Playbook, incidentId: string) {
  const handle = (await client.workflow.signalWithStart<typeof breachIncidentWorkflow, [Report]>(
    'breachIncidentWorkflow',
    {
      workflowId: incidentWorkflowId(incidentId),
      taskQueue,
      args: [{ incidentId, playbook, receivedAt: new Date().toISOString() }],
      signal: reportIntakeSignal,
      signalArgs: [aReport(incidentId)],
    },
  )) as unknown as IncidentHandle;
  const decide = (actorId: string, decision: Record<string, unknown>) =>
    handle.executeUpdate(decideUpdate, { args: [{ ...decision, actorId } as never] });
  await waitUntil(phaseIs(handle, 'triage'), 'triage', 60_000);
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
  return {
    handle,
    approve: (roster: { url: string; count: number }) =>
      decide('notification-official', { kind: 'approve-letter', letter: BENCH_LETTER, roster }),
  };
}

export interface MailServer {
  pid: number;
  smtpUrl: string;
  stats(): Promise<{
    received: number;
    distinct: number;
    repeats: number;
    firstAt: number | null;
    lastAt: number | null;
    all: number;
  }>;
  has(messageIds: string[]): Promise<number>;
  reset(): Promise<void>;
  close(): void;
}

/** The counting SMTP receiver in its own process (scripts/bench/smtp-process.ts). */
export async function startMailServer(): Promise<MailServer> {
  const child: ChildProcess = fork(join(PROJECT_ROOT, 'scripts', 'bench', 'smtp-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 1;
  const pending = new Map<number, (answer: unknown) => void>();
  const first = new Promise<{ smtpUrl: string }>((resolve) => pending.set(0, resolve as (a: unknown) => void));
  child.on('message', (message: { id: number; answer: unknown }) => {
    pending.get(message.id)?.(message.answer);
    pending.delete(message.id);
  });
  const ask = <T>(request: Record<string, unknown>) =>
    new Promise<T>((resolve) => {
      const id = next++;
      pending.set(id, resolve as (a: unknown) => void);
      child.send({ ...request, id });
    });
  const { smtpUrl } = await first;
  return {
    pid: child.pid!,
    smtpUrl,
    stats: () => ask({ op: 'stats' }),
    has: (messageIds) => ask({ op: 'has', messageIds }),
    reset: () => ask({ op: 'reset' }),
    close: () => child.disconnect(),
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Samples a process's memory until stopped: the baseline at the start, the peak, the last. */
export function memorySampler(rssMb: () => number, everyMs = 250) {
  const baseline = rssMb();
  let peak = baseline;
  let last = baseline;
  const timer = setInterval(() => {
    last = rssMb();
    peak = Math.max(peak, last);
  }, everyMs);
  return {
    baseline,
    stop() {
      clearInterval(timer);
      last = rssMb();
      peak = Math.max(peak, last);
      return { baseline, peak, last, growth: peak - baseline };
    },
  };
}

/** CPU seconds (user + system) a process has used so far (Linux /proc), 0 when it cannot be read. */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The first process under `root` (children, grandchildren...) whose command line includes `text`. */
export function descendantPid(root: number, text: string): number | undefined {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.split(') ')[1]!.split(' ')[1]));
    } catch {
      // Gone since the listing.
    }
  }
  const under = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === root) return true;
    return false;
  };
  for (const pid of parents.keys()) {
    if (!under(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(text)) return pid;
    } catch {
      // Gone.
    }
  }
  return undefined;
}
