import { AsyncLocalStorage } from 'node:async_hooks';
import { DefaultLogger, LoggerOptions, LogContext, LoggerNamespace } from '@mikro-orm/core';
import { metrics } from '../metrics';

/** Per-request tally of the SQL statements MikroORM sends. */
export interface SqlTally {
  statements: number;
  /** Milliseconds the database took for them (as MikroORM timed each statement). */
  ms?: number;
  /** The statements themselves, kept only when a test or a debug run asks for them. */
  log?: string[];
}

const storage = new AsyncLocalStorage<SqlTally>();

/** Runs `fn` with a fresh tally; every statement sent inside its async scope is counted there. */
export function withSqlTally<T>(tally: SqlTally, fn: () => T): T {
  return storage.run(tally, fn);
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
    metrics.sqlStatements.inc();
    metrics.sqlSeconds.inc(took / 1000);
    if (tally) {
      tally.statements++;
      tally.ms = (tally.ms ?? 0) + took;
      tally.log?.push(context.query);
    }
    super.logQuery(context);
  }

  override isEnabled(namespace: LoggerNamespace, context?: LogContext): boolean {
    return super.isEnabled(namespace, context);
  }
}
