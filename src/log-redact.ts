import pino from 'pino';

/**
 * What the logs must never hold: credentials, SQL parameters and personal fields (requester and
 * applicant names and contacts, officers' phones and emails). Used by src/logger.ts:
 * - `REDACT_PATHS`: pino's redaction of these keys wherever a log line carries them (one level of
 *   nesting, plus the usual error and request places);
 * - `safeError`: the error serializer. Driver errors carry the statement with its values
 *   interpolated (knex prefixes the message with it), the parameters, and PostgreSQL's `detail`
 *   and `where` (which quote values): the statement and parameters are dropped, quoted values in
 *   the message are masked, and the stack keeps only its frames.
 */
const PERSONAL = ['requesterName', 'requesterContact', 'applicantName', 'applicantContact', 'phone', 'email', 'reply', 'subject'];
const SQL = ['sql', 'query', 'params', 'parameters', 'bindings', 'variables'];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  ...[...PERSONAL, ...SQL].flatMap((k) => [k, `*.${k}`]),
];

const MASK = '[redacted]';

/** A message without the statement knex put in front of it, and with quoted values masked. */
export function redactMessage(message: string): string {
  let m = message;
  // knex: "<statement with its values> - <PostgreSQL message>"
  const sep = m.lastIndexOf(' - ');
  if (sep >= 0 && /\b(select|insert|update|delete|with|call|begin|commit)\b/i.test(m.slice(0, sep))) m = m.slice(sep + 3);
  return m.replace(/"[^"]*"|'[^']*'|\([^()]*\)=\([^()]*\)/g, MASK);
}

export function safeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  const message = redactMessage(String(out.message ?? ''));
  for (const k of [...SQL, 'detail', 'where', 'hint', 'internalQuery', 'entity', 'originalError']) delete out[k];
  for (const k of PERSONAL) delete out[k];
  out.message = message;
  if (typeof out.stack === 'string') {
    const frames = out.stack.split('\n').filter((l) => /^\s+at /.test(l));
    out.stack = [`${out.type ?? 'Error'}: ${message}`, ...frames].join('\n');
  }
  if (out.cause) out.cause = safeError((err as { cause?: unknown }).cause);
  return out;
}
