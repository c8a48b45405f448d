import type { Request, Response, NextFunction } from 'express';
import type { AppConfig } from '../config';
import type { Logger } from '../logger';
import type { Database } from '../db/orm';
import { createContext, RequestContext } from '../context';
import { authenticate } from '../auth/authenticate';
import type { TokenVerifier } from '../auth/tokens';
import type { RateLimits } from '../auth/limits';
import { authenticatedPrincipal, callerKey } from './intake';
import { SqlTally, withSqlTally } from '../db/sql-counter';
import { mayWrite, ReadRouting } from '../db/replica';

/** What building a request's context needs (one per server). */
export interface ContextFactoryDeps {
  db: Database;
  config: AppConfig;
  logger: Logger;
  verifyToken: TokenVerifier;
  rateLimits: RateLimits;
  /** Where a request's reads go: the primary, or the read replica when one is configured. */
  routing: ReadRouting;
}

/**
 * The context of one request: authenticates its credentials (bearer token, API key, or none),
 * charges an API key's rate limit, and builds the scope every read and write of the request goes
 * through. /graphql builds its context here, and so must every other route that reads data, so
 * that one principal and one scope apply to all of them. An expired, malformed, unknown or revoked
 * credential throws UNAUTHENTICATED (401); it never falls back to anonymous.
 */
export async function createRequestContext(deps: ContextFactoryDeps, req: Request, sql: SqlTally): Promise<RequestContext> {
  const em = deps.db.orm.em.fork({ useContext: false });
  // /graphql authenticated before reading the body (src/http/intake.ts); other routes here.
  const principal = authenticatedPrincipal(req) ?? (await authenticate(em as never, req.headers, deps.verifyToken));
  sql.caller = callerKey(principal, req);
  const operations = Array.isArray(req.body) ? req.body.length : 1;
  if (principal.kind === 'key') await deps.rateLimits.consumeKey(principal.keyId, Math.max(1, operations));
  const { orm, target } = await deps.routing.ormFor(principal, () => mayWrite(req.method, req.body));
  const ctx = createContext(orm, deps.config, deps.logger, sql, principal, String(req.id ?? ''));
  ctx.readFromReplica = target === 'replica';
  ctx.batched = Array.isArray(req.body) && req.body.length > 1;
  return ctx;
}

/** Creates the RequestContext of an HTTP request (after `sqlTally` ran). */
export type ContextFactory = (req: Request, res: Response) => Promise<RequestContext>;

/**
 * The one way an HTTP request gets its RequestContext: /graphql and the REST routes (reports,
 * CSV exports) both call it, so the caller's principal, scope and identity apply to both.
 */
export function contextFactory(deps: ContextFactoryDeps): ContextFactory {
  return (req, res) => createRequestContext(deps, req, res.locals.sqlTally as SqlTally);
}

/** Runs the rest of the request inside its own SQL tally: every statement it causes is counted there. */
export function sqlTally(_req: Request, res: Response, next: NextFunction): void {
  // A second call (after the body was read, whose stream callbacks lose the async context) re-enters the same tally.
  const tally: SqlTally = (res.locals.sqlTally as SqlTally | undefined) ?? { statements: 0 };
  res.locals.sqlTally = tally;
  withSqlTally(tally, next);
}
