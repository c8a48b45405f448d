import type { Knex } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { BadInputError } from '../../errors';
import { inSubtreeSql, Scope } from '../../scope';
import { shanghaiDate } from '../calendar/working-calendar';
import { OrgUnit } from './org-unit.entity';
import { UUID_RE } from './unit.repository';

/**
 * Checks shared by the modules whose rows are owned by a unit (centres, officers …): the owner of
 * a write, ids and dates in arguments, and the tenant of a list filter.
 */

/** `value` as a uuid, or BAD_USER_INPUT naming `field`. */
export function requireUuid(value: string, field: string, what = 'id'): string {
  if (typeof value !== 'string' || !UUID_RE.test(value)) throw new BadInputError(`\`${field}\` is not a valid ${what}.`, field);
  return value.toLowerCase();
}

/**
 * The unit that will own a written row: it must exist (and be visible), and belong to `tenant`
 * when one is given. Otherwise BAD_USER_INPUT naming `field` (e.g. `input.unitId`).
 */
export async function requireOwnerUnit(ctx: RequestContext, unitId: string, field: string, tenant?: string | null): Promise<OrgUnit> {
  requireUuid(unitId, field, 'unit id');
  const unit = await ctx.loaders.units.byId.load(unitId.toLowerCase());
  if (!unit) throw new BadInputError(`No unit with id ${unitId}.`, field);
  if (tenant !== undefined && tenant !== null) {
    const t = await ctx.tenantByCode(tenant);
    if (!t || t.id !== unit.tenantId) throw new BadInputError(`Unit ${unit.code} does not belong to tenant ${tenant}.`, field);
  }
  return unit;
}

/** A calendar date of a past fact (opened, designated, appointed): not after today in Asia/Shanghai. */
export function requireNotFutureDate(date: string | null | undefined, field: string): void {
  if (date && date > shanghaiDate(new Date())) throw new BadInputError(`\`${field}\` must not be in the future.`, field);
}

/** The tenant id a list filter names: an unknown (or invisible) province matches nothing (-1). */
export async function tenantIdOfFilter(ctx: RequestContext, tenant: string | undefined | null): Promise<number | undefined> {
  if (!tenant) return undefined;
  const t = await ctx.tenantByCode(tenant);
  return t ? t.id : -1;
}

/** Which owners a list of unit-owned rows asks for. */
export interface OwnerFilter {
  tenantId?: number;
  unitId?: string;
  /** With `unitId`: the unit and every unit below it. */
  subtree?: boolean;
}

/**
 * Joins the owning unit as `u` to a query over a unit-owned table aliased `alias`, applies the
 * request's scope to it, and the owner filter: one unit, or its whole subtree as a range scan of
 * the (tenant_id, path) index. Lists then sort by `u.code` at no extra cost.
 */
export function joinOwnerUnit(knex: Knex, scope: Scope, qb: Knex.QueryBuilder, alias: string, f: OwnerFilter): Knex.QueryBuilder {
  qb.join({ u: 'org_unit' }, (j) => j.on('u.tenant_id', `${alias}.tenant_id`).andOn('u.id', `${alias}.unit_id`));
  scope.restrictUnits(qb, 'u');
  if (f.tenantId !== undefined) qb.where(`${alias}.tenant_id`, f.tenantId);
  if (f.unitId && f.subtree) {
    qb.join({ a: 'org_unit' }, (j) => j.on(knex.raw(inSubtreeSql('u', 'a'))).andOnVal('a.id', '=', f.unitId!));
  } else if (f.unitId) {
    qb.where(`${alias}.unit_id`, f.unitId);
  }
  return qb;
}
