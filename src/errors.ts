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
  return databaseFault(err) !== null;
}

/**
 * What kind of database fault an error is, if any: the database away (DATABASE_UNAVAILABLE), the
 * pool busy for longer than the acquire timeout (DATABASE_BUSY), or a statement cancelled by
 * `statement_timeout` (STATEMENT_TIMEOUT). Each answers 503 (504 for the timeout) with Retry-After.
 */
export function databaseFault(err: unknown): 'DATABASE_UNAVAILABLE' | 'DATABASE_BUSY' | 'STATEMENT_TIMEOUT' | null {
  let cur: any = err;
  for (let i = 0; cur && i < 5; i++) {
    const msg = String(cur.message ?? '');
    if (cur.code === '57014' && /statement timeout/i.test(msg)) return 'STATEMENT_TIMEOUT';
    if (/Knex: Timeout acquiring a connection/i.test(msg)) return 'DATABASE_BUSY';
    if (typeof cur.code === 'string' && UNAVAILABLE_CODES.has(cur.code)) return 'DATABASE_UNAVAILABLE';
    if (/Connection terminated|connect ECONNREFUSED|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(msg)) {
      return 'DATABASE_UNAVAILABLE';
    }
    cur = cur.cause ?? cur.originalError;
  }
  return null;
}

/** PostgreSQL refusing a value's characters (a NUL byte, an invalid sequence): the input is bad, not the server. */
function isBadCharacters(err: unknown): boolean {
  let cur: any = err;
  for (let i = 0; cur && i < 5; i++) {
    if (cur.code === '22021' || cur.code === '22P05') return true;
    cur = cur.cause ?? cur.originalError;
  }
  return false;
}

/** Seconds a client is asked to wait after a database fault. */
export const RETRY_AFTER_S = 5;

/** The HTTP status of a database fault reason: 504 for a statement timeout, 503 for the others, 0 for none. */
export function faultStatus(reason: unknown): number {
  if (reason === 'STATEMENT_TIMEOUT') return 504;
  return reason === 'DATABASE_UNAVAILABLE' || reason === 'DATABASE_BUSY' ? 503 : 0;
}

/** The HTTP status of each code, for answers outside GraphQL (the REST routes). */
const CODE_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
};

const FAULT_MESSAGES = {
  DATABASE_UNAVAILABLE: 'The database is unavailable; retry shortly.',
  DATABASE_BUSY: 'The database is busy; retry shortly.',
  STATEMENT_TIMEOUT: 'The request took longer than the statement timeout; retry later or ask for less.',
} as const;

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

/**
 * The place of a variable value GraphQL refused, from its message (`Variable "$rows" got invalid
 * value … at "rows[42].receivedAt"`), as a field path: `variables.rows.42.receivedAt`.
 */
function variableField(message: string): { field?: string } {
  const m = /^Variable "\$(\w+)" (?:got invalid value .*? at "([^"]+)"|got invalid value|of )/s.exec(message);
  if (!m) return {};
  return { field: `variables.${(m[2] ?? m[1]).replace(/\[(\d+)\]/g, '.$1')}` };
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
          // A limit rule's own reason (MAX_DEPTH, MAX_ALIASES …), else Apollo's original code.
          ...(formatted.extensions?.reason ? { reason: formatted.extensions.reason } : code !== ErrorCode.BAD_USER_INPUT ? { reason: code } : {}),
          ...(formatted.extensions?.field ? { field: formatted.extensions.field } : variableField(formatted.message)),
        },
      };
    }
    if (code && code !== ErrorCode.INTERNAL_SERVER_ERROR && (Object.values(ErrorCode) as string[]).includes(code)) {
      const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions: development ? formatted.extensions : extensions };
    }
    const fault = databaseFault(original);
    if (fault) {
      logger.warn({ err: original, reason: fault }, 'database fault');
      return {
        message: FAULT_MESSAGES[fault],
        path: formatted.path,
        extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, reason: fault, retryable: true },
      };
    }
    if (isBadCharacters(original)) {
      return { message: 'Text holds a character the database cannot store (e.g. NUL).', path: formatted.path, extensions: { code: ErrorCode.BAD_USER_INPUT, reason: 'BAD_CHARACTERS' } };
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

export type ErrorFormatter = ReturnType<typeof createErrorFormatter>;

/** Extensions an answer outside GraphQL carries besides code and message. */
const PASSED_EXTENSIONS = ['field', 'reason', 'max', 'rowErrors', 'rowErrorCount', 'retryable', 'retryAfter'] as const;

/** What a route outside GraphQL answers for an error: the formatter's verdict, with its HTTP status. */
export interface HttpErrorAnswer {
  status: number;
  /** Seconds to wait before a retry (a database fault), for the Retry-After header. */
  retryAfter?: number;
  error: { code: string; message: string } & Partial<Record<(typeof PASSED_EXTENSIONS)[number], unknown>>;
}

/**
 * An error thrown outside GraphQL execution (the REST routes), judged by the same formatter as
 * GraphQL errors: the same codes, reasons and messages, nothing internal shown.
 */
export function httpErrorAnswer(formatError: ErrorFormatter, err: unknown): HttpErrorAnswer {
  const asFormatted: GraphQLFormattedError = err instanceof GraphQLError ? err.toJSON() : { message: err instanceof Error ? err.message : String(err) };
  const formatted = formatError(asFormatted, err);
  const ext = (formatted.extensions ?? {}) as Record<string, unknown>;
  const code = typeof ext.code === 'string' && ext.code in CODE_STATUS ? (ext.code as ErrorCode) : ErrorCode.INTERNAL_SERVER_ERROR;
  const fault = faultStatus(ext.reason);
  const passed = Object.fromEntries(PASSED_EXTENSIONS.filter((k) => ext[k] !== undefined).map((k) => [k, ext[k]]));
  return { status: fault || CODE_STATUS[code], ...(fault ? { retryAfter: RETRY_AFTER_S } : {}), error: { code, message: formatted.message, ...passed } };
}
