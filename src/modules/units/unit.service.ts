import type { RequestContext } from '../../context';
import { BadInputError, NotFoundError } from '../../errors';
import { checkFirst, ConnectionResult, decodeCursor, encodeCursor, toConnection } from '../../pagination';
import { OrgUnit } from './org-unit.entity';
import { UnitLevel } from './unit.enums';
import { UnitFilter } from './unit.inputs';
import { UnitKey, UnitListFilter, UUID_RE } from './unit.repository';
import type { WalkStep } from './unit.lookahead';
import { idOrNull, loadOrNotFound, optionalId } from '../../ids';

const UNITS_CURSOR = 'u';
const DESCENDANTS_CURSOR = 'd';

function cursorOf(tag: string) {
  return (u: OrgUnit) => encodeCursor(tag, [u.code, u.id]);
}

function parseAfter(tag: string, after: string | undefined | null): UnitKey | null {
  if (after === undefined || after === null) return null;
  const [code, id] = decodeCursor(tag, after, 2);
  if (typeof code !== 'string' || typeof id !== 'string' || !UUID_RE.test(id)) {
    throw new BadInputError('Malformed cursor in `after`: pass a cursor this connection returned.', 'after');
  }
  return { code, id };
}


/** Reads of the unit hierarchy: argument checks here, SQL in the repository, batching in loaders. */
export const UnitService = {
  async unit(ctx: RequestContext, id?: string | null, code?: string | null, tenant?: string | null): Promise<OrgUnit | null> {
    if (!id && !code) throw new BadInputError('Pass `id` or `code`.', 'id');
    let tenantId: number | undefined;
    if (tenant) {
      tenantId = await ctx.requireTenantId(tenant, 'tenant');
    }
    if (id) {
      const key = idOrNull(id);
      const unit = key ? await ctx.loaders.units.byId.load(key) : null;
      if (!unit) return null;
      if (code && unit.code !== code) return null;
      if (tenantId !== undefined && unit.tenantId !== tenantId) return null;
      return unit;
    }
    const found = await ctx.units.findByCode(code!, tenantId);
    if (found.length > 1) {
      throw new BadInputError(`Code ${code} names units in several tenants; pass \`tenant\` too.`, 'code');
    }
    if (found[0]) ctx.loaders.units.byId.prime(found[0].id, found[0]);
    return found[0] ?? null;
  },

  /** The repository filter of a `UnitFilter` (the GraphQL list and the exports). */
  async listFilter(ctx: RequestContext, filter: UnitFilter | undefined): Promise<UnitListFilter> {
    const f: UnitListFilter = {
      level: filter?.level,
      kind: filter?.kind,
      parentId: optionalId(filter?.parentId, 'filter.parentId', 'unit id'),
      ancestorId: optionalId(filter?.ancestorId, 'filter.ancestorId', 'unit id'),
      search: filter?.search,
    };
    if (filter?.tenant) f.tenantId = await ctx.requireTenantId(filter.tenant, 'filter.tenant');
    return f;
  },

  async units(ctx: RequestContext, filter: UnitFilter | undefined, first: number, after?: string | null): Promise<ConnectionResult<OrgUnit>> {
    checkFirst(first, ctx.config.maxPageSize);
    const key = parseAfter(UNITS_CURSOR, after);
    const f = await UnitService.listFilter(ctx, filter);
    const rows = await ctx.units.list(f, first, key);
    for (const row of rows) ctx.loaders.units.byId.prime(row.id, row);
    return toConnection(rows, first, cursorOf(UNITS_CURSOR), () => ctx.units.count(f));
  },

  async parent(ctx: RequestContext, unit: OrgUnit): Promise<OrgUnit | null> {
    return unit.parentId ? ctx.loaders.units.byId.load(unit.parentId) : null;
  },

  /** `plan`: the levels the query walks from here (unit.lookahead.ts); by default these children, every column. */
  async children(ctx: RequestContext, unit: OrgUnit, level: UnitLevel | null, plan?: WalkStep[]): Promise<OrgUnit[]> {
    return ctx.loaders.units.children.load({ tenantId: unit.tenantId, parentId: unit.id, plan: plan ?? [{ level, name: true, kind: true }] });
  },

  /** Root first, parent last; read from the materialized path, so one batched lookup. */
  async ancestors(ctx: RequestContext, unit: OrgUnit): Promise<OrgUnit[]> {
    const ids = unit.path.split('/').filter(Boolean);
    ids.pop();
    const found = await ctx.loaders.units.byId.loadMany(ids);
    return found.filter((u): u is OrgUnit => u !== null && !(u instanceof Error));
  },

  async descendants(ctx: RequestContext, unit: OrgUnit, level: UnitLevel | null, first: number, after?: string | null): Promise<ConnectionResult<OrgUnit>> {
    checkFirst(first, ctx.config.maxPageSize);
    const key = parseAfter(DESCENDANTS_CURSOR, after);
    const rows = await ctx.loaders.units.descendants.load({ rootId: unit.id, level, first, after: key });
    return toConnection(rows, first, cursorOf(DESCENDANTS_CURSOR), () => ctx.loaders.units.descendantCount.load({ rootId: unit.id, level }));
  },

  /**
   * Moves a unit (with its whole subtree) under another parent of the same tenant, in one
   * transaction: the database rewrites the subtree's paths and moves its rolled-up figures from the
   * old ancestors to the new ones. A division merged into another district is the typical case.
   */
  async move(ctx: RequestContext, id: string, parentId: string): Promise<OrgUnit> {
    const [unit, parent] = await Promise.all([loadOrNotFound(ctx.loaders.units.byId, id, 'unit'), loadOrNotFound(ctx.loaders.units.byId, parentId, 'unit', 'parentId')]);
    if (parent.tenantId !== unit.tenantId) throw new BadInputError('The new parent belongs to another tenant.', 'parentId');
    if (parent.path.startsWith(unit.path)) throw new BadInputError('A unit cannot move under itself or its own descendant.', 'parentId');
    if (LEVEL_RANK[parent.level] >= LEVEL_RANK[unit.level]) {
      throw new BadInputError(`A ${unit.level} unit needs a parent above it; ${parent.code} is ${parent.level}.`, 'parentId');
    }
    if (unit.parentId === parent.id) return unit;
    await ctx.units.moveUnder(unit, parent.id);
    ctx.loaders.units.byId.clearAll();
    return (await ctx.loaders.units.byId.load(unit.id))!;
  },
};

const LEVEL_RANK: Record<UnitLevel, number> = { PROVINCE: 0, CITY: 1, COUNTY: 2, SCHOOL: 3 };
