import type { MikroORM } from '@mikro-orm/postgresql';
import { BadInputError } from '../errors';
import { currentSqlTally } from './sql-counter';

/**
 * Fair use of the connection pool, per request and per caller:
 * - a request may run at most `maxStatements` SQL statements (counted before each is sent);
 * - a caller (an API key, a staff member, or a client address for the public; the request's
 *   `SqlTally.caller`) may hold at most `perCaller` pooled connections at once, however many
 *   requests and statements it has in flight. Its other statements wait in the caller's own queue,
 *   not in the pool's, so one caller can never take the whole pool from the others.
 * Statements outside a request (start-up, migrations, seeding) are not gated.
 *
 * knex has no hook for either, so the ORM's one connection object and its knex client are wrapped
 * here, once, when the database opens (instance methods only; no prototype is touched).
 */
export interface GateOptions {
  maxStatements: number;
  perCaller: number;
  /** How long a statement may wait behind its own caller's statements (DB_CALLER_WAIT_MS). */
  callerWaitMs?: number;
}

/** A FIFO counting semaphore. */
class Semaphore {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}
  get idle(): boolean {
    return this.waiting.length === 0;
  }
  /** Resolves when a permit is taken; rejects after `timeoutMs` (the permit is then never taken). */
  async acquire(timeoutMs: number): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== grant);
        reject(new Error(`Knex: Timeout acquiring a connection: this caller's ${timeoutMs / 1000} s queue wait ran out.`));
      }, timeoutMs);
      timer.unref();
      this.waiting.push(grant);
    });
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * How long a statement may wait behind its own caller's statements before it fails as DATABASE_BUSY
 * (503), unless configured: a caller that keeps more work in flight than its connections can do
 * waits, then fails.
 */
const CALLER_WAIT_MS = 30_000;

export function statementCapError(max: number): BadInputError {
  return new BadInputError(`The request needs more than ${max} SQL statements; split it into smaller requests.`, undefined, {
    reason: 'MAX_STATEMENTS',
    maxStatements: max,
    http: { status: 400 },
  });
}

let defaultMaxStatements = Infinity;

/**
 * Counts one statement about to be sent against the request's cap; throws MAX_STATEMENTS beyond it.
 * Every way a statement leaves (MikroORM's connection below, src/db/sql.ts) calls it first.
 */
export function claimStatement(): void {
  const tally = currentSqlTally();
  if (!tally) return;
  tally.started = (tally.started ?? 0) + 1;
  const max = tally.maxStatements ?? defaultMaxStatements;
  if (tally.started > max) throw statementCapError(max);
}

export function installGate(orm: MikroORM, opts: GateOptions): void {
  defaultMaxStatements = opts.maxStatements;
  const connection = orm.em.getConnection() as unknown as { executeQuery: (query: string, cb: () => Promise<unknown>, context?: unknown) => Promise<unknown> };
  const executeQuery = connection.executeQuery.bind(connection);
  connection.executeQuery = (query, cb, context) => {
    try {
      claimStatement();
    } catch (err) {
      return Promise.reject(err);
    }
    return executeQuery(query, cb, context);
  };

  const client = (orm.em.getConnection() as unknown as { getKnex(): { client: KnexClient } }).getKnex().client;
  const acquire = client.acquireConnection.bind(client);
  const release = client.releaseConnection.bind(client);
  const perCaller = new Map<string, { sem: Semaphore; users: number }>();
  const held = new WeakMap<object, () => void>();
  client.acquireConnection = async () => {
    const caller = currentSqlTally()?.caller;
    if (!caller) return acquire();
    let entry = perCaller.get(caller);
    if (!entry) perCaller.set(caller, (entry = { sem: new Semaphore(opts.perCaller), users: 0 }));
    entry.users++;
    const done = () => {
      entry!.sem.release();
      if (--entry!.users === 0 && entry!.sem.idle) perCaller.delete(caller);
    };
    try {
      await entry.sem.acquire(opts.callerWaitMs ?? CALLER_WAIT_MS);
    } catch (err) {
      if (--entry.users === 0 && entry.sem.idle) perCaller.delete(caller);
      throw err;
    }
    let conn: object;
    try {
      conn = await acquire();
    } catch (err) {
      done();
      throw err;
    }
    held.set(conn, done);
    return conn;
  };
  client.releaseConnection = (conn: object) => {
    const done = held.get(conn);
    held.delete(conn);
    const released = release(conn);
    done?.();
    return released;
  };
}

interface KnexClient {
  acquireConnection(): Promise<object>;
  releaseConnection(conn: object): Promise<void>;
}
