/** Small network helpers for `npm start` and the tests: is a port taken, find a free one, wait for a server. */
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

/** A port that was free a moment ago (the usual small race: good enough for tests and local runs). */
export function freePort(): Promise<number> {
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

export async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs: number, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** GET url and tell whether it answered with the expected status (200 unless said). */
export async function answers(url: string, init: { headers?: Record<string, string>; status?: number; timeoutMs?: number } = {}): Promise<boolean> {
  try {
    const response = await fetch(url, { headers: init.headers, signal: AbortSignal.timeout(init.timeoutMs ?? 2_000) });
    await response.arrayBuffer();
    return init.status === undefined ? response.ok : response.status === init.status;
  } catch {
    return false;
  }
}
