import type { EntityManager } from '@mikro-orm/postgresql';
import { Scope } from '../../scope';
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
    const repo = new StatsRepository(em, Scope.public());
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
      const rows = await em.transactional((tx) => new StatsRepository(tx as EntityManager, Scope.public()).rebuild(tenantId));
      out.push({ tenantId, rows, ms: Date.now() - started });
    }
    return out;
  },
};
