import cors from 'cors';
import type { RequestHandler } from 'express';

/** Request headers a browser client may send: credentials, JSON, and Apollo's CSRF-prevention and caching headers. */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'x-api-key',
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'if-none-match',
  'x-request-id',
];

/** Response headers a cross-origin script may read. */
export const CORS_EXPOSED_HEADERS = ['x-sql-statements', 'x-request-id', 'retry-after', 'etag'];

/** How long a browser may reuse a preflight answer, in seconds. */
export const CORS_MAX_AGE = 600;

/**
 * CORS for every route (the `cors` package): `origins` is `['*']` (any origin) or a list. The
 * allowed origin is echoed back with `Vary: Origin`, never with `Access-Control-Allow-Credentials`:
 * credentials travel in the authorization and x-api-key headers, not in cookies. A preflight
 * (`OPTIONS`) is answered 204 here and goes no further. An origin not allowed gets no CORS headers,
 * so the browser refuses to hand the answer to the page.
 */
export function corsMiddleware(origins: string[]): RequestHandler {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return cors({
    origin: (origin, done) => done(null, any || (origin !== undefined && allowed.has(origin))),
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    credentials: false,
    maxAge: CORS_MAX_AGE,
    optionsSuccessStatus: 204,
  });
}
