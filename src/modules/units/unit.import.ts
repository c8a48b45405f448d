import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { BadInputError } from '../../errors';
import { RowErrors } from '../ingest/row-errors';
import { LEVEL_RANK, UnitKind, UnitLevel } from './unit.enums';
import { UnitImportState, UnitRepository } from './unit.repository';

/** One line of a units file: a unit as it should be. Absent fields of an existing unit stay as they are. */
export interface UnitImportRow {
  code?: string;
  name?: string;
  level?: string;
  kind?: string;
  parentCode?: string;
}

export const UNIT_IMPORT_COLUMNS = ['code', 'name', 'level', 'kind', 'parentCode'] as const;
export const MAX_UNIT_IMPORT_ROWS = 20_000;

export interface UnitImportResult {
  dryRun: boolean;
  created: { code: string; name: string; level: UnitLevel; kind: UnitKind; parentCode: string }[];
  renamed: { code: string; from: string; to: string }[];
  kindChanged: { code: string; from: UnitKind; to: UnitKind }[];
  moved: { code: string; fromParentCode: string | null; toParentCode: string }[];
  unchanged: number;
}

const CODE = /^[0-9A-Za-z]{1,20}$/;
const LEVELS = new Set<string>(Object.values(UnitLevel));
const KINDS = new Set<string>(Object.values(UnitKind));

/** Thrown inside the transaction of a dry run, so that everything it wrote is rolled back. */
class DryRunRollback extends Error {
  constructor(readonly result: UnitImportResult) {
    super('dry run');
  }
}

interface Planned {
  result: UnitImportResult;
  inserts: Map<UnitLevel, { id: string; code: string; name: string; level: UnitLevel; kind: UnitKind; parentId: string }[]>;
  updates: { id: string; name: string; kind: UnitKind }[];
  moves: Move[];
}

/** A move, with the current paths of the unit and of its new parent (null: a parent new in this file). */
interface Move {
  id: string;
  parentId: string;
  path: string;
  parentPath: string | null;
}

/**
 * Imports a tenant's units as a file states them: a code not yet in the tenant is a new unit (a new
 * school, a new district), an existing code with another name is renamed, with another kind re-kinded,
 * with another parent moved (a re-drawn division: its subtree and every rolled-up figure follow, by
 * the database's triggers). All in one transaction, under the bulk contract (every row checked,
 * every problem answered, nothing written when any row is bad).
 *
 * A dry run does the same writes in the transaction and rolls it back: its answer is exactly what
 * the real run would change, checks of the database included. A file that was applied already
 * changes nothing when sent again (every row `unchanged`), so a retry is harmless without a key.
 *
 * Statements: one to read the units the file names, one insert per level of new units, one update
 * for the renames and kinds, and one for the moves (more only for moves nested in one another's
 * subtrees, or under a unit new in the file: those go one by one).
 */
export async function importUnits(ctx: RequestContext, tenant: string | null | undefined, rows: UnitImportRow[], dryRun: boolean): Promise<UnitImportResult> {
  if (rows.length > MAX_UNIT_IMPORT_ROWS) {
    throw new BadInputError(`At most ${MAX_UNIT_IMPORT_ROWS} units per file; got ${rows.length}. Split the file.`, 'rows', { max: MAX_UNIT_IMPORT_ROWS });
  }
  const t = await ctx.writeTenant(tenant, 'tenant');
  try {
    return await ctx.em.transactional(async (tx) => {
      const repo = new UnitRepository(tx as EntityManager, ctx.scope);
      const codes = new Set<string>();
      for (const r of rows) {
        if (r.code) codes.add(r.code);
        if (r.parentCode) codes.add(r.parentCode);
      }
      const state = new Map((await repo.importState(t.id, [...codes])).map((u) => [u.code, u]));
      const plan = planImport(ctx, rows, state, dryRun);
      for (const level of [UnitLevel.CITY, UnitLevel.COUNTY, UnitLevel.SCHOOL]) await repo.insertMany(t.id, plan.inserts.get(level) ?? []);
      await repo.updateMany(t.id, plan.updates);
      for (const group of moveStatements(plan.moves)) await repo.moveMany(t.id, group.map(({ id, parentId }) => ({ id, parentId })));
      if (dryRun) throw new DryRunRollback(plan.result);
      return plan.result;
    });
  } catch (err) {
    if (err instanceof DryRunRollback) return err.result;
    throw err;
  } finally {
    ctx.loaders.units.byId.clearAll();
  }
}

