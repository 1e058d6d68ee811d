/** Placeholder: the lifecycle activities are being written (issue 3). The factory's signature is final. */
import type { Transporter } from 'nodemailer';

export interface ActivityDeps {
  /** A nodemailer transport (pooled SMTP in production, the local mail catcher in development and tests). */
  mailer: Transporter;
  /** The From address of every message. */
  mailFrom: string;
  /** The base of links in mail (BREACH_PUBLIC_URL). */
  publicUrl: string;
  /** Where endpoint tokens are read from, by the variable name the playbook gives (`tokenEnv`). */
  env: Record<string, string | undefined>;
  /** Signs one-click approval links (HMAC); absent: mails carry no links. */
  signLink?: (claims: { incidentId: string; kind: string; personId: string; expiresAt: number }) => string;
}

export function createActivities(deps: ActivityDeps) {
  return {
    async ping(): Promise<string> {
      return deps.mailFrom ? 'pong' : 'pong';
    },
  };
}

export type BreachActivities = ReturnType<typeof createActivities>;
