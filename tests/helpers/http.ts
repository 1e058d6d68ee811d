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

export { withEndpointsAt } from '../../scripts/local/start-child.js';
