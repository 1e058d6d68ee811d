/**
 * OpenTelemetry tracing of the API's Temporal calls (start, signal, update, query) through the SDK's
 * client interceptor, on when OTEL_EXPORTER_OTLP_ENDPOINT names a collector: the span context travels in
 * the calls' headers, so the worker's spans (workers/tracing.ts) join the request's trace.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';

export function clientTracing(
  endpoint: string | undefined,
  serviceName: string,
): { interceptors: WorkflowClientInterceptor[]; shutdown(): Promise<void> } {
  if (!endpoint) return { interceptors: [], shutdown: () => Promise.resolve() };
  const provider = new BasicTracerProvider({
    resource: new Resource({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: endpoint }))],
  });
  provider.register();
  return { interceptors: [new OpenTelemetryWorkflowClientInterceptor()], shutdown: () => provider.shutdown() };
}
