// Node 22+: cache compiled code on disk, so later starts load the modules faster (no-op on Node 20).
(require('node:module') as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// First: when tracing is configured, its instrumentations must hook http, express, graphql and pg before they load.
import { flushTracing, tracingEnabled } from './tracing';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { listenEarly, Readiness } from './startup';
import type { App } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config);
  if (tracingEnabled) logger.info({ endpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318' }, 'tracing on (OpenTelemetry, OTLP/HTTP)');
  let app: App;
  try {
    // The port answers before the application's modules load (seconds on a busy machine).
    const readiness = new Readiness(logger);
    const server = await listenEarly(config, readiness);
    const address = server.address();
    logger.info({ port: typeof address === 'object' && address ? address.port : config.port }, 'listening; starting up');
    // The embedded store opens in its worker thread (on the other core) while this thread loads
    // the application's modules and builds the schema.
    // A new store with the default demo starts from the build's demo template (reference data and
    // seed figures already in); any other new store from the schema template.
    const demoTemplate = config.seedOnEmpty && config.demoData && config.seedScale === 1;
    const embedded = config.databaseUrl
      ? undefined
      : (require('./db/embedded') as typeof import('./db/embedded')).startEmbedded(config.dataDir, { template: demoTemplate ? 'demo' : 'schema' });
    embedded?.catch(() => undefined); // awaited (and reported) by the opening step
    // Load the heavy modules one by one, answering the port between them.
    for (const m of ['graphql', 'express', '@apollo/server', '@mikro-orm/core', '@mikro-orm/postgresql', 'type-graphql', './schema']) {
      require(m);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await (require('./schema') as typeof import('./schema')).getSchema();
    const { startApp } = require('./app') as typeof import('./app');
    app = await startApp(config, logger, { early: { server, readiness, embedded } });
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
