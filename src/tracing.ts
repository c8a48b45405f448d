/**
 * OpenTelemetry traces, only when configured: `OTEL_EXPORTER_OTLP_ENDPOINT` set (and `TRACING` not
 * `false`), or `TRACING=true` (then the exporter's default, http://localhost:4318). Off by default,
 * and then it costs nothing: not one OpenTelemetry module is loaded.
 *
 * main.ts imports this module first, because the instrumentations hook `require`: http, express,
 * graphql and pg must be loaded after them. Spans: incoming HTTP requests (not /health, /metrics),
 * express middleware, GraphQL parse/validate/execute and resolvers (trivial ones skipped, list items
 * merged, to depth `TRACING_RESOLVER_DEPTH`, default 3), and PostgreSQL statements (the SQL text with
 * its placeholders, never the values). Sampling follows the parent's decision, else
 * `OTEL_TRACES_SAMPLER_ARG` (ratio 0–1, default 1). Exported over OTLP/HTTP (JSON) in batches.
 */
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export function tracingWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true' || env.TRACING === 'false') return false;
  return env.TRACING === 'true' || Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

let provider: NodeTracerProvider | null = null;

function startTracing(env: NodeJS.ProcessEnv): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeTracerProvider: Provider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } =
    require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
  const { GraphQLInstrumentation } = require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');

  const ratio = Number(env.OTEL_TRACES_SAMPLER_ARG ?? '1');
  const depth = Number(env.TRACING_RESOLVER_DEPTH ?? '3');
  provider = new Provider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? 'edu-disclosure-api' }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 1) }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url === '/health' || req.url === '/metrics' }),
      new ExpressInstrumentation(),
      new GraphQLInstrumentation({ ignoreTrivialResolveSpans: true, mergeItems: true, depth: Number.isFinite(depth) ? depth : 3, allowValues: false }),
      new PgInstrumentation({ enhancedDatabaseReporting: false, requestHook: (span) => redactStatement(span as unknown as RecordedSpan) }),
    ],
  });
}

interface RecordedSpan {
  attributes?: Record<string, unknown>;
  setAttribute(key: string, value: string): unknown;
}

/**
 * MikroORM inlines the values into the SQL it sends: a statement's text may hold names, contacts or
 * subjects. Spans keep its shape only: string literals, dollar-quoted bodies and numbers become `?`.
 */
export function redactSql(sql: string): string {
  return sql
    .replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, '?')
    .replace(/(?:(?<![A-Za-z0-9_])[EeXxBbUu])?'(?:[^']|'')*'/g, '?')
    .replace(/(?<![A-Za-z0-9_."$])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![A-Za-z0-9_"])/g, '?');
}

function redactStatement(span: RecordedSpan): void {
  for (const key of ['db.statement', 'db.query.text']) {
    const value = span.attributes?.[key];
    if (typeof value === 'string') span.setAttribute(key, redactSql(value));
  }
}

/** Sends the spans still buffered (at shutdown). */
export async function flushTracing(): Promise<void> {
  await provider?.shutdown().catch(() => undefined);
}

export const tracingEnabled = tracingWanted();
if (tracingEnabled) startTracing(process.env);
