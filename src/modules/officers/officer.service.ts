import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../context';
import { NotFoundError } from '../../errors';
import { checkFirst, ConnectionResult, toConnection } from '../../pagination';
import { OrgUnit } from '../units/org-unit.entity';
import { ownedCursor, ownerFilterOf, refuseNulls, requireNotFutureDate, requireOwnerUnit } from '../units/unit-owner';
import { loadOrNotFound } from '../../ids';
import { Officer, UnitResponsibility } from './officer.entity';
import { AddOfficerInput, OfficerFilter, SetResponsibleDepartmentArgs, UpdateOfficerInput } from './officer.inputs';
import { OfficerListFilter, OfficerRow, OfficerValues } from './officer.repository';

const CURSOR = ownedCursor('o');

/** Empty or blank contact fields are stored as absent. */
function contact(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  const v = value.trim();
  return v === '' ? null : v;
}

/** Officers and responsible departments: argument checks here, SQL in the repository, batching in loaders. */
export const OfficerService = {
  async officers(ctx: RequestContext, filter: OfficerFilter | undefined, first: number, after?: string | null): Promise<ConnectionResult<Officer>> {
    checkFirst(first, ctx.config.maxPageSize);
    const key = CURSOR.parse(after);
    const f: OfficerListFilter = {
      ...(await ownerFilterOf(ctx, filter)),
      role: filter?.role,
      active: filter?.active ?? undefined,
    };
    const rows = await ctx.officers.list(f, first, key);
    for (const { officer } of rows) ctx.loaders.officers.byId.prime(officer.id, officer);
    const conn = toConnection<OfficerRow>(rows, first, (r) => CURSOR.encode({ unitCode: r.unitCode, name: r.officer.name, id: r.officer.id }), () => ctx.officers.count(f));
    return { ...conn, edges: conn.edges.map((e) => ({ cursor: e.cursor, node: e.node.officer })) };
  },

  async unit(ctx: RequestContext, officer: Officer): Promise<OrgUnit> {
    const unit = await ctx.loaders.units.byId.load(officer.unitId);
    if (!unit) throw new Error(`officer ${officer.id} has no unit ${officer.unitId}`);
    return unit;
  },

  /**
   * A personal field of an officer: its value only if the caller may see the personal data of the
   * officer's unit (asked with the unit's path, loaded through the batched unit loader), else null.
   */
  async personal(ctx: RequestContext, officer: Officer, value: string | null | undefined): Promise<string | null> {
    if (value === null || value === undefined) return null;
    const unit = await ctx.loaders.units.byId.load(officer.unitId);
    return unit && ctx.canSeePersonalData(unit.path) ? value : null;
  },

  ofUnit(ctx: RequestContext, unit: OrgUnit, activeOnly: boolean): Promise<Officer[]> {
    return ctx.loaders.officers.ofUnit.load({ unitId: unit.id, activeOnly });
  },

  responsibility(ctx: RequestContext, unit: OrgUnit): Promise<UnitResponsibility | null> {
    return ctx.loaders.officers.responsibility.load(unit.id);
  },

  async setResponsibleDepartment(ctx: RequestContext, args: SetResponsibleDepartmentArgs): Promise<UnitResponsibility> {
    const unit = await requireOwnerUnit(ctx, args.unitId, 'unitId', args.tenant);
    requireNotFutureDate(args.designatedAt, 'designatedAt');
    const row = await ctx.officers.upsertResponsibility(unit.tenantId, unit.id, args.department.trim(), args.designatedAt);
    ctx.loaders.officers.responsibility.clear(unit.id).prime(unit.id, row);
    return row;
  },

  async add(ctx: RequestContext, input: AddOfficerInput): Promise<Officer> {
    const unit = await requireOwnerUnit(ctx, input.unitId, 'input.unitId', input.tenant);
    requireNotFutureDate(input.appointedOn, 'input.appointedOn');
    const officer = await ctx.officers.insert(unit.tenantId, randomUUID(), unit.id, {
      name: input.name.trim(),
      role: input.role,
      phone: contact(input.phone) ?? null,
      email: contact(input.email) ?? null,
      active: input.active ?? true,
      appointedOn: input.appointedOn ?? null,
    });
    ctx.loaders.officers.byId.prime(officer.id, officer);
    return officer;
  },

  async existing(ctx: RequestContext, id: string): Promise<Officer> {
    return loadOrNotFound(ctx.loaders.officers.byId, id, 'officer');
  },

  async update(ctx: RequestContext, id: string, input: UpdateOfficerInput): Promise<Officer> {
    const current = await OfficerService.existing(ctx, id);
    refuseNulls(input, ['name', 'role', 'active']);
    requireNotFutureDate(input.appointedOn, 'input.appointedOn');
    return OfficerService.write(ctx, current, {
      name: input.name?.trim(),
      role: input.role ?? undefined,
      phone: contact(input.phone),
      email: contact(input.email),
      active: input.active ?? undefined,
      appointedOn: input.appointedOn,
    });
  },

  async deactivate(ctx: RequestContext, id: string): Promise<Officer> {
    return OfficerService.write(ctx, await OfficerService.existing(ctx, id), { active: false });
  },

  async write(ctx: RequestContext, current: Officer, values: OfficerValues): Promise<Officer> {
    const updated = await ctx.officers.update(current.tenantId, current.id, values);
    if (!updated) throw new NotFoundError(`No officer with id ${current.id}.`);
    ctx.loaders.officers.byId.clear(updated.id).prime(updated.id, updated);
    return updated;
  },
};
