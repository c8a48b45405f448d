import type { RequestContext } from '../../context';
import { BadInputError } from '../../errors';
import { optionalId, requireId } from '../../ids';
import { decodeCursor, encodeCursor } from '../../pagination';
import { shanghaiDate } from '../calendar/working-calendar';
import { OrgUnit } from './org-unit.entity';
import { UUID_RE } from './unit.repository';
import type { OwnedKey, OwnerFilter } from './unit-owner.repository';

/**
 * Request checks shared by the modules whose rows are owned by a unit (centres, officers …): the
 * owner of a write, ids and dates in arguments, the tenant of a list filter, cursors. Their SQL is in
 * unit-owner.repository.ts.
 */

/**
 * The unit that will own a written row: it must exist (and be visible), and belong to `tenant`
 * when one is given. Otherwise BAD_USER_INPUT naming `field` (e.g. `input.unitId`).
 */
export async function requireOwnerUnit(ctx: RequestContext, unitId: string, field: string, tenant?: string | null): Promise<OrgUnit> {
  const unit = await ctx.loaders.units.byId.load(requireId(unitId, field, 'unit id'));
  if (!unit) throw new BadInputError(`No unit with id ${unitId}.`, field);
  if (tenant !== undefined && tenant !== null) {
    const t = await ctx.tenantByCode(tenant);
    if (!t || t.id !== unit.tenantId) throw new BadInputError(`Unit ${unit.code} does not belong to tenant ${tenant}.`, field);
  }
  return unit;
}

/**
 * An update input must not null a required field (null clears only the optional ones): BAD_USER_INPUT
 * naming `input.<field>`.
 */
export function refuseNulls(input: object, fields: string[]): void {
  for (const f of fields) {
    if ((input as Record<string, unknown>)[f] === null) throw new BadInputError(`\`input.${f}\` cannot be null; leave it out to keep it.`, `input.${f}`);
  }
}

/** A calendar date of a past fact (opened, designated, appointed): not after today in Asia/Shanghai. */
export function requireNotFutureDate(date: string | null | undefined, field: string): void {
  if (date && date > shanghaiDate(new Date())) throw new BadInputError(`\`${field}\` must not be in the future.`, field);
}

/**
 * The owner part of a list filter (`tenant`, `unitId`, `subtree`), checked: an unknown (or
 * invisible) province is BAD_USER_INPUT (`RequestContext.requireTenantId`); `subtree` needs `unitId`.
 */
export async function ownerFilterOf(
  ctx: RequestContext,
  filter: { tenant?: string | null; unitId?: string | null; subtree?: boolean | null } | undefined,
): Promise<OwnerFilter> {
  if (filter?.subtree && !filter.unitId) throw new BadInputError('`filter.subtree` needs `filter.unitId`.', 'filter.subtree');
  let tenantId: number | undefined;
  if (filter?.tenant) tenantId = await ctx.requireTenantId(filter.tenant, 'filter.tenant');
  return {
    tenantId,
    unitId: optionalId(filter?.unitId, 'filter.unitId', 'unit id'),
    subtree: filter?.subtree ?? false,
  };
}

/** Opaque cursors over an `OwnedKey`, tagged per connection (`tag`) so another list's cursor is refused. */
export function ownedCursor(tag: string) {
  return {
    encode: (key: OwnedKey): string => encodeCursor(tag, [key.unitCode, key.name, key.id]),
    parse(after: string | undefined | null): OwnedKey | null {
      if (after === undefined || after === null) return null;
      const [unitCode, name, id] = decodeCursor(tag, after, 3);
      if (typeof unitCode !== 'string' || typeof name !== 'string' || typeof id !== 'string' || !UUID_RE.test(id)) {
        throw new BadInputError('Malformed cursor in `after`: pass a cursor this connection returned.', 'after');
      }
      return { unitCode, name, id };
    },
  };
}
