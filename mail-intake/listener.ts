/**
 * The intake mail listener (docs/intake-mail.md): an SMTP server the agency's mail gateway forwards the
 * intake mailboxes to (5 FAM 468.3b: a workforce member who cannot reach the form reports by email to
 * the DS/CIRT or Privacy Division mailbox). Each message becomes an incident at once, before the
 * listener answers 250: a message it could not start answers 451, and the gateway tries again.
 *
 * Refused with a reason the sender sees in the gateway's bounce, and counted: mail from outside the
 * playbook's accepted domains (550 5.7.1), to an address that is no intake mailbox (550 5.1.1), and
 * what is not mail (550 5.6.0: no sender, nothing to read). The body and the attachments are PII: they
 * go only into the report, which the data converter encrypts like every payload; nothing of a message
 * is written to a log line (a line says what happened, never who, what or which incident).
 */
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { Readable } from 'node:stream';
import type { Transporter } from 'nodemailer';
import { simpleParser } from 'mailparser';
import type { Client } from '@temporalio/client';
import type { Playbook } from '../domain/playbook.js';
import { readMailReport } from '../domain/mail-report.js';
import { parseDuration } from '../domain/durations.js';
import { submitReport, TemporalUnavailableError } from '../client/incidents.js';
import { acknowledgement, keptAttachments } from './acknowledgement.js';
import { createIntakeMetrics, type IntakeMetrics, type IntakeOutcome } from './metrics.js';

/** The largest message taken (the SMTP SIZE extension); attachments over the playbook's limit are refused within it. */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export interface IntakeListenerOptions {
  client: Client;
  taskQueue: string;
  playbook: Playbook;
  /** Where acknowledgements go out (SMTP_URL), from `ackFrom`. */
  mailer: Transporter;
  ackFrom: string;
  port: number;
  host?: string;
  /** The base of the pages (BREACH_PUBLIC_URL): the acknowledgement links the form. */
  publicUrl: string;
  log?: (line: string) => void;
  metrics?: IntakeMetrics;
}

export interface IntakeListener {
  port: number;
  metrics: IntakeMetrics;
  close(): Promise<void>;
}

type SmtpError = Error & { responseCode: number };
const smtpError = (code: number, text: string): SmtpError => Object.assign(new Error(text), { responseCode: code });

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

