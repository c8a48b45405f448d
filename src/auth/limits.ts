import type { RequestHandler } from 'express';
import { GraphQLError, GraphQLSchema, DocumentNode } from 'graphql';
import depthLimit from 'graphql-depth-limit';
import { ComplexityEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from '../redis';
import type { AppConfig } from '../config';
import { BadInputError, ErrorCode } from '../errors';

/**
 * Limits that keep one caller from hurting the others: depth (a validation rule), cost (every field
 * 1, a field with `first` costs `first` times its selection), operations per batched request, and
 * requests per minute per client address and per API key.
 */

/** graphql-depth-limit as a validation rule; introspection fields are not counted. */
export function depthRule(maxDepth: number) {
  return depthLimit(maxDepth);
}

/**
 * A list field is priced by its `first`: 1 + first × (cost of one element). A `first` beyond
 * MAX_PAGE_SIZE is priced at MAX_PAGE_SIZE: the field itself refuses it, naming the argument.
 */
function firstEstimator(maxFirst: number): ComplexityEstimator {
  return ({ args, childComplexity }) =>
    typeof args.first === 'number' ? 1 + Math.min(maxFirst, Math.max(0, args.first)) * Math.max(1, childComplexity) : undefined;
}

/**
 * The cost of the operation, or null when it cannot be priced (bad variables, unknown enum
 * values …): execution then answers the precise BAD_USER_INPUT.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined | null,
  variables: Record<string, unknown> | undefined,
  maxFirst: number,
): number | null {
  try {
    return getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      estimators: [firstEstimator(maxFirst), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    return null;
  }
}

export function costError(cost: number, maxCost: number): GraphQLError {
  return new BadInputError(`The operation costs ${cost}, more than the ${maxCost} allowed: ask for fewer rows (lower \`first\`) or fewer fields.`, undefined, {
    reason: 'MAX_COST',
    cost,
    maxCost,
    http: { status: 400 },
  });
}

/** The JSON body of a GraphQL error answered by a middleware before Apollo sees the request. */
function errorBody(message: string, extensions: Record<string, unknown>) {
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
      const points = Array.isArray(req.body) ? Math.max(1, req.body.length) : 1;
      try {
        await this.perIp.consume(req.ip ?? req.socket.remoteAddress ?? 'unknown', points);
        next();
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) return next(err);
        const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        res.set('Retry-After', String(retryAfter));
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
      throw new GraphQLError(`Too many requests with this API key; retry after ${retryAfter} s.`, {
        extensions: { code: ErrorCode.RATE_LIMITED, retryAfter, limit: 'apiKey', http: { status: 429, headers: new Map([['retry-after', String(retryAfter)]]) } },
      });
    }
  }
}
