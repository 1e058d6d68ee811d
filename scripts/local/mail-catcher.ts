/**
 * The local mail catcher: a real SMTP server (smtp-server) that keeps every message, in memory for the
 * tests or also as an .eml file under a folder for `npm start`, and a small web page listing them
 * (subject, to, date, a link to each .eml) with a JSON listing beside it:
 *   GET /                    the page
 *   GET /messages.json       [{ id, receivedAt, from, to, subject, date, ... }] newest first
 *   GET /messages/<id>.eml   the message as received
 *   GET /messages/<id>.json  the parsed message (text and html bodies)
 *   DELETE /messages         forget them (files are kept)
 * It accepts any AUTH and no STARTTLS, so a client configured with SMTP_USER/SMTP_PASS works against it.
 * A recipient on the reserved `.invalid` top-level domain (RFC 2606: a domain that cannot exist) is
 * refused at RCPT TO with 550, as a real server refuses an address it cannot deliver to: that is how a
 * roster's out-of-date address looks locally (468.6-2a, activities/notify.ts).
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { parseMail, type ParsedMail } from './mime.js';
import { arrivals } from './arrivals.js';

export interface CaughtMail extends ParsedMail {
  id: string;
  receivedAt: string;
  /** The SMTP envelope: who the message was actually delivered to (Bcc included). */
  envelope: { from: string; to: string[] };
  /** The message as received; absent for messages loaded back from disk (read the file instead). */
  raw?: string;
  file?: string;
}

export interface MailCatcherOptions {
  host?: string;
  /** 0: any free port. */
  smtpPort?: number;
  /** null: no web page; 0: any free port. */
  webPort?: number | null;
  /** Also keep each message as <dir>/<id>.eml, and list the ones already there at start. */
  dir?: string;
  /** How many messages to keep in memory (the oldest are forgotten; their files stay). */
  maxMessages?: number;
}

export interface MailCatcher {
  smtpPort: number;
  smtpUrl: string;
  webPort: number | undefined;
  webUrl: string | undefined;
  /** Oldest first. */
  messages(): CaughtMail[];
  /** Resolves with the first message (already caught or arriving) that matches. */
  waitFor(predicate: (mail: CaughtMail) => boolean, timeoutMs?: number): Promise<CaughtMail>;
  clear(): void;
  close(): Promise<void>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function streamToString(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

function listen(
  server: {
    listen: (port: number, host: string, cb: () => void) => unknown;
    once: (e: 'error', cb: (err: Error) => void) => unknown;
  },
  port: number,
  host: string,
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolvePromise());
  });
}

