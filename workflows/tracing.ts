/**
 * OpenTelemetry tracing inside the workflow sandbox: a span per workflow run, signal, update and query,
 * and the trace context carried into each activity and child workflow through headers (no command is
 * added or changed, so histories replay as before). Spans leave the sandbox through the worker's sink
 * (workers/tracing.ts), which drops them when no exporter is configured. Built into the workflow bundle
 * as an interceptor module (workers/bundle.ts), not imported by workflows/index.ts.
 */
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new OpenTelemetryInboundInterceptor()],
  outbound: [new OpenTelemetryOutboundInterceptor()],
  internals: [new OpenTelemetryInternalsInterceptor()],
});
