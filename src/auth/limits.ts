import type { RequestHandler } from 'express';
import { metrics } from '../metrics';
import { GraphQLError } from 'graphql';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from '../redis';
import type { AppConfig } from '../config';
import { BadInputError, ErrorCode } from '../errors';

/**
 * Limits that keep one caller from hurting the others: operations per batched request, and
 * requests per minute per client address and per API key. Depth, aliases, directives, tokens and
 * cost are in src/http/limits-plugin.ts; body sizes in src/http/intake.ts.
 */

/** The JSON body of a GraphQL error answered by a middleware before Apollo sees the request. */
export function errorBody(message: string, extensions: Record<string, unknown>) {
  return { errors: [{ message, extensions }] };
}

/** Refuses a batched HTTP request (a JSON array) with more than `maxBatch` operations. */
export function batchCap(maxBatch: number): RequestHandler {
  return (req, res, next) => {
    if (Array.isArray(req.body) && req.body.length > maxBatch) {
      res.status(400).json(errorBody(`A batched request may hold at most ${maxBatch} operations; it held ${req.body.length}.`, { code: ErrorCode.BAD_USER_INPUT, reason: 'MAX_BATCH', maxBatch }));
      return;
    }
    next();
  };
}

/**
 * A limiter of `points` per minute: in this process, or in Redis when there is one, so that every
 * API instance behind one address counts against the same budget. While Redis is away the
 * process's own counter takes over (rate-limiter-flexible's insurance limiter), so a lost Redis
 * neither fails requests nor lifts the limit.
 */
function limiter(name: string, points: number, redis: Redis | null, redisPrefix: string): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix: name, points, duration: 60 });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis,
    useRedisPackage: true,
    rejectIfRedisNotReady: true,
    keyPrefix: `${redisPrefix}rl:${name}`,
    points,
    duration: 60,
    insuranceLimiter: memory,
  });
}

export class RateLimits {
  private readonly perIp: RateLimiterAbstract | null;
  private readonly perKey: RateLimiterAbstract | null;

  constructor(limits: AppConfig['limits'], redis: Redis | null = null, redisPrefix = '') {
    this.perIp = limits.ratePerIp > 0 ? limiter('ip', limits.ratePerIp, redis, redisPrefix) : null;
    this.perKey = limits.ratePerKey > 0 ? limiter('key', limits.ratePerKey, redis, redisPrefix) : null;
  }

  /** Express middleware: each operation of the request costs one point of the client address. */
  ipMiddleware(): RequestHandler {
    return async (req, res, next) => {
      if (!this.perIp) return next();
      // Mounted in front of several route groups: a request that passes through more than one (the
      // imports, the final 404) is counted once.
      if (res.locals.ipCounted) return next();
      res.locals.ipCounted = true;
      const points = Array.isArray(req.body) ? Math.max(1, req.body.length) : 1;
      try {
        await this.perIp.consume(req.ip ?? req.socket.remoteAddress ?? 'unknown', points);
        next();
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) return next(err);
        const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        res.set('Retry-After', String(retryAfter));
        metrics.rateLimitRefusals.inc({ limit: 'address' });
        res.status(429).json(errorBody(`Too many requests from this address; retry after ${retryAfter} s.`, { code: ErrorCode.RATE_LIMITED, retryAfter, limit: 'address' }));
      }
    };
  }

  /** One point of an authenticated API key (after its hash matched, so nobody spends another's points). */
  async consumeKey(keyId: string, points: number): Promise<void> {
    if (!this.perKey) return;
    try {
      await this.perKey.consume(keyId, points);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      metrics.rateLimitRefusals.inc({ limit: 'apiKey' });
      throw new GraphQLError(`Too many requests with this API key; retry after ${retryAfter} s.`, {
        extensions: { code: ErrorCode.RATE_LIMITED, retryAfter, limit: 'apiKey', http: { status: 429, headers: new Map([['retry-after', String(retryAfter)]]) } },
      });
    }
  }
}