function page(messages: CaughtMail[]): string {
  const rows = messages
    .slice(-500)
    .reverse()
    .map(
      (m) =>
        `<tr><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.to.join(', ') || m.envelope.to.join(', '))}</td>` +
        `<td>${escapeHtml(m.subject || '(no subject)')}</td><td><a href="/messages/${m.id}.eml">.eml</a> · <a href="/messages/${m.id}.json">parsed</a></td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Mail catcher</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}</style>
</head><body><h1>Mail catcher</h1><p>${messages.length} message(s); newest first. <a href="/messages.json">JSON</a></p>
<table><thead><tr><th>received</th><th>to</th><th>subject</th><th></th></tr></thead><tbody>
${rows}
</tbody></table></body></html>`;
}

const summary = ({ raw: _raw, text: _text, html: _html, headers: _headers, ...rest }: CaughtMail) => rest;

export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const maxMessages = options.maxMessages ?? 10_000;
  const messages: CaughtMail[] = [];
  const waits = arrivals(() => messages);
  let sequence = 0;

  const remember = (mail: CaughtMail) => {
    messages.push(mail);
    if (messages.length > maxMessages) messages.splice(0, messages.length - maxMessages);
    waits.arrived(mail);
  };

  if (options.dir) {
    await mkdir(options.dir, { recursive: true });
    const files = (await readdir(options.dir)).filter((f) => f.endsWith('.eml')).sort();
    for (const file of files.slice(-maxMessages)) {
      const raw = await readFile(join(options.dir, file), 'utf8');
      const id = file.slice(0, -'.eml'.length);
      const parsed = await parseMail(raw);
      messages.push({
        ...parsed,
        id,
        receivedAt: parsed.date ? new Date(parsed.date).toISOString() : '',
        envelope: { from: parsed.from, to: parsed.to },
        file: join(options.dir, file),
      });
    }
    sequence = files.length;
  }

  const smtp = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 50 * 1024 * 1024,
    // Pooled clients keep connections open; do not make Ctrl-C wait for them.
    closeTimeout: 500,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'catcher' });
    },
    onRcptTo(address, _session, callback) {
      if (!/\.invalid$/i.test(address.address)) return callback();
      const refused = Object.assign(new Error(`5.1.2 ${address.address}: the domain does not exist`), {
        responseCode: 550,
      });
      return callback(refused);
    },
    onData(stream, session, callback) {
      streamToString(stream)
        .then(async (raw) => {
          const receivedAt = new Date();
          sequence += 1;
          // Sortable by name, so the listing read back from disk keeps the order of arrival.
          const id = `${receivedAt.toISOString().replace(/[-:.]/g, '')}-${String(sequence).padStart(6, '0')}`;
          const mail: CaughtMail = {
            ...(await parseMail(raw)),
            id,
            receivedAt: receivedAt.toISOString(),
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            },
          };
          if (options.dir) {
            mail.file = join(options.dir, `${id}.eml`);
            await writeFile(mail.file, raw);
          } else {
            mail.raw = raw;
          }
          remember(mail);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await listen(smtp.server, options.smtpPort ?? 2525, host);
  // A client that vanishes mid-session (a worker killed, a pooled connection reset) is reported here;
  // without a listener that error would end the process hosting the catcher (npm start, a test).
  smtp.on('error', () => undefined);
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  let web: Server | undefined;
  if (options.webPort !== null) {
    web = createServer((req, res) => {
      serve(req, res).catch((err: Error) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(err.message);
      });
    });
    await listen(web, options.webPort ?? 8025, host);
  }
  const webPort = web ? (web.address() as AddressInfo).port : undefined;

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://catcher').pathname;
    if (req.method === 'DELETE' && path === '/messages') {
      messages.length = 0;
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD, DELETE' }).end();
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(messages));
      return;
    }
    if (path === '/messages.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(messages.map(summary).reverse()));
      return;
    }
    const match = /^\/messages\/([A-Za-z0-9-]+)\.(eml|json)$/.exec(path);
    const mail = match ? messages.find((m) => m.id === match[1]) : undefined;
    if (!match || !mail) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (match[2] === 'json') {
      const { raw: _raw, ...parsed } = mail;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(parsed));
      return;
    }
    const raw = mail.raw ?? (mail.file ? await readFile(mail.file, 'utf8') : '');
    res
      .writeHead(200, { 'content-type': 'message/rfc822', 'content-disposition': `inline; filename="${mail.id}.eml"` })
      .end(raw);
  }

  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    smtpPort,
    smtpUrl: `smtp://${urlHost}:${smtpPort}`,
    webPort,
    webUrl: webPort === undefined ? undefined : `http://${urlHost}:${webPort}`,
    messages: () => [...messages],
    waitFor(predicate, timeoutMs = 10_000) {
      return waits.waitFor(
        predicate,
        timeoutMs,
        () =>
          `no matching mail within ${timeoutMs} ms (${messages.length} caught: ${messages.map((m) => `"${m.subject}" to ${m.to.join(', ')}`).join('; ') || 'none'})`,
      );
    },
    clear: () => {
      messages.length = 0;
    },
    async close() {
      await Promise.all([
        new Promise<void>((r) => smtp.close(() => r())),
        web
          ? new Promise<void>((r) => {
              web.closeAllConnections();
              web.close(() => r());
            })
          : Promise.resolve(),
      ]);
    },
  };
}
