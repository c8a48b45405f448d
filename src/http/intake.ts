import express, { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Database } from '../db/orm';
import type { SqlTally } from '../db/sql-counter';
import { authenticate } from '../auth/authenticate';
import type { TokenVerifier } from '../auth/tokens';
import { permissionsOf, Principal, UnauthenticatedError } from '../auth/principal';
import { errorBody } from '../auth/limits';
import { databaseFault, ErrorCode, faultStatus, RETRY_AFTER_S } from '../errors';

/**
 * How a /graphql request comes in: its credentials are checked from the headers first, before a
 * byte of the body is read; then the body is read with the limit of the caller's kind (small for
 * the public and read-only credentials, larger for credentials that may write). An anonymous 17 MB
 * body is refused from its Content-Length, and a bad credential never gets its body parsed.
 */

const principals = new WeakMap<Request, Principal>();

/** The principal authenticated by `authenticateFirst`, if it ran for this request. */
export function authenticatedPrincipal(req: Request): Principal | undefined {
  return principals.get(req);
}

/** The key of the caller's queue of database work (src/db/gate.ts). */
export function callerKey(p: Principal, req: Request): string {
  if (p.kind === 'key') return `key:${p.keyId}`;
  if (p.kind === 'staff') return `staff:${p.unit.tenantId}:${p.sub}`;
  return `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
}

/** Runs `send` once the unread request body has been discarded (at once beyond 64 MB). */
function afterDrain(req: Request, send: () => void): void {
  let sent = false;
  const once = () => {
    if (!sent) (sent = true), send();
  };
  if (Number(req.headers['content-length'] ?? 0) > 64 * 1024 * 1024 || req.readableEnded) return once();
  req.once('end', once);
  req.once('error', once);
  req.resume();
}

export function authenticateFirst(db: Database, verify: TokenVerifier): RequestHandler {
  return async (req, res, next) => {
    const tally = res.locals.sqlTally as SqlTally | undefined;
    if (tally) tally.caller = `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
    try {
      const principal = await authenticate(db.orm.em.fork({ useContext: false }) as unknown as EntityManager, req.headers, verify);
      principals.set(req, principal);
      if (tally) tally.caller = callerKey(principal, req);
      next();
    } catch (err) {
      if (err instanceof UnauthenticatedError) {
        // Answered without reading the body; the upload is drained (not kept) so the client reads the 401.
        res.set('Connection', 'close');
        afterDrain(req, () => res.status(401).json(errorBody(err.message, { code: ErrorCode.UNAUTHENTICATED })));
        return;
      }
      const fault = databaseFault(err);
      if (fault) {
        res.set('Retry-After', String(RETRY_AFTER_S));
        res.status(faultStatus(fault)).json(errorBody('The database is unavailable; retry shortly.', { code: ErrorCode.INTERNAL_SERVER_ERROR, reason: fault, retryable: true }));
        return;
      }
      next(err);
    }
  };
}

/** Reads the JSON body with the limit of the caller's kind. */
export function bodyByCaller(limits: { bodyLimitPublic: number; bodyLimitWriter: number }): RequestHandler {
  const small = express.json({ limit: limits.bodyLimitPublic });
  const large = express.json({ limit: limits.bodyLimitWriter });
  return (req, res, next) => {
    const p = principals.get(req);
    const writer = !!p && permissionsOf(p).size > 0;
    res.locals.bodyLimit = writer ? limits.bodyLimitWriter : limits.bodyLimitPublic;
    (writer ? large : small)(req, res, next);
  };
}

/**
 * Errors of the body parser as GraphQL errors with their 4xx status (413 for a body over the
 * caller's limit, 400 for malformed JSON); never the default HTML page with a stack trace.
 */
export const bodyErrors: ErrorRequestHandler = (err, _req, res, next) => {
  const status = Number(err?.status ?? err?.statusCode);
  if (res.headersSent || !(status >= 400 && status < 500)) return next(err);
  if (status === 413) {
    // Refused from its Content-Length, unread: the rest of the upload is discarded as it arrives
    // (not buffered, not parsed), so that the client reads this answer instead of a reset.
    res.set('Connection', 'close');
    const limit = Number(res.locals.bodyLimit);
    const send = () => {
      if (!res.headersSent) res.status(413).json(errorBody(`The request body is larger than the ${limit} bytes allowed to this caller.`, { code: ErrorCode.BAD_USER_INPUT, reason: 'BODY_TOO_LARGE', limit }));
    };
    // Up to 64 MB is drained (a few ms on a socket, nothing kept) before answering; beyond, answer at once.
    if (Number(_req.headers['content-length'] ?? 0) > 64 * 1024 * 1024 || _req.readableEnded) return send();
    _req.once('end', send);
    _req.once('error', send);
    _req.resume();
    return;
  }
  res.status(status).json(errorBody(status === 400 ? 'The request body is not valid JSON.' : 'The request body cannot be read.', { code: ErrorCode.BAD_USER_INPUT, reason: String(err?.type ?? 'BAD_REQUEST') }));
};
