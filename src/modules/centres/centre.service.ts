import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../context';
import { BadInputError, NotFoundError } from '../../errors';
import { checkFirst, ConnectionResult, toConnection } from '../../pagination';
import { OrgUnit } from '../units/org-unit.entity';
import { UUID_RE } from '../units/unit.repository';
import { ownedCursor, ownerFilterOf, refuseNulls, requireNotFutureDate, requireOwnerUnit } from '../units/unit-owner';
import { idOrNull, loadOrNotFound, requireId } from '../../ids';
import { Centre, CentreCheck } from './centre.entity';
import { CentreKind, CentreStatus } from './centre.enums';
import { CentreCheckInput, CentreFilter, CreateCentreInput, UpdateCentreInput } from './centre.inputs';
import { CentreListFilter, CentreRow, CentreValues, CheckRow } from './centre.repository';
import { CentreCheckReport } from './centre.types';

const CURSOR = ownedCursor('c');
/** A `checkedAt` up to this far ahead of the server clock is taken as clock skew, not the future. */
export const CHECK_CLOCK_SKEW_MS = 60_000;
const NAME_KEY = 'centre_tenant_unit_name_key';

function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string } | null;
  return e?.code === '23505' && e.constraint === constraint;
}

/** Runs a write whose only expected conflict is a duplicate name at the unit, reported on `field`. */
async function uniqueName<T>(field: string, name: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err, NAME_KEY)) throw new BadInputError(`The unit already has a centre named “${name}”.`, field);
    throw err;
  }
}

/** The first class-validator violation of one row: its property and message. */
export function checkRow(input: CentreCheckInput): CheckRow {
  return {
    centreId: input.centreId.toLowerCase(),
    checkedAt: input.checkedAt,
    ok: input.ok,
    httpStatus: input.httpStatus ?? null,
    note: input.note ?? null,
  };
}

export function inFuture(at: Date): boolean {
  return at.getTime() > Date.now() + CHECK_CLOCK_SKEW_MS;
}

