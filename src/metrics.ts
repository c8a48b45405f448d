import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus metrics (prom-client), served at GET /metrics (src/http/metrics.ts).
 * One registry per process; every server of the process (tests start several) feeds the same
 * series. Code that has something to count imports `metrics` and calls e.g.
 * `metrics.cacheHits.inc({ cache: 'figures' })`, `metrics.subscriptionsOpen.inc()` / `.dec()`.
 *
 * Label values are bounded: operation names are checked and capped (see `operationLabel`), outcomes
 * are error codes from a fixed list, never client text.
 */
export const registry = new Registry();
registry.setDefaultLabels({ service: 'edu-disclosure-api' });
// CPU, memory, heap, event-loop lag, GC, handles (prefixed process_ and nodejs_).
collectDefaultMetrics({ register: registry });

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const metrics = {
  /** One GraphQL operation, from the request's start to its response. */
  graphqlDuration: new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'Duration of GraphQL operations, by operation name, type and outcome (ok or the error code)',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: SECONDS,
    registers: [registry],
  }),
  /** SQL statements one GraphQL request ran (the x-sql-statements header). */
  sqlPerRequest: new Histogram({
    name: 'graphql_request_sql_statements',
    help: 'SQL statements run by one GraphQL request, by operation name',
    labelNames: ['operation'] as const,
    buckets: [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 100],
    registers: [registry],
  }),
  /** Time the database took for one GraphQL request's statements (sum of their durations). */
  dbTimePerRequest: new Histogram({
    name: 'graphql_request_db_seconds',
    help: 'Database time of one GraphQL request (sum of its statements), by operation name',
    labelNames: ['operation'] as const,
    buckets: SECONDS,
    registers: [registry],
  }),
  /** Every statement MikroORM sends, requests, start-up loads and background work alike. */
  sqlStatements: new Counter({ name: 'db_statements_total', help: 'SQL statements sent to the database', registers: [registry] }),
  sqlSeconds: new Counter({ name: 'db_statement_seconds_total', help: 'Time spent in SQL statements', registers: [registry] }),
  /** How long a statement waited for a pooled connection. */
  poolWait: new Histogram({
    name: 'db_pool_acquire_wait_seconds',
    help: 'Time waited for a connection from the pool',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  }),
  poolAcquireFailures: new Counter({ name: 'db_pool_acquire_failures_total', help: 'Connection requests that failed or timed out', registers: [registry] }),
  /** Pool sizes, read at scrape time (see `watchPool`). */
  poolConnections: new Gauge({
    name: 'db_pool_connections',
    help: 'Connections of the pool by state (used, free) and requests waiting for one (pending)',
    labelNames: ['state'] as const,
    registers: [registry],
  }),
  poolMax: new Gauge({ name: 'db_pool_max_connections', help: 'Largest size of the pool', registers: [registry] }),
  /** Rows stored by the bulk ingest mutations (counted after commit; replays are not counted). */
  ingestRows: new Counter({ name: 'ingest_rows_total', help: 'Rows stored by ingest mutations, by operation', labelNames: ['operation'] as const, registers: [registry] }),
  /**
   * Rollup rows written (inserted or updated): by the triggers of an ingest (read in its transaction
   * from PostgreSQL's statistics) and by rebuilds. Single-row mutations' few rows are not counted.
   */
  rollupRowsWritten: new Counter({
    name: 'rollup_rows_written_total',
    help: 'Rows written to stat_rollup by ingests (their triggers) and rebuilds, by source',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  /** Requests refused by a rate limit (429), by limit (address or apiKey). */
  rateLimitRefusals: new Counter({ name: 'rate_limit_refusals_total', help: 'Requests refused by a rate limit', labelNames: ['limit'] as const, registers: [registry] }),
  /** Hits and misses of the API's caches, by cache name (fed by the caching layer). */
  cacheHits: new Counter({ name: 'cache_hits_total', help: 'Cache hits, by cache', labelNames: ['cache'] as const, registers: [registry] }),
  cacheMisses: new Counter({ name: 'cache_misses_total', help: 'Cache misses, by cache', labelNames: ['cache'] as const, registers: [registry] }),
  /** Open GraphQL subscriptions (fed by the subscription transport: inc on start, dec on end). */
  subscriptionsOpen: new Gauge({ name: 'graphql_subscriptions_open', help: 'Open GraphQL subscriptions', registers: [registry] }),
  /** Start-up: 0 while starting, 1 once the API serves. */
  ready: new Gauge({ name: 'app_ready', help: '1 once the API serves requests, 0 while it starts', registers: [registry] }),
};

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_OPERATION_NAMES = 200;
const seenOperations = new Set<string>();

/**
 * The label of an operation name: the name if it is a GraphQL name, '(anonymous)' without one,
 * and '(other)' once 200 distinct names have been seen (clients choose names: the series must stay bounded).
 */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return '(anonymous)';
  if (!OPERATION_NAME.test(name)) return '(other)';
  if (seenOperations.has(name)) return name;
  if (seenOperations.size >= MAX_OPERATION_NAMES) return '(other)';
  seenOperations.add(name);
  return name;
}

/** The pool of knex (tarn.js) as far as the metrics read it. */
interface TarnPool {
  max: number;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  on(event: 'acquireRequest' | 'acquireSuccess' | 'acquireFail', fn: (eventId: number) => void): void;
}

const pools = new Set<TarnPool>();
const watched = new WeakSet<object>();

/** Feeds the pool metrics from a knex pool: waits as they happen, sizes at scrape time. */
export function watchPool(pool: TarnPool | undefined | null): () => void {
  if (!pool || watched.has(pool)) return () => undefined;
  watched.add(pool);
  pools.add(pool);
  const asked = new Map<number, number>();
  pool.on('acquireRequest', (id) => asked.set(id, performance.now()));
  pool.on('acquireSuccess', (id) => {
    const t = asked.get(id);
    asked.delete(id);
    if (t !== undefined) metrics.poolWait.observe((performance.now() - t) / 1000);
  });
  pool.on('acquireFail', (id) => {
    asked.delete(id);
    metrics.poolAcquireFailures.inc();
  });
  return () => pools.delete(pool);
}

/** Reads the sizes of the watched pools (called by the scrape). */
export function readPools(): void {
  let used = 0;
  let free = 0;
  let pending = 0;
  let max = 0;
  for (const p of pools) {
    used += p.numUsed();
    free += p.numFree();
    pending += p.numPendingAcquires();
    max += p.max;
  }
  metrics.poolConnections.set({ state: 'used' }, used);
  metrics.poolConnections.set({ state: 'free' }, free);
  metrics.poolConnections.set({ state: 'pending' }, pending);
  metrics.poolMax.set(max);
}
