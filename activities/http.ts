/**
 * Calls to the playbook's external endpoints (US-CERT, Privacy Division, OIG, mail vendor, web
 * posting, records archive). Every call is idempotent by an `Idempotency-Key` derived from the
 * workflow and the step (`<workflowId>:<step>`), the same on every retry, so a receiver can drop a
 * repeat (docs/style.md 8). Failure is classified for the retry policy (workflows/activities.ts):
 * 5xx, 408, 429, time-outs and network errors are retried; any other 4xx is final.
 */
import { ApplicationFailure } from '@temporalio/common';
import { parseDuration } from '../domain/durations.js';
import { DEFAULT_ENDPOINT_TIMEOUT_MS, type Endpoint } from '../domain/playbook.js';

export const ENDPOINT_REJECTED = 'EndpointRejected';
export const ENDPOINT_UNAVAILABLE = 'EndpointUnavailable';
export const ENDPOINT_MISCONFIGURED = 'EndpointMisconfigured';

export interface EndpointCall {
  /** Which endpoint, for messages ("usCert"); never a person's data. */
  name: string;
  endpoint: Endpoint;
  idempotencyKey: string;
  body: unknown;
}

export interface EndpointResult {
  status: number;
  deliveredAt: string;
  /** What the receiver answered, when it is small JSON (a receipt or record id). */
  receipt?: unknown;
}

export async function postToEndpoint(
  call: EndpointCall,
  env: Record<string, string | undefined>,
): Promise<EndpointResult> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'idempotency-key': call.idempotencyKey,
  };
  if (call.endpoint.tokenEnv) {
    const token = env[call.endpoint.tokenEnv];
    if (!token) {
      // A missing secret will not appear by retrying: say what to set, once.
      throw ApplicationFailure.nonRetryable(
        `endpoint ${call.name}: the environment variable ${call.endpoint.tokenEnv} (its bearer token) is not set`,
        ENDPOINT_MISCONFIGURED,
      );
    }
    headers.authorization = `Bearer ${token}`;
  }
  const timeoutMs = call.endpoint.timeout ? parseDuration(call.endpoint.timeout) : DEFAULT_ENDPOINT_TIMEOUT_MS;
  let response: Response;
  try {
    response = await fetch(call.endpoint.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(call.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const reason =
      (err as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : `cannot connect (${(err as Error).message})`;
    throw ApplicationFailure.retryable(`endpoint ${call.name}: ${reason}`, ENDPOINT_UNAVAILABLE);
  }
  const text = await response.text().catch(() => '');
  if (response.ok) {
    let receipt: unknown;
    if (text.length > 0 && text.length < 4_096) {
      try {
        receipt = JSON.parse(text);
      } catch {
        receipt = undefined;
      }
    }
    return { status: response.status, deliveredAt: new Date().toISOString(), receipt };
  }
  const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
  // The receiver's body is not echoed: it could quote back what we sent.
  const message = `endpoint ${call.name} answered ${response.status} ${response.statusText}`.trim();
  if (retryable) throw ApplicationFailure.retryable(message, ENDPOINT_UNAVAILABLE, { status: response.status });
  throw ApplicationFailure.nonRetryable(message, ENDPOINT_REJECTED, { status: response.status });
}
