import type { EntityManager } from '@mikro-orm/postgresql';
import { Tenant } from './tenant.entity';
import type { Scope } from '../../scope';
import { mapRows } from '../../db/rows';

/** Tenants are a small reference table: one statement loads those the scope may see. */
export class TenantRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly scope: Scope,
  ) {}

  async all(): Promise<Tenant[]> {
    const qb = this.em.getKnex().select('*').from('tenant').orderBy('id');
    if (this.scope.tenantId !== null) qb.where('id', this.scope.tenantId);
    const rows: Record<string, unknown>[] = await this.em.execute(qb);
    return mapRows(this.em, Tenant, rows);
  }
}
