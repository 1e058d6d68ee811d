/**
 * Finished messages (activities/compose.ts) sent over SMTP connections of the worker's own, nodemailer's
 * `SMTPConnection` each, beside the worker's pooled transport and with its settings.
 *
 * Why not the transport's `sendMail`: for a message already composed, nodemailer still builds its
 * message object, a MIME node and a stream per message and hands them through its pool; measured on
 * 20,000 notices, that cost 0.30-0.32 ms of CPU per message against 0.09 ms for `SMTPConnection.send`
 * of the same bytes (docs/performance.md). A notification run sends one letter to millions, so this is
 * most of what sending costs the worker.
 *
 * What it keeps of the transport's pool: the same host, port, TLS, credentials, time-outs and number of
 * connections (`maxConnections`), opened as needed; a message the server refuses (5xx, or a refused
 * recipient) is that message's error and the connection goes on after RSET; any other error closes the
 * connection and is the message's error, which the notification batch treats as the run's (Temporal
 * retries it from its checkpoint, activities/notify.ts). Connections idle for IDLE_MS are closed, well
 * before a mail server's own idle time-out, and the worker's `mailer.close()` closes them too.
 *
 * Only a pooled SMTP transport with user and password credentials (or none) gets one; any other transport
 * (the tests' JSON and stream transports, one with plugins) sends through `sendMail` as before.
 */
import type { Transporter } from 'nodemailer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { composesRaw, type RawMail } from './compose.js';
import { transportConcurrency } from './mailer.js';

/** Close a connection that has had nothing to send for this long. */
const IDLE_MS = 5_000;
/** After a connection failed to open, open no other for this long while some remain. */
const RECONNECT_MS = 1_000;

export interface RawSender {
  /** Connections at most, so messages in flight worth keeping. */
  readonly connections: number;
  /** Send one finished message; `done` once the server took it (null) or refused it or the connection failed. */
  send(mail: RawMail, done: (err: Error | null) => void): void;
  close(): void;
}

interface PoolOptions {
  pool?: boolean;
  maxMessages?: number;
  host?: string;
  port?: number;
  secure?: boolean;
  ignoreTLS?: boolean;
  requireTLS?: boolean;
  opportunisticTLS?: boolean;
  name?: string;
  tls?: object;
  auth?: { user?: string; pass?: string; type?: string };
  connectionTimeout?: number;
  greetingTimeout?: number;
  socketTimeout?: number;
}

interface Connection {
  smtp: SMTPConnection;
  ready: boolean;
  busy: boolean;
  dead: boolean;
  messages: number;
}

interface Pending {
  mail: RawMail;
  done: (err: Error | null) => void;
}

const senders = new WeakMap<Transporter, RawSender | null>();

/** The worker's raw sender for this transport (one per transport), or undefined where `sendMail` stays. */
export function rawSenderFor(mailer: Transporter): RawSender | undefined {
  let sender = senders.get(mailer);
  if (sender === undefined) {
    sender = createRawSender(mailer);
    senders.set(mailer, sender);
  }
  return sender ?? undefined;
}

function createRawSender(mailer: Transporter): RawSender | null {
  const transport = (mailer as unknown as { transporter?: { name?: string; options?: PoolOptions } }).transporter;
  const given = (mailer as unknown as { options?: PoolOptions }).options;
  const streamPlugins = (mailer as unknown as { _userPlugins?: { stream?: unknown[] } })._userPlugins?.stream;
  const options = transport?.options;
  if (!options || !given?.pool || transport?.name !== 'SMTP (pool)') return null;
  // A plugin that changes messages, before composing or as they stream, would be skipped here.
  if (!composesRaw(mailer) || (streamPlugins?.length ?? 0) > 0) return null;
  const auth = options.auth;
  if (auth && auth.type !== undefined && auth.type.toLowerCase() !== 'login') return null;
  const sender = new RawConnections(options, transportConcurrency(mailer), given.maxMessages ?? Infinity);
  // The transport's close (the worker's shutdown) closes these connections as well.
  const close = mailer.close.bind(mailer);
  mailer.close = () => {
    sender.close();
    close();
  };
  return sender;
}

class RawConnections implements RawSender {
  private readonly open: Connection[] = [];
  private readonly queue: Pending[] = [];
  private idleTimer: NodeJS.Timeout | undefined;
  private lastUsed = 0;
  /** No new connection before this time (after one failed to open), while others remain. */
  private holdUntil = 0;
  private closed = false;

  constructor(
    private readonly options: PoolOptions,
    readonly connections: number,
    private readonly maxMessages: number,
  ) {}

