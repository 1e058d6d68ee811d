/**
 * How the client layer names what went wrong, the same for every front end: an incident that does not
 * exist or has ended, a decision the workflow refused (with the contract's refusal), and Temporal not
 * answering (a gRPC unavailability or deadline).
 */
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError, isGrpcServiceError, isGrpcDeadlineError, ServiceError } from '@temporalio/client';
import { REFUSAL, type Refusal, type RefusalType } from '../domain/refusal.js';

/** How long a query or an update may take before the caller is told Temporal did not answer. */
export const TEMPORAL_CALL_TIMEOUT_MS = 20_000;

export class IncidentNotFoundError extends Error {
  override name = 'IncidentNotFoundError';
  constructor(readonly incidentId: string) {
    super(`no incident "${incidentId}"`);
  }
}

/** The incident's workflow has ended (closed): it takes no more reports or decisions. */
export class IncidentClosedError extends Error {
  override name = 'IncidentClosedError';
  constructor(readonly incidentId: string) {
    super(`incident "${incidentId}" is closed`);
  }
}

/** The workflow refused a decision (the `decide` update's validator or handler). */
export class DecisionRefusedError extends Error {
  override name = 'DecisionRefusedError';
  constructor(
    readonly refusal: Refusal,
    message: string,
  ) {
    super(message);
  }
}

/** Temporal is unreachable or did not answer in time. */
export class TemporalUnavailableError extends Error {
  override name = 'TemporalUnavailableError';
  constructor(
    message: string,
    readonly timedOut = false,
  ) {
    super(message);
  }
}

const REFUSAL_TYPES = new Set<string>(Object.values(REFUSAL));

/** The refusal carried by a failed `decide` update (ApplicationFailure type + details[0] reasons). */
export function refusalOf(err: unknown): Refusal | undefined {
  const failure = err instanceof WorkflowUpdateFailedError ? err.cause : err;
  if (!(failure instanceof ApplicationFailure) || !failure.type || !REFUSAL_TYPES.has(failure.type)) return undefined;
  const details = failure.details?.[0];
  const reasons = Array.isArray(details) ? details.map(String) : [failure.message];
  return { type: failure.type as RefusalType, reasons: reasons.length > 0 ? reasons : [failure.message] };
}

export function messageOfRefusal(err: unknown): string {
  const failure = err instanceof WorkflowUpdateFailedError ? err.cause : err;
  return failure instanceof Error && failure.message ? failure.message : 'decision refused';
}

/** gRPC status codes (grpc-js is not a direct dependency). */
const grpcStatus = { DEADLINE_EXCEEDED: 4, UNAVAILABLE: 14 } as const;

/** gRPC unavailability and deadlines as TemporalUnavailableError; anything else unchanged. */
export function asTemporalError(err: unknown): unknown {
  if (isGrpcDeadlineError(err)) return new TemporalUnavailableError('Temporal did not answer in time', true);
  const grpc = isGrpcServiceError(err)
    ? err
    : err instanceof ServiceError && isGrpcServiceError(err.cause)
      ? err.cause
      : undefined;
  if (grpc && (grpc.code === grpcStatus.UNAVAILABLE || grpc.code === grpcStatus.DEADLINE_EXCEEDED)) {
    return new TemporalUnavailableError('Temporal is unavailable', grpc.code === grpcStatus.DEADLINE_EXCEEDED);
  }
  return err;
}
