// First: when tracing is configured, its instrumentations must hook http, express, graphql and pg before they load.
import { flushTracing, tracingEnabled } from './tracing';
import 'reflect-metadata';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { startApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config);
  if (tracingEnabled) logger.info({ endpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318' }, 'tracing on (OpenTelemetry, OTLP/HTTP)');
  let app;
  try {
    app = await startApp(config, logger);
  } catch (err) {
    logger.fatal({ err }, 'start-up failed');
    await flushTracing();
    process.exit(1);
  }
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    try {
      await app.stop();
      await flushTracing();
      logger.info('shutdown complete');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // A lost connection surfaces as an error on a request, never as a crash of the process.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
}

void main();