  send(mail: RawMail, done: (err: Error | null) => void): void {
    if (this.closed) {
      setImmediate(() => done(new Error('the mail connections are closed')));
      return;
    }
    this.queue.push({ mail, done });
    this.dispatch();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    for (const connection of this.open.splice(0)) this.drop(connection, true);
    for (const pending of this.queue.splice(0)) pending.done(new Error('the mail connections are closed'));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const free = this.open.find((c) => c.ready && !c.busy && !c.dead);
      if (free) {
        this.sendOn(free, this.queue.shift()!);
        continue;
      }
      const opening = this.open.filter((c) => !c.ready).length;
      const held = this.open.length > 0 && Date.now() < this.holdUntil;
      if (this.open.length < this.connections && opening < this.queue.length && !held) {
        this.connect();
        continue;
      }
      break;
    }
    this.watchIdle();
  }

  private connect(): void {
    const o = this.options;
    const smtp = new SMTPConnection({
      host: o.host,
      port: o.port,
      secure: o.secure,
      ignoreTLS: o.ignoreTLS,
      requireTLS: o.requireTLS,
      opportunisticTLS: o.opportunisticTLS,
      name: o.name,
      tls: o.tls,
      connectionTimeout: o.connectionTimeout,
      greetingTimeout: o.greetingTimeout,
      socketTimeout: o.socketTimeout,
      logger: false,
    });
    const connection: Connection = { smtp, ready: false, busy: false, dead: false, messages: 0 };
    this.open.push(connection);
    // A connection that fails or ends is dropped; a send in flight on it gets its own error from send().
    smtp.on('error', (err: Error) => this.lost(connection, err));
    smtp.on('end', () => this.lost(connection));
    smtp.connect((err) => {
      if (err) return this.lost(connection, err);
      const auth = o.auth;
      if (!auth?.user) return this.ready(connection);
      smtp.login({ user: auth.user, pass: auth.pass ?? '' }, (loginErr) =>
        loginErr ? this.lost(connection, loginErr) : this.ready(connection),
      );
    });
  }

  /**
   * A connection failed or ended. One that never became ready (the server down, the login refused) holds
   * back new connections for RECONNECT_MS; with no connection left, the messages waiting fail with its
   * error, so that nothing waits for a server that is not there.
   */
  private lost(connection: Connection, err?: Error): void {
    if (connection.dead) return;
    const failedToOpen = !connection.ready;
    this.drop(connection);
    if (failedToOpen) this.holdUntil = Date.now() + RECONNECT_MS;
    if (failedToOpen && !this.open.some((c) => !c.dead)) {
      const reason = err ?? new Error('the mail server closed the connection before it was ready');
      for (const pending of this.queue.splice(0)) pending.done(reason);
      return;
    }
    this.dispatch();
  }

  private ready(connection: Connection): void {
    if (connection.dead) return;
    connection.ready = true;
    this.dispatch();
  }

  private sendOn(connection: Connection, pending: Pending): void {
    connection.busy = true;
    connection.smtp.send(pending.mail.envelope, pending.mail.raw, (err) => {
      connection.busy = false;
      connection.messages += 1;
      if (!err) {
        if (connection.messages >= this.maxMessages) this.drop(connection, true);
        pending.done(null);
        this.dispatch();
        return;
      }
      const code = (err as { code?: string }).code;
      const response = (err as { responseCode?: number }).responseCode;
      // The server refused this message or its recipient: the connection is fine once the session is reset.
      if ((code === 'EENVELOPE' || code === 'EMESSAGE') && response !== 421 && !connection.dead) {
        connection.busy = true;
        connection.smtp.reset((resetErr) => {
          connection.busy = false;
          if (resetErr) this.drop(connection);
          this.dispatch();
        });
      } else this.drop(connection);
      pending.done(err);
      this.dispatch();
    });
  }

  private drop(connection: Connection, quit = false): void {
    if (connection.dead) return;
    connection.dead = true;
    const at = this.open.indexOf(connection);
    if (at >= 0) this.open.splice(at, 1);
    if (quit) connection.smtp.quit();
    else connection.smtp.close();
  }

  /** Close the connections once nothing has been sent for IDLE_MS; the one timer keeps no worker alive. */
  private watchIdle(): void {
    this.lastUsed = Date.now();
    if (this.idleTimer || this.open.length === 0) return;
    const check = () => {
      this.idleTimer = undefined;
      if (this.open.length === 0) return;
      const busy = this.queue.length > 0 || this.open.some((c) => c.busy || !c.ready);
      const idleFor = Date.now() - this.lastUsed;
      if (busy || idleFor < IDLE_MS) {
        this.idleTimer = setTimeout(check, busy ? IDLE_MS : IDLE_MS - idleFor);
        this.idleTimer.unref();
        return;
      }
      for (const connection of [...this.open]) this.drop(connection, true);
    };
    this.idleTimer = setTimeout(check, IDLE_MS);
    this.idleTimer.unref();
  }
}