/** Checks every row against the stored units and the other rows; answers the changes, or throws every problem. */
function planImport(ctx: RequestContext, rows: UnitImportRow[], state: Map<string, UnitImportState>, dryRun: boolean): Planned {
  const errors = new RowErrors('rows');
  const where = ctx.writeArea();
  const result: UnitImportResult = { dryRun, created: [], renamed: [], kindChanged: [], moved: [], unchanged: 0 };
  const inserts: Planned['inserts'] = new Map();
  const updates: Planned['updates'] = [];
  const moves: Planned['moves'] = [];

  // The units the file creates, by code, so that a new school may name a new district as parent.
  const firstRow = new Map<string, number>();
  const fresh = new Map<string, { id: string; level: UnitLevel }>();
  rows.forEach((r, i) => {
    if (!r.code) return;
    if (firstRow.has(r.code)) errors.add(i, 'code', `${r.code} repeats row ${firstRow.get(r.code)}`);
    else firstRow.set(r.code, i);
    if (!state.has(r.code) && r.level && LEVELS.has(r.level)) fresh.set(r.code, { id: randomUUID(), level: r.level as UnitLevel });
  });

  /** The parent a row names, checked against the level of the unit it would hold. */
  const parentOf = (i: number, code: string, level: UnitLevel): { id: string; code: string; path: string | null } | null => {
    const stored = state.get(code);
    const created = fresh.get(code);
    if (stored && !stored.writable) {
      errors.add(i, 'parentCode', `no unit ${code} in ${where}`);
      return null;
    }
    const parentLevel = stored?.level ?? created?.level;
    const id = stored?.id ?? created?.id;
    if (!parentLevel || !id) {
      errors.add(i, 'parentCode', `no unit ${code} in ${where} or in this file`);
      return null;
    }
    if (LEVEL_RANK[parentLevel] >= LEVEL_RANK[level]) {
      errors.add(i, 'parentCode', `a ${level} unit needs a parent above it; ${code} is ${parentLevel}`);
      return null;
    }
    return { id, code, path: stored?.path ?? null };
  };

  rows.forEach((r, i) => {
    if (!r.code || !CODE.test(r.code)) return errors.add(i, 'code', 'is 1 to 20 letters or digits');
    if (r.name !== undefined && (r.name.trim().length === 0 || r.name.length > 200)) errors.add(i, 'name', 'must be 1 to 200 characters');
    if (r.level !== undefined && !LEVELS.has(r.level)) errors.add(i, 'level', `unknown level ${r.level.slice(0, 40)}; use ${[...LEVELS].join(', ')}`);
    if (r.kind !== undefined && !KINDS.has(r.kind)) errors.add(i, 'kind', `unknown kind ${r.kind.slice(0, 40)}; use ${[...KINDS].join(', ')}`);
    if (errors.has(i)) return;
    const unit = state.get(r.code);
    if (unit && !unit.writable) return errors.add(i, 'code', `unit ${r.code} is not in ${where}`);

    if (!unit) {
      // A new unit: everything is needed.
      for (const f of ['name', 'level', 'kind', 'parentCode'] as const) if (r[f] === undefined) errors.add(i, f, 'is required for a new unit');
      if (errors.has(i)) return;
      const level = r.level as UnitLevel;
      if (level === UnitLevel.PROVINCE) return errors.add(i, 'level', 'a tenant has one province: new units are CITY, COUNTY or SCHOOL');
      const parent = parentOf(i, r.parentCode!, level);
      if (!parent) return;
      const id = fresh.get(r.code)!.id;
      const list = inserts.get(level) ?? [];
      list.push({ id, code: r.code, name: r.name!, level, kind: r.kind as UnitKind, parentId: parent.id });
      inserts.set(level, list);
      result.created.push({ code: r.code, name: r.name!, level, kind: r.kind as UnitKind, parentCode: parent.code });
      return;
    }

    if (r.level !== undefined && r.level !== unit.level) {
      return errors.add(i, 'level', `${r.code} is ${unit.level}; a level does not change (a unit of another level is a new unit with a code of its own)`);
    }
    let changed = false;
    const name = r.name ?? unit.name;
    const kind = (r.kind as UnitKind | undefined) ?? unit.kind;
    if (name !== unit.name) result.renamed.push({ code: unit.code, from: unit.name, to: name });
    if (kind !== unit.kind) result.kindChanged.push({ code: unit.code, from: unit.kind, to: kind });
    if (name !== unit.name || kind !== unit.kind) {
      updates.push({ id: unit.id, name, kind });
      changed = true;
    }
    if (r.parentCode !== undefined && r.parentCode !== unit.parentCode) {
      if (unit.parentId === null) return errors.add(i, 'parentCode', `${r.code} is the province: it has no parent`);
      const parent = parentOf(i, r.parentCode, unit.level);
      if (!parent) return;
      moves.push({ id: unit.id, parentId: parent.id, path: unit.path, parentPath: parent.path });
      result.moved.push({ code: unit.code, fromParentCode: unit.parentCode, toParentCode: parent.code });
      changed = true;
    }
    if (!changed) result.unchanged++;
  });
  errors.throwIfAny();
  return { result, inserts, updates, moves };
}

/**
 * Groups the moves into statements. Moves whose subtrees are apart (neither unit inside the other's
 * subtree, neither new parent inside a moved subtree) go in one statement, the usual re-drawn
 * division; a move nested in another, or under a unit new in this file, goes in a statement of its
 * own, in file order, so that each reads the paths as the moves before it left them.
 */
function moveStatements(moves: Move[]): Move[][] {
  const together: Move[] = [];
  const alone: Move[][] = [];
  const inside = (path: string | null, root: string) => path !== null && path.startsWith(root);
  for (const m of moves) {
    const apart =
      m.parentPath !== null &&
      together.every((o) => !inside(m.path, o.path) && !inside(o.path, m.path) && !inside(m.parentPath, o.path) && !inside(o.parentPath, m.path));
    if (apart) together.push(m);
    else alone.push([m]);
  }
  return together.length ? [together, ...alone] : alone;
}
