/**
 * OpenTelemetry tracing of the worker (and of the API's client calls, api/main.ts) through the SDK's
 * interceptors (@temporalio/interceptors-opentelemetry), on when OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) names a collector: spans go there over OTLP/HTTP, batched. A trace
 * follows a request from the API's start or update through the workflow to each activity (mail, US-CERT
 * call, notification batch). Span attributes are the SDK's (workflow type and id, activity type, run
 * id): workflow ids are opaque incident ids, and payloads are never put on spans.
 */
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks, WorkerOptions } from '@temporalio/worker';
import { PROJECT_ROOT } from '../config/index.js';

/** The workflow-side interceptors, built into the traced workflow bundle only (workers/bundle.ts, workers/worker.ts). */
export const WORKFLOW_TRACING_MODULE = join(PROJECT_ROOT, 'workflows', 'tracing.ts');

export interface Tracing {
  /** Whether spans go anywhere. */
  enabled: boolean;
  /** Interceptors and the sink the workflow bundle's interceptors send their spans to. */
  workerOptions: Pick<WorkerOptions, 'interceptors' | 'sinks'>;
  /** Sends what is buffered and stops. */
  shutdown(): Promise<void>;
}

/** A span processor that drops everything: the workflow's interceptors always export, and this takes it when tracing is off. */
const DROP: SpanProcessor = {
  onStart() {},
  onEnd() {},
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

export function createTracing(options: { endpoint: string | undefined; serviceName: string }): Tracing {
  const resource = new Resource({ 'service.name': options.serviceName });
  if (!options.endpoint) {
    return {
      enabled: false,
      workerOptions: { sinks: { exporter: makeWorkflowExporter(DROP, resource) } as InjectedSinks<never> },
      shutdown: () => Promise.resolve(),
    };
  }
  const processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: options.endpoint }));
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  // Global: the activity and client interceptors take their tracer from the API's global provider, and
  // the W3C propagator carries the trace context through Temporal's headers.
  provider.register();
  const tracer = trace.getTracer('breach-response');
  return {
    enabled: true,
    workerOptions: {
      interceptors: {
        activity: [
          (ctx) => ({
            inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }),
            outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
          }),
        ],
      },
      sinks: { exporter: makeWorkflowExporter(processor, resource) } as InjectedSinks<never>,
    },
    shutdown: () => provider.shutdown(),
  };
}
