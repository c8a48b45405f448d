import { BadInputError, NotFoundError } from './errors';

/** A uuid in any case; ids are stored and cached lower-case. */
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id argument as stored (lower-case), or BAD_USER_INPUT naming `field`. The API's one id check. */
export function requireId(value: unknown, field: string, what = 'id'): string {
  if (typeof value !== 'string' || !UUID_RE.test(value)) throw new BadInputError(`\`${field}\` is not a valid ${what}.`, field);
  return value.toLowerCase();
}

/** An optional id argument: undefined when absent, else as `requireId`. */
export function optionalId(value: string | null | undefined, field: string, what = 'id'): string | undefined {
  return value === undefined || value === null ? undefined : requireId(value, field, what);
}

/** An id to look up where a malformed one simply matches nothing (by-id reads that answer null). */
export function idOrNull(value: unknown): string | null {
  return typeof value === 'string' && UUID_RE.test(value) ? value.toLowerCase() : null;
}

/**
 * The row an id argument names, through the request's loader (so its scope applies): a malformed id
 * is BAD_USER_INPUT naming `field`, an unknown or invisible one NOT_FOUND (the two are not told apart).
 */
export async function loadOrNotFound<T>(loader: { load(id: string): Promise<T | null | undefined> }, id: unknown, what: string, field = 'id'): Promise<T> {
  const row = await loader.load(requireId(id, field, `${what} id`));
  if (!row) throw new NotFoundError(`No ${what} with id ${id}.`);
  return row;
}
