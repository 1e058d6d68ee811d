/**
 * The mail transport the activities send through: pooled SMTP, from SMTP_URL (`smtp://host:port`,
 * `smtps://host:port`, credentials in the URL or in SMTP_USER / SMTP_PASS). Pooled because a
 * notification run sends many messages and one TLS handshake per message would dominate it.
 */
import nodemailer, { type Transporter } from 'nodemailer';

export interface MailTransportConfig {
  smtpUrl: string;
  smtpUser?: string | undefined;
  smtpPass?: string | undefined;
  /** Connections kept open at once (default 5). */
  maxConnections?: number;
}

export function createMailTransport(config: MailTransportConfig): Transporter {
  let url: URL;
  try {
    url = new URL(config.smtpUrl);
  } catch {
    throw new Error('SMTP_URL: expected smtp://host:port or smtps://host:port');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new Error(`SMTP_URL: expected smtp:// or smtps://, got ${url.protocol}//`);
  const secure = url.protocol === 'smtps:';
  const user = config.smtpUser ?? (url.username ? decodeURIComponent(url.username) : undefined);
  const pass = config.smtpPass ?? (url.password ? decodeURIComponent(url.password) : undefined);
  return nodemailer.createTransport({
    pool: true,
    maxConnections: config.maxConnections ?? 5,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: user ? { user, pass: pass ?? '' } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
}

/** A transport's connection count: a pool's `maxConnections` (nodemailer's default 5), else 1. */
export function transportConcurrency(mailer: Transporter): number {
  const options = (mailer as unknown as { options?: { pool?: boolean; maxConnections?: number } }).options;
  return options?.pool ? Math.max(1, options.maxConnections ?? 5) : 1;
}
