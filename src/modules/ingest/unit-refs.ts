import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { UnitRepository } from '../units/unit.repository';
import type { RowErrors } from './row-errors';

/** How a bulk row names its unit: by code (what integrators hold), or by id. */
export interface UnitRef {
  unitCode?: string | null;
  unitId?: string | null;
}

const MAX_CODE = 20;

/**
 * Resolves the unit of every row in one statement, within the request's write scope, and answers
 * the unit id per row (undefined for a row with a problem, which is added to `errors`). A unit
 * outside the caller's subtree is reported exactly like an unknown one, in words that are true
 * either way ("no unit 430200 in your subtree (430100 and below)"), so nothing is revealed.
 */
export async function resolveUnitRefs(ctx: RequestContext, tx: EntityManager, tenantId: number, rows: readonly UnitRef[], errors: RowErrors): Promise<(string | undefined)[]> {
  const codes = new Set<string>();
  const ids = new Set<string>();
  for (const r of rows) {
    if (typeof r.unitCode === 'string' && r.unitCode.length > 0 && r.unitCode.length <= MAX_CODE) codes.add(r.unitCode);
    if (typeof r.unitId === 'string') ids.add(r.unitId.toLowerCase());
  }
  const found = await new UnitRepository(tx, ctx.scope).findByCodesOrIds(tenantId, [...codes], [...ids]);
  const byCode = new Map(found.map((u) => [u.code, u.id]));
  const byId = new Set(found.map((u) => u.id));
  const where = ctx.writeArea();
  return rows.map((r, i) => {
    const code = r.unitCode ?? null;
    const id = r.unitId ? r.unitId.toLowerCase() : null;
    if (code !== null && (code.length < 1 || code.length > MAX_CODE)) {
      errors.add(i, 'unitCode', `must be 1 to ${MAX_CODE} characters`);
      return undefined;
    }
    if (id !== null) {
      if (!byId.has(id)) {
        errors.add(i, 'unitId', `no unit ${r.unitId} in ${where}`);
        return undefined;
      }
      if (code !== null && byCode.get(code) !== id) {
        errors.add(i, 'unitCode', `${code} does not name unit ${r.unitId}`);
        return undefined;
      }
      return id;
    }
    if (code === null) {
      errors.add(i, 'unitCode', 'give unitCode (or unitId)');
      return undefined;
    }
    const unitId = byCode.get(code);
    if (!unitId) errors.add(i, 'unitCode', `no unit ${code} in ${where}`);
    return unitId;
  });
}
