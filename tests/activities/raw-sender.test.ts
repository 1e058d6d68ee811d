/**
 * The worker's own SMTP connections for finished messages (activities/raw-sender.ts), against a real
 * smtp-server: the bytes arrive as composed, a refused recipient is that message's error and the
 * connection goes on, never more connections than the transport's, credentials as the transport's,
 * a server that is down or closes its idle connections neither hangs a message nor loses one, and
 * transports that are not a plain SMTP pool keep `sendMail`.
 */
import type { AddressInfo } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createMimeComposer, type RawMail } from '../../activities/compose.js';
import { createMailTransport } from '../../activities/mailer.js';
import { rawSenderFor } from '../../activities/raw-sender.js';

interface Receiver {
  url: string;
  port: number;
  /** Each message as the server got it (the DATA, dot-unstuffed), by Message-ID. */
  messages: Map<string, Buffer>;
  /** Connections open now and the most open at once. */
  open(): number;
  peak(): number;
  /** Close every client connection from the server's side, as its idle time-out would. */
  dropClients(): void;
  close(): Promise<void>;
}

const receivers: Receiver[] = [];
const transports: Transporter[] = [];
afterEach(async () => {
  for (const t of transports.splice(0)) t.close();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function startReceiver(options: Partial<SMTPServerOptions> = {}): Promise<Receiver> {
  const messages = new Map<string, Buffer>();
  const sockets = new Set<import('node:net').Socket>();
  let peak = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const id = /^message-id: *(<[^>]+>)/im.exec(raw.toString('utf-8'))?.[1] ?? '';
        messages.set(id, raw);
        callback();
      });
    },
    ...options,
  });
  server.server.on('connection', (socket: import('node:net').Socket) => {
    sockets.add(socket);
    peak = Math.max(peak, sockets.size);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const receiver: Receiver = {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    open: () => sockets.size,
    peak: () => peak,
    dropClients: () => {
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  receivers.push(receiver);
  return receiver;
}

function transport(smtpUrl: string, maxConnections = 3, extra: { smtpUser?: string; smtpPass?: string } = {}) {
  const t = createMailTransport({ smtpUrl, maxConnections, ...extra });
  transports.push(t);
  return t;
}

const compose = createMimeComposer('Breach Response <breach@privacy.example.gov>', 'Notice of a breach');
function mail(n: number, address = `person${n}@example.org`): RawMail {
  return compose({
    to: { name: n % 2 ? `Zoë Ñandú ${n}` : `Robin ${n}`, address },
    messageId: `<${n}.raw-sender@notify.breach-response>`,
    text: `Dear person ${n},\r\nA laptop was stolen.\r\n.\r\n..a line with dots\r\n`,
    html: `<p>Dear person ${n},</p>`,
  })!;
}

const send = (sender: NonNullable<ReturnType<typeof rawSenderFor>>, m: RawMail) =>
  new Promise<Error | null>((resolve) => sender.send(m, resolve));

describe('the raw sender', () => {
  it("delivers each finished message byte for byte, dot lines included, over at most the transport's connections", async () => {
    const receiver = await startReceiver();
    const sender = rawSenderFor(transport(receiver.url, 3))!;
    expect(sender.connections).toBe(3);
    const mails = Array.from({ length: 60 }, (_, n) => mail(n));
    const results = await Promise.all(mails.map((m) => send(sender, m)));
    expect(results.every((r) => r === null)).toBe(true);
    expect(receiver.messages.size).toBe(60);
    for (const m of mails) expect(receiver.messages.get(m.messageId)?.equals(m.raw)).toBe(true);
    expect(receiver.peak()).toBeLessThanOrEqual(3);
  });

  it("468.6-2a: a refused recipient is that message's error (5xx); the connection goes on with the next", async () => {
    const receiver = await startReceiver({
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('gone')) {
          const err = Object.assign(new Error('no such mailbox'), { responseCode: 550 });
          return callback(err);
        }
        callback();
      },
    });
    const sender = rawSenderFor(transport(receiver.url, 1))!;
    const refused = await send(sender, mail(1, 'gone@example.org'));
    expect(refused).toMatchObject({ responseCode: 550, code: 'EENVELOPE' });
    expect(await send(sender, mail(2))).toBeNull();
    expect(await send(sender, mail(3))).toBeNull();
    expect([...receiver.messages.keys()].sort()).toEqual([mail(2).messageId, mail(3).messageId].sort());
    // One connection did all three: the refusal did not cost a reconnect.
    expect(receiver.peak()).toBe(1);
  });

  it("logs in with the transport's credentials, and a refused login is each waiting message's error", async () => {
    const receiver = await startReceiver({
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        if (auth.username === 'notifier' && auth.password === 's3cret') return callback(null, { user: 'notifier' });
        callback(new Error('bad credentials'));
      },
    });
    const good = rawSenderFor(transport(receiver.url, 2, { smtpUser: 'notifier', smtpPass: 's3cret' }))!;
    expect(await send(good, mail(1))).toBeNull();
    const bad = rawSenderFor(transport(receiver.url, 2, { smtpUser: 'notifier', smtpPass: 'wrong' }))!;
    const errors = await Promise.all([send(bad, mail(2)), send(bad, mail(3))]);
    for (const err of errors) expect(err).toBeInstanceOf(Error);
    expect([...receiver.messages.keys()]).toEqual([mail(1).messageId]);
  });

  it("a server that is down fails each message with the connection's error, without hanging", async () => {
    const receiver = await startReceiver();
    const url = receiver.url;
    await receiver.close();
    receivers.splice(receivers.indexOf(receiver), 1);
    const sender = rawSenderFor(transport(url, 2))!;
    const errors = await Promise.all([1, 2, 3, 4, 5].map((n) => send(sender, mail(n))));
    for (const err of errors) expect(err).toMatchObject({ code: expect.stringMatching(/ECONNECTION|ESOCKET/) });
  });

  it('connections the server closes between messages are opened again for the next; a message cut mid-send is its error', async () => {
    const receiver = await startReceiver();
    const sender = rawSenderFor(transport(receiver.url, 2))!;
    expect(await Promise.all([1, 2, 3].map((n) => send(sender, mail(n))))).toEqual([null, null, null]);
    receiver.dropClients();
    await expect.poll(() => receiver.open(), { timeout: 10_000 }).toBe(0);
    expect(await Promise.all([4, 5, 6].map((n) => send(sender, mail(n))))).toEqual([null, null, null]);
    expect(receiver.messages.size).toBe(6);
  });

  it("the transport's close closes its connections; a message after it is refused, not lost in a queue", async () => {
    const receiver = await startReceiver();
    const t = transport(receiver.url, 2);
    const sender = rawSenderFor(t)!;
    expect(await send(sender, mail(1))).toBeNull();
    expect(receiver.open()).toBeGreaterThan(0);
    t.close();
    await expect.poll(() => receiver.open(), { timeout: 10_000 }).toBe(0);
    expect(await send(sender, mail(2))).toBeInstanceOf(Error);
  });

  it('only a plain SMTP pool gets one: JSON, stream and unpooled transports, and one with plugins, keep sendMail', () => {
    expect(rawSenderFor(nodemailer.createTransport({ jsonTransport: true }))).toBeUndefined();
    expect(rawSenderFor(nodemailer.createTransport({ streamTransport: true }))).toBeUndefined();
    expect(rawSenderFor(nodemailer.createTransport({ host: '127.0.0.1', port: 25 }))).toBeUndefined();
    const marked = transport('smtp://127.0.0.1:25', 2);
    marked.use('compile', (_mail, done) => done());
    expect(rawSenderFor(marked)).toBeUndefined();
    const plain = transport('smtp://127.0.0.1:25', 2);
    expect(rawSenderFor(plain)).toBe(rawSenderFor(plain));
  });
});
