/**
 * An SMTP receiver for the tests: the mail catcher of `npm start` (scripts/local/mail-catcher.ts) on a
 * free port, in memory, without its web page. Messages are parsed by scripts/local/mime.ts (mailparser).
 */
import type { Transporter } from 'nodemailer';
import { createMailTransport } from '../../activities/mailer.js';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '../../scripts/local/mail-catcher.js';

export type { CaughtMail };

export interface SmtpReceiver extends MailCatcher {
  /** A pooled transport to this receiver, built like the worker's; closed with the receiver. */
  mailer(): Transporter;
}

export async function startSmtpReceiver(options: { dir?: string; web?: boolean } = {}): Promise<SmtpReceiver> {
  const catcher = await startMailCatcher({ smtpPort: 0, webPort: options.web ? 0 : null, dir: options.dir });
  const transports: Transporter[] = [];
  return {
    ...catcher,
    mailer() {
      const transport = createMailTransport({ smtpUrl: catcher.smtpUrl });
      transports.push(transport);
      return transport;
    },
    async close() {
      for (const transport of transports) transport.close();
      await catcher.close();
    },
  };
}
