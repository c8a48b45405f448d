import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import type { Logger } from './logger';

/** The codes clients see in `extensions.code`. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Bad input: names the offending argument path in `extensions.field`. */
export class BadInputError extends GraphQLError {
  constructor(message: string, field?: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...(field ? { field } : {}), ...extra } });
  }
}

export class NotFoundError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: ErrorCode.NOT_FOUND } });
  }
}

export class ForbiddenError extends GraphQLError {
  constructor(message = 'Not allowed') {
    super(message, { extensions: { code: ErrorCode.FORBIDDEN } });
  }
}

/** Connection-level failures of the driver: the database is away, not the query wrong. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

export function isDatabaseUnavailable(err: unknown): boolean {
  let cur: any = err;
  for (let i = 0; cur && i < 5; i++) {
    if (typeof cur.code === 'string' && UNAVAILABLE_CODES.has(cur.code)) return true;
    const msg = String(cur.message ?? '');
    if (/Knex: Timeout acquiring a connection|Connection terminated|connect ECONNREFUSED|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(msg)) {
      return true;
    }
    cur = cur.cause ?? cur.originalError;
  }
  return false;
}

interface ValidationErrorLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

/** The first class-validator violation, with its dotted path (`filter.search`). */
function firstViolation(errors: ValidationErrorLike[] | undefined, prefix = ''): { field?: string; message?: string } {
  for (const e of errors ?? []) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints && Object.keys(e.constraints).length) return { field: path, message: String(Object.values(e.constraints)[0]) };
    const nested = firstViolation(e.children, path);
    if (nested.field) return nested;
  }
  return {};
}

const VALIDATION_CODES = new Set<string>([
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.BAD_USER_INPUT,
  ApolloServerErrorCode.BAD_REQUEST,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND,
]);

/**
 * One place decides what a client sees of an error. Errors we raise on purpose keep their code;
 * malformed documents, unknown fields and enum values become BAD_USER_INPUT (the original Apollo
 * code stays in `extensions.reason`); anything else is logged with its stack and answered as a
 * bare INTERNAL_SERVER_ERROR, never with a stack trace or SQL.
 */
export function createErrorFormatter(logger: Logger, development: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code as string | undefined;

    if (original instanceof ArgumentValidationError) {
      const { field, message } = firstViolation(original.extensions.validationErrors as ValidationErrorLike[]);
      return {
        message: message ?? formatted.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: ErrorCode.BAD_USER_INPUT, ...(field ? { field } : {}) },
      };
    }
    if (original instanceof BadInputError) {
      // Our own bad-input errors keep every extension they carry (field, reason, rowErrors …).
      const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: development ? formatted.extensions : extensions };
    }
    if (code && VALIDATION_CODES.has(code)) {
      return {
        message: formatted.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: {
          code: ErrorCode.BAD_USER_INPUT,
          ...(code !== ErrorCode.BAD_USER_INPUT ? { reason: code } : {}),
          ...(formatted.extensions?.field ? { field: formatted.extensions.field } : {}),
        },
      };
    }
    if (code && code !== ErrorCode.INTERNAL_SERVER_ERROR && (Object.values(ErrorCode) as string[]).includes(code)) {
      const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions: development ? formatted.extensions : extensions };
    }
    if (isDatabaseUnavailable(original)) {
      logger.warn({ err: original }, 'database unavailable');
      return {
        message: 'The database is unavailable; retry shortly.',
        path: formatted.path,
        extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, reason: 'DATABASE_UNAVAILABLE', retryable: true },
      };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error');
    return {
      message: development ? formatted.message : 'Internal server error',
      path: formatted.path,
      extensions: {
        code: ErrorCode.INTERNAL_SERVER_ERROR,
        ...(development && original instanceof Error ? { stacktrace: original.stack?.split('\n') } : {}),
      },
    };
  };
}
