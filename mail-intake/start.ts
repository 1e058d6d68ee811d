/**
 * The intake mail listener in the API's process (`npm run api`, and so `npm start`): on
 * BREACH_INTAKE_SMTP_PORT when the playbook names intake mailboxes, acknowledging through SMTP_URL.
 */
import type { Client } from '@temporalio/client';
import type { ApiConfig } from '../config/api.js';
import type { Playbook } from '../domain/playbook.js';
import { createMailTransport } from '../activities/mailer.js';
import { startIntakeListener, type IntakeListener } from './listener.js';

export async function startIntake(
  config: ApiConfig,
  playbook: Playbook,
  client: Client,
): Promise<IntakeListener | undefined> {
  if (!config.intake || !playbook.intake) {
    console.log(
      `[api] intake mail listener: off (${config.intake ? 'the playbook names no intake mailboxes' : 'BREACH_INTAKE_SMTP_PORT=off'})`,
    );
    return undefined;
  }
  const mailer = createMailTransport({
    smtpUrl: config.smtp.url,
    smtpUser: config.smtp.user,
    smtpPass: config.smtp.pass,
  });
  const listener = await startIntakeListener({
    client,
    taskQueue: config.taskQueue,
    playbook,
    mailer,
    ackFrom: config.smtp.from,
    port: config.intake.port,
    host: config.intake.host,
    publicUrl: config.publicUrl,
    log: (line) => console.log(`[api] ${line}`),
  });
  console.log(
    `[api] intake mail listener on smtp://${config.intake.host}:${listener.port} for ${playbook.intake.mailboxes.map((m) => m.address).join(', ')} (mail from ${playbook.intake.acceptedDomains.join(', ')}); counts at /metrics/intake`,
  );
  return {
    ...listener,
    close: async () => {
      await listener.close();
      mailer.close();
    },
  };
}