export async function startIntakeListener(options: IntakeListenerOptions): Promise<IntakeListener> {
  const { playbook, log = () => undefined } = options;
  const intake = playbook.intake;
  if (!intake) throw new Error('the playbook names no intake mailboxes (intake.mailboxes)');
  const metrics = options.metrics ?? createIntakeMetrics();
  const accepted = new Set(intake.acceptedDomains.map((d) => d.toLowerCase()));
  const mailboxes = new Map(intake.mailboxes.map((m) => [m.address.toLowerCase(), m]));
  const acceptsDomain = (address: string) => {
    const domain = domainOf(address);
    return [...accepted].some((d) => domain === d || domain.endsWith(`.${d}`));
  };
  const refuse = (outcome: IntakeOutcome, error: SmtpError) => {
    metrics.count(outcome);
    log(`[intake] message refused (${outcome})`);
    return error;
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: MAX_MESSAGE_BYTES,
    closeTimeout: 500,
    onMailFrom(address, _session, callback) {
      if (!address.address || !acceptsDomain(address.address))
        return callback(
          refuse(
            'refused-domain',
            smtpError(
              550,
              `5.7.1 Mail from ${domainOf(address.address) || 'an empty sender'} is not accepted for breach reports: send it from your agency address, or use the Breach Incident form or the telephone`,
            ),
          ),
        );
      return callback();
    },
    onRcptTo(address, _session, callback) {
      if (mailboxes.has(address.address.toLowerCase())) return callback();
      return callback(
        refuse(
          'refused-mailbox',
          smtpError(
            550,
            `5.1.1 ${address.address} is not a breach intake mailbox (these are: ${[...mailboxes.keys()].join(', ')})`,
          ),
        ),
      );
    },
    onData(stream, session, callback) {
      take(stream, session)
        .then(() => callback())
        .catch((err: unknown) => callback(err as Error));
    },
  });

  async function take(stream: Readable, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if ((stream as Readable & { sizeExceeded?: boolean }).sizeExceeded)
      throw refuse(
        'refused-size',
        smtpError(
          552,
          `5.3.4 The message is over ${MAX_MESSAGE_BYTES / 1024 / 1024} MB: send the report without the files`,
        ),
      );
    const receivedAt = new Date();
    const raw = Buffer.concat(chunks);
    const parsed = await simpleParser(raw, { skipHtmlToText: false }).catch(() => undefined);
    const from = parsed?.from?.value[0];
    const text = parsed ? (parsed.text ?? '').trim() : '';
    if (!parsed || !from?.address || (!text && !parsed.subject?.trim()))
      throw refuse(
        'refused-not-mail',
        smtpError(
          550,
          '5.6.0 This is not a mail message the breach intake can read: it needs a From address and a subject or a text',
        ),
      );
    if (!acceptsDomain(from.address))
      throw refuse(
        'refused-domain',
        smtpError(
          550,
          `5.7.1 Mail from ${domainOf(from.address)} is not accepted for breach reports: send it from your agency address`,
        ),
      );
    const rcpt = session.envelope.rcptTo.map((r) => mailboxes.get(r.address.toLowerCase())).find(Boolean)!;
    const read = readMailReport({
      from: { address: from.address, name: from.name },
      subject: parsed.subject ?? '',
      text,
      receivedAt,
    });
    const files = keptAttachments(parsed.attachments, intake!.attachmentMaxBytes);
    const report = {
      ...read.report,
      intakeMailbox: rcpt.address,
      ...(files.kept.length ? { attachments: files.kept } : {}),
    };
    const person = playbook.people.find((p) => p.email.toLowerCase() === from.address!.toLowerCase());
    let incidentId: string;
    try {
      ({ incidentId } = await submitReport(
        { client: options.client, taskQueue: options.taskQueue, playbook },
        report,
        receivedAt,
        person?.id,
      ));
    } catch (err) {
      metrics.count('deferred');
      log(
        `[intake] message deferred: ${err instanceof TemporalUnavailableError ? 'Temporal unavailable' : 'the incident did not start'}`,
      );
      throw smtpError(
        451,
        '4.3.0 The breach intake cannot start the incident just now: the message will be tried again',
      );
    }
    metrics.count(read.missing.length ? 'accepted-incomplete' : 'accepted');
    log(
      `[intake] message accepted (${read.missing.length} fields missing, ${files.refused.length} attachments refused)`,
    );
    const ack = acknowledgement({
      incidentId,
      organization: playbook.organization,
      to: from.address,
      from: options.ackFrom,
      inReplyTo: parsed.messageId,
      report,
      missing: read.missing,
      unreadable: read.unreadable,
      refusedAttachments: files.refused,
      attachmentMaxBytes: intake!.attachmentMaxBytes,
      mailboxes: [...mailboxes.keys()],
      publicUrl: options.publicUrl,
      deadlineMs: parseDuration(playbook.timers.reportingDeadline),
    });
    // After the incident started; a failed acknowledgement does not undo the report (the gateway would send it again).
    options.mailer.sendMail(ack).then(
      () => metrics.count('acknowledged'),
      () => log('[intake] acknowledgement not sent (the mail server refused it or did not answer)'),
    );
  }

  const port = await new Promise<number>((resolve, reject) => {
    // The SMTP server repeats its socket's errors on itself: a port in use must reject here, not end the process.
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      const address = server.server.address();
      resolve(typeof address === 'object' && address ? address.port : options.port);
    });
  });
  // A client that vanishes mid-session is reported here; it must not end the process.
  server.on('error', () => undefined);
  return {
    port,
    metrics,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
