import { AsyncLocalStorage } from 'node:async_hooks';
import { DefaultLogger, LoggerOptions, LogContext, LoggerNamespace } from '@mikro-orm/core';

/** Per-request tally of the SQL statements MikroORM sends. */
export interface SqlTally {
  statements: number;
  /** The statements themselves, kept only when a test or a debug run asks for them. */
  log?: string[];
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
    }
    super.logQuery(context);
  }

  override isEnabled(namespace: LoggerNamespace, context?: LogContext): boolean {
    return super.isEnabled(namespace, context);
  }
}
