/** Small network helpers for `npm start`, the bench and the tests: is a port taken, find a free one, wait for a server. */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

export interface HostPort {
  host: string;
  port: number;
}

/** `localhost:7233`, `127.0.0.1:7233`, `[::1]:7233` → host and port. */
export function parseHostPort(address: string, defaultPort = 7233): HostPort {
  const match = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(address.trim());
  if (!match?.[1]) throw new Error(`expected host:port, got "${address}"`);
  return { host: match[1], port: match[2] ? Number(match[2]) : defaultPort };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Does something accept TCP connections at host:port? */
export function canConnect(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = createConnection({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolvePromise(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Is the port taken on this machine (by anything, on any local address)? */
export async function isPortTaken(port: number): Promise<boolean> {
  if (await canConnect('127.0.0.1', port, 300)) return true;
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(true));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolvePromise(false)));
  });
}

/**
 * A port that was free a moment ago. On Linux it is chosen at random below the range the system hands
 * out (for port 0 and for outgoing connections): the tests start many servers at once, and a port the
 * system handed out and took back is one it may hand to the next process asking (a Temporal dev server
 * choosing its own internal ports among them) before the server meant for it binds. Elsewhere, one the
 * system hands out.
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  if (low !== undefined && low > CHOSEN_FROM + 2_000) {
    for (let tries = 0; tries < 20; tries++) {
      const port = CHOSEN_FROM + randomInt(low - CHOSEN_FROM);
      if (!(await isPortTaken(port))) return port;
    }
  }
  return systemPort();
}

/** The bottom of the range freePort chooses from (above the well-known and most registered ports). */
const CHOSEN_FROM = 10_000;

/** The first port of Linux's ephemeral range, if this is Linux. */
function ephemeralLow(): number | undefined {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) ? low : undefined;
  } catch {
    return undefined;
  }
}

/** A port the system hands out for port 0. */
function systemPort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

/**
 * Polls `probe` every `intervalMs` until it gives a value (anything but `undefined` or `false`) and
 * resolves with that value; a probe that throws counts as no value yet. The one poll-until of `npm start`,
 * the bench and the tests.
 */
export async function waitUntil<T>(
  probe: () => Promise<T>,
  what: string,
  timeoutMs: number,
  intervalMs = 100,
): Promise<Exclude<T, undefined | false>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value as Exclude<T, undefined | false>;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** GET url and tell whether it answered with the expected status (200 unless said). */
export async function answers(
  url: string,
  init: { headers?: Record<string, string>; status?: number; timeoutMs?: number } = {},
): Promise<boolean> {
  try {
    const response = await fetch(url, { headers: init.headers, signal: AbortSignal.timeout(init.timeoutMs ?? 2_000) });
    await response.arrayBuffer();
    return init.status === undefined ? response.ok : response.status === init.status;
  } catch {
    return false;
  }
}