/** Centres: argument checks here, SQL in the repository, batching in the loaders. */
export const CentreService = {
  async centre(ctx: RequestContext, id: string): Promise<Centre | null> {
    const key = idOrNull(id);
    return key ? ctx.loaders.centres.byId.load(key) : null;
  },

  async centres(ctx: RequestContext, filter: CentreFilter | undefined, first: number, after?: string | null): Promise<ConnectionResult<Centre>> {
    checkFirst(first, ctx.config.maxPageSize);
    const key = CURSOR.parse(after);
    const f: CentreListFilter = {
      ...(await ownerFilterOf(ctx, filter)),
      kind: filter?.kind,
      status: filter?.status,
      search: filter?.search,
      reachable: filter?.reachable ?? undefined,
      openedBy: filter?.openedBy ?? undefined,
      unitLevel: filter?.unitLevel ?? undefined,
      unitKinds: filter?.unitKinds ?? undefined,
    };
    const rows = await ctx.centres.list(f, first, key);
    for (const { centre } of rows) ctx.loaders.centres.byId.prime(centre.id, centre);
    const conn = toConnection<CentreRow>(rows, first, (r) => CURSOR.encode({ unitCode: r.unitCode, name: r.centre.name, id: r.centre.id }), () => ctx.centres.count(f));
    return { ...conn, edges: conn.edges.map((e) => ({ cursor: e.cursor, node: e.node.centre })) };
  },

  /** The owning unit (always visible with the centre: a centre is read through its unit's scope). */
  async unit(ctx: RequestContext, centre: Centre): Promise<OrgUnit> {
    const unit = await ctx.loaders.units.byId.load(centre.unitId);
    if (!unit) throw new Error(`centre ${centre.id} has no unit ${centre.unitId}`);
    return unit;
  },

  lastCheck(centre: Centre): CentreCheck | null {
    if (!centre.checkCheckedAt) return null;
    return Object.assign(new CentreCheck(), {
      tenantId: centre.tenantId,
      centreId: centre.id,
      checkedAt: centre.checkCheckedAt,
      ok: centre.checkOk ?? false,
      httpStatus: centre.checkHttpStatus ?? null,
      note: null,
    });
  },

  async checks(ctx: RequestContext, centre: Centre, first: number): Promise<CentreCheck[]> {
    checkFirst(first, ctx.config.maxPageSize);
    if (first === 0) return [];
    return ctx.loaders.centres.checks.load({ centreId: centre.id, first });
  },

  ofUnit(ctx: RequestContext, unit: OrgUnit, kind: CentreKind | null, status: CentreStatus | null): Promise<Centre[]> {
    return ctx.loaders.centres.ofUnit.load({ unitId: unit.id, kind, status });
  },

  async create(ctx: RequestContext, input: CreateCentreInput): Promise<Centre> {
    const unit = await requireOwnerUnit(ctx, input.unitId, 'input.unitId', input.tenant);
    requireNotFutureDate(input.openedOn, 'input.openedOn');
    const name = input.name.trim();
    const centre = await uniqueName('input.name', name, () =>
      ctx.centres.insert(unit.tenantId, randomUUID(), unit.id, {
        kind: input.kind,
        name,
        openedOn: input.openedOn ?? null,
        status: input.status ?? CentreStatus.ACTIVE,
        onlineHallUrl: input.onlineHallUrl ?? null,
      }),
    );
    ctx.loaders.centres.byId.prime(centre.id, centre);
    return centre;
  },

  /** The centre an id names, for a write: malformed → BAD_USER_INPUT, unknown → NOT_FOUND. */
  async existing(ctx: RequestContext, id: string): Promise<Centre> {
    return loadOrNotFound(ctx.loaders.centres.byId, id, 'centre');
  },

  async update(ctx: RequestContext, id: string, input: UpdateCentreInput): Promise<Centre> {
    const current = await CentreService.existing(ctx, id);
    refuseNulls(input, ['kind', 'name', 'status']);
    requireNotFutureDate(input.openedOn, 'input.openedOn');
    const name = input.name?.trim();
    const values: CentreValues = {
      kind: input.kind ?? undefined,
      name,
      openedOn: input.openedOn,
      status: input.status ?? undefined,
      onlineHallUrl: input.onlineHallUrl,
    };
    return CentreService.write(ctx, current, values, name);
  },

  async close(ctx: RequestContext, id: string): Promise<Centre> {
    const current = await CentreService.existing(ctx, id);
    return CentreService.write(ctx, current, { status: CentreStatus.CLOSED });
  },

  async write(ctx: RequestContext, current: Centre, values: CentreValues, name?: string): Promise<Centre> {
    const updated = await uniqueName('input.name', name, () => ctx.centres.update(current.tenantId, current.id, values));
    if (!updated) throw new NotFoundError(`No centre with id ${current.id}.`);
    ctx.loaders.centres.byId.clear(updated.id).prime(updated.id, updated);
    return updated;
  },

  /** Deletes a centre (and its check history); answers its id (the delete convention: unknown id NOT_FOUND). */
  async delete(ctx: RequestContext, id: string): Promise<string> {
    const centre = await CentreService.existing(ctx, id);
    // Service requests accepted at the centre are counted there: a centre that has any is closed, not deleted.
    const n = await ctx.centres.eventCount(centre.tenantId, centre.id);
    if (n > 0) throw new BadInputError(`Centre ${centre.id} has ${n} interaction events; close it instead of deleting it.`, 'id');
    const deleted = await ctx.centres.delete(centre.tenantId, centre.id);
    ctx.loaders.centres.byId.clear(centre.id);
    if (!deleted) throw new NotFoundError(`No centre with id ${id}.`);
    return centre.id;
  },

  async reportCheck(ctx: RequestContext, input: CentreCheckInput): Promise<CentreCheckReport> {
    const centre = await ctx.loaders.centres.byId.load(requireId(input.centreId, 'input.centreId', 'centre id'));
    if (!centre) throw new BadInputError(`No centre with id ${input.centreId}.`, 'input.centreId');
    if (inFuture(input.checkedAt)) throw new BadInputError('`input.checkedAt` must not be in the future.', 'input.checkedAt');
    const result = await ctx.centres.recordChecks(centre.tenantId, [checkRow(input)]);
    const now = await ctx.loaders.centres.byId.clear(centre.id).load(centre.id);
    return { centre: now ?? centre, recorded: result.recorded === 1, becameLatest: result.latestUpdated === 1 };
  },

};
