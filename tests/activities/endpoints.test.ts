/**
 * The endpoint activity against a real HTTP receiver on loopback, in MockActivityEnvironment: the
 * idempotency key, the bearer token, and how failures are classified for the retry policy.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { startEndpointReceiver, type EndpointReceiver } from '../../scripts/local/endpoint-receiver.js';

let receiver: EndpointReceiver;
beforeAll(async () => {
  receiver = await startEndpointReceiver({ port: 0 });
});
afterAll(async () => {
  await receiver.close();
});

const activities = (env: Record<string, string | undefined> = {}) =>
  createActivities({
    mailer: nodemailer.createTransport({ jsonTransport: true }),
    mailFrom: 'breach@test.example',
    publicUrl: 'http://localhost:3000',
    env,
  });

const mockEnv = () => new MockActivityEnvironment({ workflowExecution: { workflowId: 'breach-ACT-1', runId: 'r1' } });

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('expected a failure');
}

describe('callEndpoint', () => {
  it('posts JSON with an Idempotency-Key of <workflowId>:<step> and the bearer token the playbook names', async () => {
    const a = activities({ USCERT_TOKEN: 'tok-123' });
    const result: { status: number } = await mockEnv().run(a.callEndpoint, {
      name: 'usCert',
      endpoint: { url: `${receiver.url}/us-cert`, tokenEnv: 'USCERT_TOKEN' },
      step: 'report-usCert',
      body: { incidentId: 'ACT-1' },
    });
    expect(result.status).toBe(200);
    const call = receiver.calls('/us-cert').at(-1)!;
    expect(call.idempotencyKey).toBe('breach-ACT-1:report-usCert');
    expect(call.authorization).toBe('Bearer tok-123');
    expect(call.body).toEqual({ incidentId: 'ACT-1' });
  });

  it.each([500, 502, 503, 408, 429])('%i is retryable (EndpointUnavailable)', async (status) => {
    const restore = receiver.respondWith('/flaky', { status });
    try {
      const failure = await failureOf(
        mockEnv().run(activities().callEndpoint, {
          name: 'usCert',
          endpoint: { url: `${receiver.url}/flaky` },
          step: 's',
          body: {},
        }),
      );
      expect(failure.type).toBe('EndpointUnavailable');
      expect(failure.nonRetryable).toBe(false);
    } finally {
      restore();
    }
  });

  it.each([400, 401, 403, 404, 422])('%i is final (EndpointRejected): retrying will not help', async (status) => {
    const restore = receiver.respondWith('/refusing', { status, body: { echo: 'Robin Reporter 123-45-6789' } });
    try {
      const failure = await failureOf(
        mockEnv().run(activities().callEndpoint, {
          name: 'oig',
          endpoint: { url: `${receiver.url}/refusing` },
          step: 's',
          body: {},
        }),
      );
      expect(failure.type).toBe('EndpointRejected');
      expect(failure.nonRetryable).toBe(true);
      expect(failure.message).toContain(String(status));
      // The receiver's body could quote what we sent: it is never echoed into the failure.
      expect(failure.message).not.toContain('123-45-6789');
    } finally {
      restore();
    }
  });

  it('a time-out is retryable', async () => {
    const restore = receiver.respondWith('/slow', { status: 200, delayMs: 1_000 });
    try {
      const failure = await failureOf(
        mockEnv().run(activities().callEndpoint, {
          name: 'usCert',
          endpoint: { url: `${receiver.url}/slow`, timeout: '100ms' },
          step: 's',
          body: {},
        }),
      );
      expect(failure.type).toBe('EndpointUnavailable');
      expect(failure.message).toContain('no answer within 100 ms');
    } finally {
      restore();
    }
  });

  it('a closed port is retryable', async () => {
    const failure = await failureOf(
      mockEnv().run(activities().callEndpoint, {
        name: 'usCert',
        endpoint: { url: 'http://127.0.0.1:1/x' },
        step: 's',
        body: {},
      }),
    );
    expect(failure.type).toBe('EndpointUnavailable');
  });

  it('a missing token variable is final and names the variable', async () => {
    const failure = await failureOf(
      mockEnv().run(activities({}).callEndpoint, {
        name: 'usCert',
        endpoint: { url: `${receiver.url}/us-cert`, tokenEnv: 'USCERT_TOKEN' },
        step: 's',
        body: {},
      }),
    );
    expect(failure.type).toBe('EndpointMisconfigured');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('USCERT_TOKEN');
  });
});
