/**
 * A stand-in for the playbook's external endpoints for the tests: the receiver of `npm start`
 * (scripts/local/endpoint-receiver.ts) on a free port. It records every call and answers what the test
 * programs per path: `failFirst('/us-cert', 2)` (503 twice, then 200), `failWhile('/oig', () => down)`,
 * `respondWith('/mail-vendor', { status: 400, body: { error: 'bad letter' } })`.
 */
import {
  startEndpointReceiver,
  type EndpointReceiver,
  type RecordedCall,
} from '../../scripts/local/endpoint-receiver.js';

export type { EndpointReceiver, RecordedCall };

export function startHttpReceiver(): Promise<EndpointReceiver> {
  return startEndpointReceiver({ port: 0 });
}

/**
 * A copy of a playbook (the parsed JSON) whose endpoint URLs point at `baseUrl`, keeping each URL's path:
 * `http://127.0.0.1:4010/us-cert` becomes `<baseUrl>/us-cert`.
 */
export function withEndpointsAt<T extends { endpoints: Record<string, { url: string }> }>(
  playbook: T,
  baseUrl: string,
): T {
  const endpoints = Object.fromEntries(
    Object.entries(playbook.endpoints).map(([name, endpoint]) => {
      const url = new URL(endpoint.url);
      return [name, { ...endpoint, url: `${baseUrl.replace(/\/$/, '')}${url.pathname}${url.search}` }];
    }),
  );
  return { ...playbook, endpoints };
}
