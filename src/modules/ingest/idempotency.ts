import { createHash } from 'node:crypto';
import { metrics } from '../../metrics';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError } from '../../errors';
import type { Principal } from '../../auth/principal';

export const MAX_IDEMPOTENCY_KEY = 200;

/** Stable hash of a payload: keys sorted, so the same rows in another key order hash the same. */
export function payloadHash(payload: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    // An invalid date (a bad cell of an imported file) hashes as such; the row check refuses it.
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canonical(payload))).digest('hex');
}

/**
 * The namespace of a caller's idempotency keys: the unit of its credential (a staff member's unit,
 * an API key's unit). Two units of one tenant never see each other's keys or results.
 */
export function keyNamespace(principal: Principal): string {
  if (principal.kind === 'anonymous') throw new BadInputError('Idempotency keys need a credential.', 'idempotencyKey');
  return principal.unit.id;
}

/**
 * Runs `write` once per (tenant, unit of the credential, operation, key), in ONE transaction with
 * the key's record:
 * - first call: the key is recorded, `write` runs, its result is stored; if `write` throws, the
 *   whole transaction (key included) rolls back, so nothing is written and a retry may succeed;
 * - retry with the same payload: the stored result is returned and nothing is written;
 * - same key, different payload: BAD_USER_INPUT (reason IDEMPOTENCY_KEY_REUSED), nothing written.
 * Two concurrent calls with one key serialize on the key's row: the second waits, then replays.
 */
export async function idempotent<R>(
  em: EntityManager,
  args: { tenantId: number; unitId: string; operation: string; key: string; payload: unknown },
  write: (tx: EntityManager) => Promise<R>,
): Promise<{ result: R; replayed: boolean }> {
  const { tenantId, unitId, operation, key } = args;
  if (key.length < 1 || key.length > MAX_IDEMPOTENCY_KEY) {
    throw new BadInputError(`\`idempotencyKey\` must be 1 to ${MAX_IDEMPOTENCY_KEY} characters.`, 'idempotencyKey');
  }
  const hash = payloadHash(args.payload);
  let rollupRows = 0;
  const outcome = await em.transactional(async (tx) => {
    const inserted = await tx.execute(
      `insert into ingest_request (tenant_id, unit_id, operation, key, payload_hash) values (?, ?, ?, ?, ?)
       on conflict (tenant_id, unit_id, operation, key) do nothing returning key`,
      [tenantId, unitId, operation, key, hash],
    );
    if (inserted.length === 0) {
      const [prior] = await tx.execute(
        `select payload_hash, result from ingest_request where tenant_id = ? and unit_id = ? and operation = ? and key = ?`,
        [tenantId, unitId, operation, key],
      );
      if (prior.payload_hash !== hash) {
        throw new BadInputError(
          `Idempotency key "${key}" was already used for a different ${operation} payload; use a new key.`,
          'idempotencyKey',
          { reason: 'IDEMPOTENCY_KEY_REUSED' },
        );
      }
      return { result: prior.result as R, replayed: true };
    }
    const result = await write(tx);
    // The same statement reads how many rollup rows this transaction's triggers wrote (for /metrics).
    const [stored] = await tx.execute(
      `update ingest_request set result = ?::jsonb where tenant_id = ? and unit_id = ? and operation = ? and key = ?
       returning (select pg_stat_get_xact_tuples_inserted(c.oid) + pg_stat_get_xact_tuples_updated(c.oid) from pg_class c where c.oid = to_regclass('stat_rollup'))::int as rollup_rows`,
      [
      JSON.stringify(result),
      tenantId,
      unitId,
      operation,
      key,
    ]);
    rollupRows = Number(stored?.rollup_rows ?? 0);
    return { result, replayed: false };
  });
  // Counted once committed; a replay stores nothing.
  const accepted = (outcome.result as { accepted?: unknown } | null)?.accepted;
  if (!outcome.replayed && typeof accepted === 'number') metrics.ingestRows.inc({ operation }, accepted);
  if (!outcome.replayed) metrics.rollupRowsWritten.inc({ source: 'ingest' }, rollupRows);
  return outcome;
}
