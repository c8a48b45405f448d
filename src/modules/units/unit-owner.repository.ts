import type { Knex } from '@mikro-orm/postgresql';
import { inSubtreeSql, RowClass, Scope } from '../../scope';

/** SQL shared by the repositories of rows owned by a unit (centres, officers, items, events …). */

/** Which owners a list of unit-owned rows asks for. */
export interface OwnerFilter {
  tenantId?: number;
  unitId?: string;
  /** With `unitId`: the unit and every unit below it. */
  subtree?: boolean;
}

/**
 * Joins the owning unit as `u` to a query over a unit-owned table aliased `alias`, applies the
 * request's scope to it (by the table's visibility class), and the owner filter: one unit, or its whole subtree as a range scan of
 * the (tenant_id, path) index. Lists then sort by `u.code` at no extra cost.
 */
export function joinOwnerUnit(knex: Knex, scope: Scope, qb: Knex.QueryBuilder, alias: string, f: OwnerFilter, cls: RowClass = 'public'): Knex.QueryBuilder {
  qb.join({ u: 'org_unit' }, (j) => j.on('u.tenant_id', `${alias}.tenant_id`).andOn('u.id', `${alias}.unit_id`));
  scope.restrictRows(qb, 'u', cls, alias);
  if (f.tenantId !== undefined) qb.where(`${alias}.tenant_id`, f.tenantId);
  if (f.unitId && f.subtree) {
    qb.join({ a: 'org_unit' }, (j) => j.on(knex.raw(inSubtreeSql('u', 'a'))).andOnVal('a.id', '=', f.unitId!));
  } else if (f.unitId) {
    qb.where(`${alias}.unit_id`, f.unitId);
  }
  return qb;
}

/** Sort key of the lists of unit-owned rows: the owner's code, then the row's name and id. */
export interface OwnedKey {
  unitCode: string;
  name: string;
  id: string;
}

