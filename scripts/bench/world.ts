/**
 * What the parts of `npm run bench` share: the options, the printed lines and results, the world of
 * servers they run against, and the production worker in a process of its own.
 */
import { waitUntil } from '../local/ports.js';
import { type BenchConfig } from '../../config/index.js';
import { notifyWorkflowId } from '../../workflows/notify-messages.js';
import { type BenchServer, type MailServer } from './setup.js';
import { type EndpointReceiver } from '../local/endpoint-receiver.js';
import { startWorkerProcess, type WorkerProcess } from '../local/worker-process.js';

type Part = 'start' | 'notify' | 'surge' | 'crash' | 'soak' | 'sandbox' | 'floor';

export interface Options {
  parts: Set<Part>;
  /** soak: the reminder interval of the gates, and how long the soak watches them fire. */
  reminderEvery: string;
  soakSeconds: number;
  recipients: number;
  million: boolean;
  incidents: number;
  connections: number;
  /** config/bench.ts */
  workerNodeArgs: string[];
  /** sandbox: where the workers write their CPU profiles (scripts/bench/profile.ts), when given. */
  cpuProfileDir: string | undefined;
}

export function parseArgs(argv: string[], config: BenchConfig): Options {
  const parts = new Set<Part>();
  const options: Options = {
    parts,
    recipients: 100_000,
    million: false,
    incidents: 0,
    connections: 5,
    reminderEvery: '',
    soakSeconds: 0,
    workerNodeArgs: config.workerNodeArgs,
    cpuProfileDir: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${arg}: expected a positive whole number`);
      return n;
    };
    if (
      arg === 'start' ||
      arg === 'notify' ||
      arg === 'surge' ||
      arg === 'crash' ||
      arg === 'soak' ||
      arg === 'sandbox' ||
      arg === 'floor'
    )
      parts.add(arg);
    else if (arg === 'all') ['start', 'notify', 'crash', 'surge'].forEach((p) => parts.add(p as 'notify'));
    else if (arg === '--recipients') options.recipients = value();
    else if (arg === '--incidents') options.incidents = value();
    else if (arg === '--connections') options.connections = value();
    else if (arg === '--million') options.million = true;
    else if (arg === '--reminder-every') options.reminderEvery = argv[++i] ?? '';
    else if (arg === '--soak') options.soakSeconds = value();
    else if (arg === '--cpu-prof') {
      const dir = argv[++i];
      if (!dir || dir.startsWith('--')) throw new Error('--cpu-prof: expected a directory for the profiles');
      options.cpuProfileDir = dir;
    } else
      throw new Error(
        `unknown argument ${arg}: expected start, notify, surge, crash, soak, sandbox, floor, all, --recipients N, --million, --incidents N, --connections N, --reminder-every 5m, --soak SECONDS, --cpu-prof DIR`,
      );
  }
  if (parts.size === 0) ['start', 'notify', 'crash', 'surge'].forEach((p) => parts.add(p as 'notify'));
  return options;
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
export const results: Record<string, unknown> = {};

export function line(label: string, value: string, target?: { ok: boolean; text: string }): void {
  console.log(`  ${label.padEnd(44)} ${value}${target ? `   [${verdict(target.ok)}: ${target.text}]` : ''}`);
}

export interface World {
  server: BenchServer;
  mail: MailServer;
  receiver: EndpointReceiver;
  options: Options;
}

/** `env`: more of the worker's environment (the floor workflow's bundle, BREACH_WORKFLOW_BUNDLE). */
export async function startWorker(
  world: World,
  taskQueue: string,
  env: Record<string, string> = {},
): Promise<WorkerProcess> {
  // A heap limit by default (config/bench.ts), as a worker's container or NODE_OPTIONS would set it.
  const worker = startWorkerProcess(
    { ...world.server.workerEnv(taskQueue, world.mail.smtpUrl, world.options.connections), ...env },
    { nodeArgs: world.options.workerNodeArgs },
  );
  await worker.ready;
  return worker;
}

/** The plain loop in a process of its own (scripts/bench/plain-loop.ts). */

export async function untilDone(server: BenchServer, incidentWorkflowId: string): Promise<void> {
  const run = server.client.workflow.getHandle(notifyWorkflowId(incidentWorkflowId));
  await waitUntil(async () => ((await run.describe()) ? true : undefined), 'the notification run to start', 60_000, 50);
  await run.result();
}
