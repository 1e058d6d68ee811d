/**
 * Compose once, send many: a notification run sends one letter to many people, and nodemailer's
 * composer (a tree of MIME nodes and streams per message) cost about as much CPU as everything else
 * of the sending. This writes each person's email as the finished message nodemailer would have
 * written, byte for byte (tests/activities/compose.test.ts holds them equal), from the parts that are
 * the same for every person and the few that are not (the To header, the Message-ID, the Date, the
 * name in the body). The raw message goes out over the worker's own SMTP connections
 * (activities/raw-sender.ts), or through nodemailer's `sendMail` where the transport is not a plain pool.
 *
 * The encoding of each part is decided and done with nodemailer's own functions (7bit or
 * quoted-printable, the same line lengths); a part that nodemailer would send in base64 (mostly
 * non-Latin text) is left to nodemailer. The boundary is derived from the Message-ID rather than
 * random, so a message repeated after a crash is the same bytes apart from its Date.
 */
import { createHash } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import MimeNode from 'nodemailer/lib/mime-node';
import { buildHeaderValue, foldLines, hasLongerLines, isPlainText } from 'nodemailer/lib/mime-funcs';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp';

/** One person's copy: the parts that differ from person to person. */
export interface AlternativeMail {
  to: { name: string; address: string };
  messageId: string;
  text: string;
  html: string;
}

/** What nodemailer's `sendMail` takes for a message composed here. */
export interface RawMail {
  raw: Buffer;
  envelope: { from: string; to: string[] };
  messageId: string;
}

export interface MimeComposerOptions {
  /** The Date header's clock (nodemailer takes the time of composing). */
  now?: () => Date;
}

/** nodemailer's boundary prefix and the part number of a message's root. */
const BOUNDARY_PREFIX = '--_NmP';
const ROOT_PART = 1;
const LINE = 76;

type Encoding = '7bit' | 'quoted-printable';
interface TextEncodingNode {
  _getTextEncoding(value: string): 'Q' | 'B';
}

/**
 * Whether a transport sends a raw message as nodemailer would have composed it: not when a plugin
 * changes messages before they are composed (the exercise worker's EXERCISE marking,
 * workers/exercise-worker.ts); such a transport gets the message's fields as before.
 */
export function composesRaw(mailer: Transporter): boolean {
  const plugins = (mailer as unknown as { _userPlugins?: { compile?: unknown[] } })._userPlugins;
  return (plugins?.compile?.length ?? 0) === 0;
}

/**
 * A composer for messages from `from` with `subject` and a plain-text and an HTML alternative: the
 * message nodemailer composes for `{ from, to, subject, text, html, messageId }`, or undefined for one it
 * would encode otherwise (base64), to be sent through nodemailer as usual.
 */
export function createMimeComposer(
  from: string,
  subject: string,
  options: MimeComposerOptions = {},
): (mail: AlternativeMail) => RawMail | undefined {
  const now = options.now ?? (() => new Date());
  // One node for nodemailer's header encoders, and the envelope's sender; nothing of a message stays in it.
  const node = new MimeNode();
  node.setHeader('From', from);
  const encoder = node as unknown as TextEncodingNode;
  const envelopeFrom = node.getEnvelope().from || '';
  const head = `${foldLines(`From: ${node.encodeHeaderValue('From', from)}`, LINE)}\r\n`;
  const subjectLine = `${foldLines(`Subject: ${node.encodeHeaderValue('Subject', subject)}`, LINE)}\r\n`;
  let dateSecond = -1;
  let dateLine = '';

  const encodingOf = (content: string): Encoding | undefined => {
    if (isPlainText(content) && !hasLongerLines(content, LINE)) return '7bit';
    return encoder._getTextEncoding(content) === 'Q' ? 'quoted-printable' : undefined;
  };
  const part = (boundary: string, type: string, encoding: Encoding, content: string) =>
    `--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n${
      encoding === '7bit' ? content : qpWrap(qpEncode(content), LINE)
    }`;

  return (mail) => {
    const textEncoding = encodingOf(mail.text);
    const htmlEncoding = encodingOf(mail.html);
    if (!textEncoding || !htmlEncoding) return undefined;
    node.setHeader('To', mail.to);
    const envelope = node.getEnvelope();
    const base = createHash('sha256').update(mail.messageId).digest('hex').slice(0, 16);
    const boundary = `${BOUNDARY_PREFIX}-${base}-Part_${ROOT_PART}`;
    const date = now();
    const second = Math.floor(date.getTime() / 1_000);
    if (second !== dateSecond) {
      dateSecond = second;
      dateLine = `${foldLines(`Date: ${node.encodeHeaderValue('Date', date)}`, LINE)}\r\n`;
    }
    const raw =
      head +
      `${foldLines(`To: ${node.encodeHeaderValue('To', mail.to)}`, LINE)}\r\n` +
      subjectLine +
      `${foldLines(`Message-ID: ${node.encodeHeaderValue('Message-ID', mail.messageId)}`, LINE)}\r\n` +
      dateLine +
      'MIME-Version: 1.0\r\n' +
      `${foldLines(`Content-Type: ${buildHeaderValue({ value: 'multipart/alternative', params: { boundary } })}`, LINE)}\r\n` +
      '\r\n' +
      `${part(boundary, 'text/plain', textEncoding, mail.text)}\r\n` +
      `${part(boundary, 'text/html', htmlEncoding, mail.html)}\r\n` +
      `--${boundary}--\r\n`;
    return {
      raw: Buffer.from(raw, 'utf-8'),
      envelope: { from: envelopeFrom, to: envelope.to },
      messageId: mail.messageId,
    };
  };
}
