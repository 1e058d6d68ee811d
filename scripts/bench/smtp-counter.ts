/**
 * A counting SMTP receiver for the notification bench and the scale tests: a real smtp-server that keeps
 * no message, only how many arrived, each Message-ID's count (so repeats show) and when. It reads a
 * message's header block and drops the rest, so it keeps up with a sender of thousands a second.
 * Faults are programmable: refuse a recipient (a person's failure), or answer a message with a
 * temporary error (a batch's failure, retried by Temporal).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpCounterOptions {
  host?: string;
  /** 0: any free port. */
  port?: number;
  /** Refuse RCPT TO for an address with this code (550: a person's failure); undefined accepts. */
  rejectRecipient?: (address: string) => number | undefined;
  /** Answer the nth message (1-based, counting every DATA) with this temporary code (421, 451); undefined accepts. */
  failMessage?: (nth: number) => number | undefined;
  /** Called for every message accepted, with its Message-ID and arrival time. */
  onMessage?: (messageId: string, at: number) => void;
}

export interface SmtpCounterStats {
  /** Messages accepted, repeats included. */
  received: number;
  /** Distinct Message-IDs among them. */
  distinct: number;
  /** received − distinct: what a receiver deduplicating by Message-ID would drop. */
  repeats: number;
  /** Recipients refused and messages answered with a temporary error. */
  refused: number;
  failed: number;
  firstAt: number | null;
  lastAt: number | null;
}

export interface SmtpCounter {
  port: number;
  smtpUrl: string;
  stats(): SmtpCounterStats;
  /** How many times each Message-ID arrived. */
  counts(): ReadonlyMap<string, number>;
  /** Arrival times (ms since the epoch), in order; only when `times` is on. */
  times(): readonly number[];
  /** Resolves once `received` reaches `count`. */
  waitForReceived(count: number, timeoutMs?: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

const HEADER_LIMIT = 64 * 1024;

/** The Message-ID header of a message's header block (folded lines allowed), else ''. */
function messageIdOf(head: string): string {
  const match = /^message-id:[ \t]*(?:\r?\n[ \t]+)?(<[^>\r\n]+>)/im.exec(head);
  return match?.[1] ?? '';
}

export async function startSmtpCounter(
  options: SmtpCounterOptions & { keepTimes?: boolean } = {},
): Promise<SmtpCounter> {
  const host = options.host ?? '127.0.0.1';
  const seen = new Map<string, number>();
  const arrivals: number[] = [];
  let received = 0;
  let refused = 0;
  let failed = 0;
  let nth = 0;
  let firstAt: number | null = null;
  let lastAt: number | null = null;
  const waiters = new Set<{ count: number; resolve: () => void }>();

  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Pooled clients keep connections open; do not make a close wait for them.
    closeTimeout: 200,
    maxClients: 1_000,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'counter' });
    },
    onRcptTo(address, _session, callback) {
      const code = options.rejectRecipient?.(address.address);
      if (code === undefined) return callback();
      refused += 1;
      const err = Object.assign(new Error('recipient refused'), { responseCode: code });
      callback(err);
    },
    onData(stream, _session, callback) {
      nth += 1;
      const code = options.failMessage?.(nth);
      let head = '';
      let complete = false;
      stream.on('data', (chunk: Buffer) => {
        if (complete) return;
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end >= 0 || head.length > HEADER_LIMIT) {
          head = head.slice(0, end >= 0 ? end : HEADER_LIMIT);
          complete = true;
        }
      });
      stream.on('end', () => {
        if (code !== undefined) {
          failed += 1;
          return callback(Object.assign(new Error('temporary failure (programmed)'), { responseCode: code }));
        }
        const id = messageIdOf(head);
        seen.set(id, (seen.get(id) ?? 0) + 1);
        received += 1;
        const now = Date.now();
        firstAt ??= now;
        lastAt = now;
        if (options.keepTimes) arrivals.push(now);
        options.onMessage?.(id, now);
        for (const waiter of waiters) {
          if (received >= waiter.count) {
            waiters.delete(waiter);
            waiter.resolve();
          }
        }
        callback();
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  server.on('error', () => undefined);
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    smtpUrl: `smtp://${host}:${port}`,
    stats: () => ({ received, distinct: seen.size, repeats: received - seen.size, refused, failed, firstAt, lastAt }),
    counts: () => seen,
    times: () => arrivals,
    waitForReceived(count, timeoutMs = 60_000) {
      if (received >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter = { count, resolve: () => (clearTimeout(timer), resolve()) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`the SMTP counter received ${received} of ${count} messages within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    reset() {
      seen.clear();
      arrivals.length = 0;
      received = refused = failed = nth = 0;
      firstAt = lastAt = null;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
