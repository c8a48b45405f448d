import { AsyncLocalStorage } from 'node:async_hooks';
import { DefaultLogger, LoggerOptions, LogContext, LoggerNamespace } from '@mikro-orm/core';
import { metrics } from '../metrics';

/** Per-request tally of the SQL statements MikroORM sends. */
export interface SqlTally {
  statements: number;
  /** Milliseconds the database took for them (as each statement was timed by MikroORM or src/db/sql.ts). */
  ms?: number;
  /** The statements themselves, kept only when a test or a debug run asks for them. */
  log?: string[];
  /** Statements sent or about to be sent (src/db/gate.ts caps it per request). */
  started?: number;
  /** The request's statement cap (src/db/gate.ts); the gate's default when unset. */
  maxStatements?: number;
  /** Who the request is for ('key:<id>', 'staff:<tenant>:<sub>', 'ip:<address>'): the gate's per-caller queue. */
  caller?: string;
  /**
   * [start, end] (ms, performance.now()) of every statement, when known: statements whose spans overlap ran
   * in parallel and share one round trip (`roundTrips`).
   */
  spans?: [number, number][];
}

const observers = new Set<(sql: string) => void>();

/**
 * Calls `fn` with the text of every statement this process sends, through MikroORM or
 * src/db/sql.ts, until the returned function is called (the tenancy invariant test reads them).
 */
export function observeStatements(fn: (sql: string) => void): () => void {
  observers.add(fn);
  return () => observers.delete(fn);
}

/** Records a statement in the tally of the current request (statements sent outside MikroORM: src/db/sql.ts). */
export function countStatement(sql: string, start: number, end: number): void {
  for (const o of observers) o(sql);
  metrics.sqlStatements.inc();
  metrics.sqlSeconds.inc((end - start) / 1000);
  const tally = storage.getStore();
  if (!tally) return;
  tally.statements++;
  tally.ms = (tally.ms ?? 0) + (end - start);
  tally.log?.push(sql);
  (tally.spans ??= []).push([start, end]);
}

/**
 * Dependent round trips of a request: the number of groups of statements whose time spans overlap
 * (statements sent together, e.g. by loaders of one tick, count once; one that waited for another's
 * answer counts again).
 */
export function roundTrips(tally: SqlTally): number {
  const spans = [...(tally.spans ?? [])].sort((a, b) => a[0] - b[0]);
  let trips = 0;
  let end = -Infinity;
  for (const [s, e] of spans) {
    if (s > end) trips++;
    end = Math.max(end, e);
  }
  return trips;
}

const storage = new AsyncLocalStorage<SqlTally>();

/** Runs `fn` with a fresh tally; every statement sent inside its async scope is counted there. */
export function withSqlTally<T>(tally: SqlTally, fn: () => T): T {
  return storage.run(tally, fn);
}

/** Runs `fn` outside any request's tally (background work a request merely triggered). */
export function outsideSqlTally<T>(fn: () => T): T {
  return storage.exit(fn);
}

export function currentSqlTally(): SqlTally | undefined {
  return storage.getStore();
}

/**
 * MikroORM logger that counts every statement in the tally of the request that sent it (the same
 * mechanism MikroORM's own tests use to assert SQL: capture the logger), and forwards to the
 * default logger, which prints only when the `query` namespace is enabled.
 */
export class SqlCountingLogger extends DefaultLogger {
  constructor(options: LoggerOptions) {
    super(options);
  }

  override logQuery(context: { query: string } & LogContext): void {
    const tally = storage.getStore();
    const took = typeof context.took === 'number' ? context.took : 0;
    for (const o of observers) o(context.query);
    metrics.sqlStatements.inc();
    metrics.sqlSeconds.inc(took / 1000);
    if (tally) {
      tally.statements++;
      tally.ms = (tally.ms ?? 0) + took;
      tally.log?.push(context.query);
      const end = performance.now();
      (tally.spans ??= []).push([end - (context.took ?? 0), end]);
    }
    super.logQuery(context);
  }

  override isEnabled(namespace: LoggerNamespace, context?: LogContext): boolean {
    return super.isEnabled(namespace, context);
  }
}
