import http from 'node:http';
import type { AppConfig } from './config';
import type { Logger } from './logger';
import { metrics } from './metrics';

/** Seconds a client is told to wait before trying again while the API starts. */
export const STARTING_RETRY_AFTER = 5;

export interface LoadStep {
  name: string;
  state: 'pending' | 'running' | 'done' | 'failed';
  ms?: number;
  /** What it loaded (rows, units …), as the step reports it. */
  detail?: Record<string, unknown>;
}

/**
 * What the process has done so far: the start-up phases (opening the store, migrations, reference
 * data, demo data), then whatever continues in the background once the API serves. /health shows
 * it; while `ready` is false GraphQL answers UNAVAILABLE.
 */
export class Readiness {
  ready = false;
  failed = false;
  phase = 'starting the process';
  readonly startedAt = Date.now();
  readonly steps: LoadStep[] = [];
  /** Work that continues after the API serves (e.g. the larger part of the demo data). */
  background: { name: string; state: 'running' | 'done' | 'failed'; done: number; of: number; ms?: number } | null = null;

  constructor(private readonly logger?: Logger) {
    metrics.ready.set(0);
  }

  /** Runs one start-up step, logging its start and end and keeping it for /health. */
  async step<T>(name: string, fn: () => Promise<T>, describe: (r: T) => Record<string, unknown> | undefined = () => undefined): Promise<T> {
    const step: LoadStep = { name, state: 'running' };
    this.steps.push(step);
    this.phase = name;
    const started = Date.now();
    this.logger?.info({ step: name }, `start-up: ${name} …`);
    try {
      const result = await fn();
      step.state = 'done';
      step.ms = Date.now() - started;
      step.detail = describe(result);
      this.logger?.info({ step: name, ms: step.ms, ...step.detail }, `start-up: ${name} done`);
      return result;
    } catch (err) {
      step.state = 'failed';
      step.ms = Date.now() - started;
      throw err;
    }
  }

  markReady(): void {
    this.ready = true;
    this.phase = this.background?.state === 'running' ? `serving; loading ${this.background.name} in the background` : 'serving';
    metrics.ready.set(1);
  }

  /** What /health shows besides the database state. */
  describe(): Record<string, unknown> {
    return {
      phase: this.phase,
      startSeconds: Math.round((Date.now() - this.startedAt) / 100) / 10,
      loaded: this.steps.map((s) => ({ step: s.name, state: s.state, ...(s.ms !== undefined ? { seconds: Math.round(s.ms / 100) / 10 } : {}), ...s.detail })),
      ...(this.background
        ? {
            background: {
              ...this.background,
              percent: this.background.of ? Math.floor((100 * this.background.done) / this.background.of) : 0,
            },
          }
        : {}),
    };
  }
}

/** The answer of every request while the API starts: /health says so, the rest is UNAVAILABLE. */
function startingHandler(readiness: Readiness): http.RequestListener {
  return (req, res) => {
    res.setHeader('Connection', 'close');
    res.setHeader('Retry-After', String(STARTING_RETRY_AFTER));
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.statusCode = 503;
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') {
      res.end(JSON.stringify({ status: readiness.failed ? 'failed' : 'starting', ...readiness.describe() }));
      return;
    }
    const message = `The API is starting (${readiness.phase}); retry in ${STARTING_RETRY_AFTER} s.`;
    res.end(JSON.stringify({ errors: [{ message, extensions: { code: 'UNAVAILABLE', reason: 'STARTING', retryAfter: STARTING_RETRY_AFTER } }] }));
    // Drain the request body, if any, so the client sees the answer rather than a reset.
    req.resume();
  };
}

/**
 * Idle keep-alive connections stay open 65 s (Node's default is 5 s). A client that sends its next
 * request on a connection the server is closing at that very moment gets a reset (a POST is not
 * retried): the longer the server keeps idle connections, the rarer that race. 65 s is above the
 * idle timeouts of the usual proxies and load balancers (60 s), which then close first.
 */
export function keepAlive(server: http.Server): http.Server {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

/**
 * Binds the port before anything slow happens (opening the store, migrations, loading data), so
 * health checks and clients get an answer from the first second. The real application replaces
 * the handler once it is built (`startServer(…, { httpServer })`).
 */
export async function listenEarly(config: Pick<AppConfig, 'port' | 'host'>, readiness: Readiness): Promise<http.Server> {
  const server = keepAlive(http.createServer(startingHandler(readiness)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
