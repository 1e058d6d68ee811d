/**
 * What operators watch (docs/operations-alerts.md): one Prometheus endpoint per worker, `GET /metrics`
 * on BREACH_METRICS_PORT, serving
 * - the SDK's runtime metrics (`temporal_*`: workflow task failures, schedule-to-start latency, slots,
 *   poll results), which Core exports on an address of its own: we read them from there and append
 *   them, so a scrape config names one port per worker;
 * - Node's process metrics (prom-client's defaults: heap, event loop lag, GC);
 * - the project's own (`breach_*`): notifications sent, failed and returned as counters (rates are
 *   Prometheus' `rate()`), and the incident gauges of workers/collector.ts.
 * Nothing here carries an incident id, a person or an address: labels are phases, roles and outcomes.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface BreachMetrics {
  registry: Registry;
  /** Notification messages to affected people sent by this worker's batches, by means (`email`, `letter`). */
  notificationsSent: Counter<'means'>;
  /** Affected people whose notification failed (an address refused, a roster line unreadable). */
  notificationFailures: Counter;
  /** Open incidents by phase (from visibility). */
  incidents: Gauge<'phase'>;
  /** Open incidents whose one-hour US-CERT report was late (5 FAM 468.3c). */
  reportsLate: Gauge;
  /** Open gates by the role they wait for. */
  openGates: Gauge<'role'>;
  /** Open gates by role that have waited longer than `over` (1h, 1d, 5d...). */
  gatesWaiting: Gauge<'role' | 'over'>;
  /** Seconds the longest-waiting gate of a role has waited (0: none waits, or none since BreachAwaitingSince). */
  oldestGateWait: Gauge<'role'>;
  /** Rounds of the collector that failed. */
  collectorErrors: Counter;
  /** When the collector last finished a round (unix seconds): stale figures show as an old timestamp. */
  collectedAt: Gauge;
}

export function createBreachMetrics(): BreachMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    notificationsSent: new Counter({
      name: 'breach_notifications_sent_total',
      help: 'Notification messages to affected people sent by this worker, by means (email, letter); returned letters are counted where the vendor reports them (POST /vendor/returns)',
      labelNames: ['means'] as const,
      registers: [registry],
    }),
    notificationFailures: new Counter({
      name: 'breach_notification_failures_total',
      help: 'Affected people whose notification failed on this worker (address refused, roster line unreadable)',
      registers: [registry],
    }),
    incidents: new Gauge({
      name: 'breach_incidents',
      help: 'Open incidents by phase (Temporal visibility, BreachPhase)',
      labelNames: ['phase'] as const,
      registers: [registry],
    }),
    reportsLate: new Gauge({
      name: 'breach_reports_late',
      help: 'Open incidents whose one-hour US-CERT report was late (BreachReportedLate)',
      registers: [registry],
    }),
    openGates: new Gauge({
      name: 'breach_open_gates',
      help: 'Open gates (incidents waiting for a decision) by the role they wait for',
      labelNames: ['role'] as const,
      registers: [registry],
    }),
    gatesWaiting: new Gauge({
      name: 'breach_open_gates_waiting',
      help: 'Open gates by role that have waited longer than `over` (BreachAwaitingSince); gates opened before that attribute existed are not counted here',
      labelNames: ['role', 'over'] as const,
      registers: [registry],
    }),
    oldestGateWait: new Gauge({
      name: 'breach_open_gate_oldest_wait_seconds',
      help: 'How long the longest-waiting open gate of a role has waited',
      labelNames: ['role'] as const,
      registers: [registry],
    }),
    collectorErrors: new Counter({
      name: 'breach_metrics_collector_errors_total',
      help: 'Rounds of the visibility collector that failed (Temporal unreachable, visibility error)',
      registers: [registry],
    }),
    collectedAt: new Gauge({
      name: 'breach_metrics_collected_timestamp_seconds',
      help: 'When the visibility collector last finished a round',
      registers: [registry],
    }),
  };
}

/** The SDK's Prometheus text, or a comment saying why there is none (the rest of the page still serves). */
async function sdkMetrics(address: string | undefined): Promise<string> {
  if (!address) return '';
  try {
    const response = await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) return `# the SDK's runtime metrics answered ${response.status}\n`;
    return await response.text();
  } catch (err) {
    return `# the SDK's runtime metrics could not be read: ${(err as Error).name}\n`;
  }
}

export interface MetricsServer {
  server: Server;
  /** `host:port` it listens on. */
  address: string;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (the project's and Node's metrics, then the SDK's from `sdkAddress`); anything
 * else is 404. No credentials: it holds counts only; the deployment keeps the port on the cluster's
 * network (docs/deployment.md).
 */
/** What notifyRange tells of each settled roster line (activities/notify.ts `observe`), counted. */
export function notificationObserver(metrics: BreachMetrics) {
  return ({ emails, letters, failed }: { emails: number; letters: number; failed: boolean }): void => {
    if (emails) metrics.notificationsSent.inc({ means: 'email' }, emails);
    if (letters) metrics.notificationsSent.inc({ means: 'letter' }, letters);
    if (failed) metrics.notificationFailures.inc();
  };
}

/** A loopback address with a port free a moment ago, for the SDK's own exporter (read by startMetricsServer). */
export function freeLoopbackAddress(): Promise<string> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(`127.0.0.1:${port}`));
    });
  });
}

export async function startMetricsServer(options: {
  host: string;
  port: number;
  metrics: BreachMetrics;
  sdkAddress?: string;
}): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      response
        .writeHead(request.url?.split('?')[0] === '/metrics' ? 405 : 404, { 'content-type': 'text/plain' })
        .end('GET /metrics\n');
      return;
    }
    void Promise.all([options.metrics.registry.metrics(), sdkMetrics(options.sdkAddress)]).then(
      ([own, sdk]) =>
        response.writeHead(200, { 'content-type': options.metrics.registry.contentType }).end(`${own}\n${sdk}`),
      (err: unknown) =>
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(err as Error).name}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const bound = server.address();
  const address =
    typeof bound === 'object' && bound
      ? `${bound.address.includes(':') ? `[${bound.address}]` : bound.address}:${bound.port}`
      : `${options.host}:${options.port}`;
  return { server, address, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
