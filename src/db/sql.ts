import { createHash } from 'node:crypto';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { countStatement } from './sql-counter';

const names = new Map<string, string>();

/** A stable statement name for a SQL text: the same text is parsed and planned once per connection. */
function nameOf(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `q${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    if (names.size < 10_000) names.set(sql, name);
  }
  return name;
}

/**
 * Runs a read on the hot paths as a named, parameterized statement: `?` placeholders become `$n`
 * (knex) and the values travel apart from the text, so PostgreSQL parses and plans each distinct
 * text once per connection instead of once per request (MikroORM's `em.execute` inlines the values
 * into the text). The text must not vary with the data: lists go as one array parameter
 * (`= any(?::uuid[])`), never as `in (?, ?, …)`. Counted in the request's SQL tally like every other
 * statement; runs in the EntityManager's transaction when there is one.
 */
export async function preparedRows<T = Record<string, unknown>>(em: EntityManager, sql: string, bindings: readonly unknown[]): Promise<T[]> {
  const knex: Knex = em.getKnex();
  const raw = knex.raw(sql, bindings as Knex.RawBinding[]).options({ name: nameOf(sql) });
  const trx = em.getTransactionContext<Knex.Transaction>();
  if (trx) raw.transacting(trx);
  const start = performance.now();
  try {
    const res = (await raw) as unknown as { rows: T[] };
    return res.rows;
  } finally {
    countStatement(sql, start, performance.now());
  }
}

/** A PostgreSQL array literal of checked values (ids and numbers only, never free text). */
export function arrayLiteral(values: readonly (string | number)[]): string {
  return `{${values.join(',')}}`;
}
