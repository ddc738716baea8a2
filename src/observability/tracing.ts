import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';

/** Tracing as started from the environment: spans go to `provider`; `shutdown` flushes them. */
export interface StartedTracing {
  readonly provider: NodeTracerProvider;
  /** Which exporter: `otlp` or `console`. */
  readonly exporter: string;
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry tracing of sync runs and API requests — off by default, on with the standard variables
 * (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/):
 * - `OTEL_TRACES_EXPORTER=otlp` (or `console`), or an `OTEL_EXPORTER_OTLP_ENDPOINT` /
 *   `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, turns it on; the OTLP/HTTP exporter reads its endpoint, headers and
 *   timeout from the `OTEL_EXPORTER_OTLP_*` variables itself;
 * - `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` keeps it off;
 * - `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` name the service (default `entra-teams-idm`);
 * - `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG` and `OTEL_BSP_*` are read by the SDK.
 * The specification's default exporter is `otlp`; here nothing is sent anywhere unless one of the variables above
 * asks for it, so an app without a collector never tries to reach one.
 * @returns undefined when tracing is off.
 */
export function startTracing(env: Readonly<Record<string, string | undefined>>): StartedTracing | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const named = (env.OTEL_TRACES_EXPORTER ?? '').trim().toLowerCase();
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const exporterName = named !== '' ? named : endpoint !== undefined && endpoint !== '' ? 'otlp' : 'none';
  if (exporterName === 'none') return undefined;
  let exporter: SpanExporter;
  if (exporterName === 'otlp') exporter = new OTLPTraceExporter();
  else if (exporterName === 'console') exporter = new ConsoleSpanExporter();
  else {
    throw new Error(
      `OTEL_TRACES_EXPORTER: '${exporterName}' is not supported here — use otlp, console or none.`,
    );
  }
  const resource = resourceFromAttributes({ 'service.name': 'entra-teams-idm' }).merge(
    detectResources({ detectors: [envDetector] }),
  );
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  // Registers the provider and Node's async context, so an API request's span is the parent of what it causes.
  provider.register();
  return { provider, exporter: exporterName, shutdown: () => provider.shutdown() };
}
