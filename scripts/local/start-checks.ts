/**
 * What `npm start` (scripts/local/start.ts) checks before it starts anything: one `npm start` per data
 * folder (scripts/local/instance-lock.ts), and every port it is to listen on free, each named with the
 * variable that moves it.
 */
import { relative } from 'node:path';
import type { StartConfig } from '../../config/index.js';
import type { LockInfo } from './instance-lock.js';
import { isPortTaken } from './ports.js';
import { StartError } from './readiness.js';

/** What a second `npm start` on the same data folder says before it exits 1. */
export function alreadyRunning(holder: LockInfo, dataDir: string): string {
  const where = holder.urls
    ? Object.entries(holder.urls)
        .map(([k, v]) => `\n  ${k}: ${v}`)
        .join('')
    : '';
  return (
    `npm start is already running for ${relative(process.cwd(), dataDir) || dataDir} (pid ${holder.pid}, since ${holder.startedAt}).${where}\n` +
    `Use that one, or stop it with Ctrl-C in its terminal (or \`kill ${holder.pid}\`). To run a second one beside it, give it its own ` +
    'BREACH_DATA_DIR, TEMPORAL_ADDRESS, BREACH_API_PORT, BREACH_MAIL_SMTP_PORT, BREACH_MAIL_WEB_PORT and BREACH_RECEIVER_PORT.'
  );
}

/** Throws a StartError naming each port that is taken, what it is for and its variable. */
export async function refuseTakenPorts(
  config: StartConfig,
  { external, uiPort }: { external: boolean; uiPort: number },
): Promise<void> {
  const wanted: [number, string, string][] = [
    [config.apiPort, 'the HTTP API', 'BREACH_API_PORT'],
    [config.receiverPort, 'the endpoint receiver', 'BREACH_RECEIVER_PORT'],
  ];
  if (!config.oidcIssuer && config.idpPort !== 0)
    wanted.push([config.idpPort, 'the development IdP', 'BREACH_IDP_PORT']);
  if (!config.smtpUrl)
    wanted.push(
      [config.mailSmtpPort, 'the mail catcher (SMTP)', 'BREACH_MAIL_SMTP_PORT'],
      [config.mailWebPort, 'the mail catcher (web)', 'BREACH_MAIL_WEB_PORT'],
    );
  if (!external) wanted.push([uiPort, 'the Temporal UI', 'BREACH_TEMPORAL_UI_PORT']);
  if (config.intakePort) wanted.push([config.intakePort, 'the intake mail listener', 'BREACH_INTAKE_SMTP_PORT']);
  const taken = [];
  for (const [p, what, variable] of wanted)
    if (await isPortTaken(p)) taken.push(`  port ${p} (${what}, ${variable}) is already in use`);
  if (taken.length > 0) {
    throw new StartError(
      `${taken.join('\n')}\nAnother npm start (or another program) holds it. Stop it, or choose other ports with the variables named above.`,
    );
  }
}
