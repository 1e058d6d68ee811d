/**
 * scripts/local/ports.ts freePort: the ports npm start and the tests give their servers. A port the system hands
 * out for port 0 can be handed again to another process (in CI, a Temporal dev server's own internal
 * port took the port a test had chosen for npm start's server); on Linux the ports are chosen below that
 * range, where the system hands out none.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, isPortTaken } from '../../scripts/local/ports.js';

const linuxLow = (() => {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return undefined;
  }
})();

describe('freePort', () => {
  it('gives ports that can be listened on, outside the range the system hands out (Linux), and not the same twice in a row', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBeGreaterThan(15);
    for (const port of ports) {
      expect(port).toBeGreaterThan(1_023);
      if (linuxLow) expect(port).toBeLessThan(linuxLow);
    }
    const port = ports[0]!;
    expect(await isPortTaken(port)).toBe(false);
    const server = createServer();
    await new Promise<void>((resolve, reject) =>
      server.once('error', reject).listen({ port, host: '127.0.0.1' }, resolve),
    );
    expect(await isPortTaken(port)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
  });
});
