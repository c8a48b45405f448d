import { AsyncLocalStorage } from 'node:async_hooks';
import { DefaultLogger, LoggerOptions, LogContext, LoggerNamespace } from '@mikro-orm/core';

/** Per-request tally of the SQL statements MikroORM sends. */
export interface SqlTally {
  statements: number;
  /** The statements themselves, kept only when a test or a debug run asks for them. */
  log?: string[];
  /**
   * [start, end] (ms, performance.now()) of every statement, when known: statements whose spans overlap ran
   * in parallel and share one round trip (`roundTrips`).
   */
  spans?: [number, number][];
}

/** Records a statement in the tally of the current request (statements sent outside MikroORM: src/db/sql.ts). */
export function countStatement(sql: string, start: number, end: number): void {
  const tally = storage.getStore();
  if (!tally) return;
  tally.statements++;
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
    if (tally) {
      tally.statements++;
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
