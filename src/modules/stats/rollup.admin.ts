import type { EntityManager } from '@mikro-orm/postgresql';
import { Scope } from '../../scope';
import { metrics } from '../../metrics';
import { RollupDifference, StatsRepository } from './stats.repository';

export interface VerifyReport {
  tenantId: number;
  rows: number;
  differences: RollupDifference[];
  ms: number;
}

/**
 * `npm run rollups -- verify|rebuild`: compares every tenant's rollups with a recount from the raw
 * tables, or rebuilds them from the raw rows (in one transaction per tenant, so readers see either
 * the old rollups or the new ones).
 */
export const RollupAdmin = {
  async tenants(em: EntityManager, only?: number[]): Promise<number[]> {
    const rows: { id: number }[] = await em.execute('select id from tenant order by id');
    return rows.map((r) => Number(r.id)).filter((id) => !only?.length || only.includes(id));
  },

  async verify(em: EntityManager, tenantIds?: number[]): Promise<VerifyReport[]> {
    const repo = new StatsRepository(em, Scope.system());
    const out: VerifyReport[] = [];
    for (const tenantId of await this.tenants(em, tenantIds)) {
      const started = Date.now();
      const differences = await repo.verify(tenantId);
      const [row] = await em.execute('select count(*)::int as n from stat_rollup where tenant_id = ?', [tenantId]);
      out.push({ tenantId, rows: Number(row.n), differences, ms: Date.now() - started });
    }
    return out;
  },

  async rebuild(em: EntityManager, tenantIds?: number[]): Promise<{ tenantId: number; rows: number; ms: number }[]> {
    const out: { tenantId: number; rows: number; ms: number }[] = [];
    for (const tenantId of await this.tenants(em, tenantIds)) {
      const started = Date.now();
      const rows = await em.transactional((tx) => new StatsRepository(tx as EntityManager, Scope.system()).rebuild(tenantId));
      metrics.rollupRowsWritten.inc({ source: 'rebuild' }, rows);
      out.push({ tenantId, rows, ms: Date.now() - started });
    }
    return out;
  },
};

/** The tables whose statement triggers maintain `stat_rollup` (migration 070000). */
const ROLLUP_SOURCES = ['interaction_event', 'disclosure_item', 'disclosure_application', 'disclosure_dispute', 'centre', 'officer', 'unit_responsibility', 'org_unit'];

/**
 * Bulk loads (the demo activity, generated datasets): inside `tx`, the rollup triggers are switched
 * off while `load` writes, then the tenants' rollups are rebuilt from the raw rows, all in the same
 * transaction, so nobody sees raw rows without their figures. Recounting once is about three times
 * cheaper than maintaining the figures statement by statement for hundreds of thousands of rows.
 * (ALTER TABLE … DISABLE TRIGGER is transactional and needs only table ownership, not superuser; the
 * integrity triggers stay on.)
 */
export async function withRollupsRebuiltAfter<T>(tx: EntityManager, tenantIds: number[], load: () => Promise<T>): Promise<T> {
  await disableRollupTriggers(tx);
  let result: T;
  try {
    result = await load();
  } finally {
    await enableRollupTriggers(tx);
  }
  for (const tenantId of tenantIds) metrics.rollupRowsWritten.inc({ source: 'rebuild' }, await new StatsRepository(tx, Scope.system()).rebuild(tenantId));
  return result;
}

const rollupTriggers = (tx: EntityManager, verb: 'disable' | 'enable') =>
  tx.execute(ROLLUP_SOURCES.flatMap((t) => ['insert', 'update', 'delete'].map((op) => `alter table "${t}" ${verb} trigger stat_rollup_${t}_${op}`)).join('; '));

/** Switches the rollup triggers off inside `tx` (transactional; rebuild the rollups before committing). */
export const disableRollupTriggers = (tx: EntityManager) => rollupTriggers(tx, 'disable');
export const enableRollupTriggers = (tx: EntityManager) => rollupTriggers(tx, 'enable');

/**
 * Rebuilds one tenant's rollups inside `tx` for a bulk load (the generator): the primary key of
 * stat_rollup is dropped while the rows go in and built again afterwards, in the same transaction
 * (building the index once from sorted rows took a third of the time of maintaining it row by
 * row for 3.3 million rows). Locks stat_rollup until commit: for loads, not for a live server.
 * Answers the number of rows written.
 */
export async function rebuildRollupsBulk(tx: EntityManager, tenantId: number): Promise<number> {
  await tx.execute(`alter table stat_rollup drop constraint stat_rollup_pkey`);
  const rows = await new StatsRepository(tx, Scope.system()).rebuild(tenantId);
  await tx.execute(`alter table stat_rollup add constraint stat_rollup_pkey primary key (tenant_id, unit_id, scope, grp, grain, bucket, dim)`);
  metrics.rollupRowsWritten.inc({ source: 'rebuild' }, rows);
  return rows;
}
