import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { OrgUnit } from './org-unit.entity';
import { UnitKind, UnitLevel } from './unit.enums';
import { Scope, descendantOfSql } from '../../scope';
import { mapRow, mapRows } from '../../db/rows';
import { arrayLiteral, preparedRows } from '../../db/sql';
import type { WalkStep } from './unit.lookahead';

export { UUID_RE } from '../../ids';
import { UUID_RE } from '../../ids';

export interface UnitListFilter {
  tenantId?: number;
  level?: UnitLevel;
  kind?: UnitKind;
  parentId?: string;
  ancestorId?: string;
  search?: string;
}

/** What an import needs to know of an existing unit (see `UnitRepository.importState`). */
export interface UnitImportState {
  id: string;
  code: string;
  name: string;
  level: UnitLevel;
  kind: UnitKind;
  parentId: string | null;
  parentCode: string | null;
  path: string;
  writable: boolean;
}

/** Sort key of every unit list: code, then id (codes are unique within a tenant only). */
export interface UnitKey {
  code: string;
  id: string;
}

const COLUMNS = ['tenant_id', 'id', 'code', 'name', 'level', 'kind', 'parent_id', 'path', 'depth', 'created_at', 'updated_at'];
/** What every unit object needs (keys, scope, rollup scope, subtree reads); `name` and `kind` as the query asks. */
const KEY_COLUMNS = ['tenant_id', 'id', 'code', 'level', 'parent_id', 'path', 'depth'];

/** Escapes LIKE wildcards, so a search matches them literally. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

/**
 * All SQL over org_unit. Every method takes the request's scope and applies it through
 * `Scope.restrictUnits`, so no caller can forget it. Methods taking many keys answer in one
 * statement: they are the batch functions behind the DataLoaders.
 */
export class UnitRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly scope: Scope,
  ) {}

  private knex(): Knex {
    return this.em.getKnex();
  }

  private cols(alias: string): string[] {
    return COLUMNS.map((c) => `${alias}.${c}`);
  }

  /** A built query as a prepared statement (src/db/sql.ts): its text must not depend on the values. */
  private rows(qb: Knex.QueryBuilder): Promise<Record<string, unknown>[]> {
    const { sql, bindings } = qb.toSQL();
    return preparedRows(this.em, sql, bindings);
  }

  private async run(qb: Knex.QueryBuilder): Promise<OrgUnit[]> {
    return mapRows(this.em, OrgUnit, await this.rows(qb));
  }

  /**
   * A query planned afresh for its values (MikroORM inlines them). For the pages ordered by code
   * with a limit: a prepared statement's generic plan, blind to the values, walked the code index
   * over every unit for each root (past the 30 s statement timeout on the 1M database).
   */
  private async runPlanned(qb: Knex.QueryBuilder): Promise<Record<string, unknown>[]> {
    return this.em.execute(qb);
  }

  async findByIds(ids: readonly string[]): Promise<OrgUnit[]> {
    const valid = ids.filter((id) => UUID_RE.test(id));
    if (valid.length === 0) return [];
    const qb = this.knex().select(this.cols('u')).from({ u: 'org_unit' }).whereRaw('u.id = any(?::uuid[])', [arrayLiteral(valid)]);
    return this.run(this.scope.restrictUnits(qb, 'u'));
  }

  /**
   * The units of a tenant named by any of these codes or ids, in one statement, as far as the scope
   * lets the request see them (a mutation's scope: its write subtree). Bulk writes resolve their rows'
   * units here.
   */
  async findByCodesOrIds(tenantId: number, codes: readonly string[], ids: readonly string[]): Promise<{ id: string; code: string }[]> {
    if (codes.length === 0 && ids.length === 0) return [];
    const qb = this.knex()
      .select('u.id', 'u.code')
      .from({ u: 'org_unit' })
      .where('u.tenant_id', tenantId)
      .where((w) =>
        w
          .whereRaw('u.code in (select jsonb_array_elements_text(?::jsonb))', [JSON.stringify(codes)])
          .orWhereRaw('u.id in (select jsonb_array_elements_text(?::jsonb)::uuid)', [JSON.stringify(ids.filter((id) => UUID_RE.test(id)))]),
      );
    return this.em.execute(this.scope.restrictUnits(qb, 'u'));
  }

  /**
   * The state of the units of a tenant with these codes, whatever the scope (unit rows are public),
   * each with its parent's code and whether the request's scope may write it (`writable`): one
   * statement, for an import to tell new units, changes and codes outside the caller's subtree apart.
   */
  async importState(tenantId: number, codes: readonly string[]): Promise<UnitImportState[]> {
    if (codes.length === 0) return [];
    const visible = this.scope.unitsSql('u');
    return this.em.execute(
      `select u.id, u.code, u.name, u.level, u.kind, u.parent_id as "parentId", p.code as "parentCode", u.path, (${visible.sql}) as writable
         from org_unit u left join org_unit p on p.tenant_id = u.tenant_id and p.id = u.parent_id
        where u.tenant_id = ? and u.code in (select jsonb_array_elements_text(?::jsonb))`,
      [...visible.bindings, tenantId, JSON.stringify(codes)],
    );
  }

  /** Inserts new units of ONE level in one statement (their parents exist already: the path trigger reads them). */
  async insertMany(tenantId: number, units: readonly { id: string; code: string; name: string; level: UnitLevel; kind: UnitKind; parentId: string }[]): Promise<void> {
    if (units.length === 0) return;
    await this.em.execute(
      `insert into org_unit (tenant_id, id, code, name, level, kind, parent_id)
       select ?, v.id, v.code, v.name, v.level, v.kind, v."parentId" from jsonb_to_recordset(?::jsonb) as v(id uuid, code text, name text, level text, kind text, "parentId" uuid)`,
      [tenantId, JSON.stringify(units)],
    );
  }

  /** Renames and re-kinds units in one statement (a kind change recounts the unit's figures: rollup trigger). */
  async updateMany(tenantId: number, units: readonly { id: string; name: string; kind: UnitKind }[]): Promise<void> {
    if (units.length === 0) return;
    await this.em.execute(
      `update org_unit u set name = v.name, kind = v.kind, updated_at = now()
         from jsonb_to_recordset(?::jsonb) as v(id uuid, name text, kind text)
        where u.tenant_id = ? and u.id = v.id`,
      [JSON.stringify(units), tenantId],
    );
  }

  /**
   * Moves units (each with its subtree) under other parents in one statement. The database rewrites
   * the subtrees' paths and moves their rolled-up figures to the new ancestors (triggers). The
   * caller passes only moves that do not touch each other's subtrees (see unit.import.ts): within one
   * statement a moved unit would read the path of another moved unit before that one's move.
   */
  async moveMany(tenantId: number, moves: readonly { id: string; parentId: string }[]): Promise<void> {
    if (moves.length === 0) return;
    await this.em.execute(
      `update org_unit u set parent_id = v."parentId", updated_at = now()
         from jsonb_to_recordset(?::jsonb) as v(id uuid, "parentId" uuid)
        where u.tenant_id = ? and u.id = v.id`,
      [JSON.stringify(moves), tenantId],
    );
  }

  async findByCode(code: string, tenantId?: number): Promise<OrgUnit[]> {
    const qb = this.knex().select(this.cols('u')).from({ u: 'org_unit' }).where('u.code', code).limit(2);
    if (tenantId !== undefined) qb.where('u.tenant_id', tenantId);
    return this.run(this.scope.restrictUnits(qb, 'u'));
  }

  /** The root unit (the province) of each of many tenants. */
  async rootsOf(tenantIds: readonly number[]): Promise<OrgUnit[]> {
    const qb = this.knex().select(this.cols('u')).from({ u: 'org_unit' }).whereRaw('u.tenant_id = any(?::int[])', [arrayLiteral(tenantIds.filter((t) => Number.isInteger(t)))]).whereNull('u.parent_id');
    return this.run(this.scope.restrictUnits(qb, 'u'));
  }

  private filtered(filter: UnitListFilter): Knex.QueryBuilder {
    const qb = this.knex().from({ u: 'org_unit' });
    this.scope.restrictUnits(qb, 'u');
    if (filter.tenantId !== undefined) qb.where('u.tenant_id', filter.tenantId);
    if (filter.level) qb.where('u.level', filter.level);
    if (filter.kind) qb.where('u.kind', filter.kind);
    if (filter.parentId) qb.where('u.parent_id', filter.parentId);
    if (filter.ancestorId) {
      qb.whereExists(
        this.knex().select(this.knex().raw('1')).from({ a: 'org_unit' }).where('a.id', filter.ancestorId).whereRaw(descendantOfSql('u', 'a')),
      );
    }
    if (filter.search) {
      const s = escapeLike(filter.search);
      qb.where((w) => w.whereILike('u.name', `%${s}%`).orWhereLike('u.code', `${s}%`));
    }
    return qb;
  }

  /** One page (`first + 1` rows, to tell whether another follows) in (code, id) order. */
  async list(filter: UnitListFilter, first: number, after: UnitKey | null): Promise<OrgUnit[]> {
    const qb = this.filtered(filter).select(this.cols('u'));
    if (after) qb.whereRaw('(u.code, u.id) > (?, ?)', [after.code, after.id]);
    qb.orderBy([{ column: 'u.code' }, { column: 'u.id' }]).limit(first + 1);
    return mapRows(this.em, OrgUnit, await this.runPlanned(qb));
  }

  async count(filter: UnitListFilter): Promise<number> {
    const qb = this.filtered(filter).count({ n: '*' });
    const [row] = await this.em.execute(qb);
    return Number(row.n);
  }

  /**
   * Children of many parents at once (optionally of one level), in code order. The parents'
   * tenants are part of the condition so that the (tenant_id, parent_id) index serves it (without
   * them: a scan of every unit, 27 ms for a province's 14 cities among 27,000 units).
   */
  async childrenOf(parents: readonly { tenantId: number; id: string }[], level: UnitLevel | null): Promise<OrgUnit[]> {
    const valid = parents.filter((p) => UUID_RE.test(p.id) && Number.isInteger(p.tenantId));
    if (valid.length === 0) return [];
    const qb = this.knex()
      .select(this.cols('u'))
      .from({ u: 'org_unit' })
      .whereRaw('u.tenant_id = any(?::int[])', [arrayLiteral([...new Set(valid.map((p) => p.tenantId))])])
      .whereRaw('u.parent_id = any(?::uuid[])', [arrayLiteral(valid.map((p) => p.id))]);
    if (level) qb.where('u.level', level);
    qb.orderBy([{ column: 'u.code' }, { column: 'u.id' }]);
    return this.run(this.scope.restrictUnits(qb, 'u'));
  }

  /**
   * Several levels of a walk down the hierarchy in ONE statement (the children loader's look-ahead):
   * step 0 holds the children of the given parents (of `plan[0].level`), step k the children of
   * step k − 1's units (of `plan[k].level`), each step a chain of (tenant_id, parent_id) index
   * lookups, every unit of the chain restricted by the Scope. Only the columns the plan needs.
   */
  async childrenWalk(parents: readonly { tenantId: number; id: string }[], plan: readonly WalkStep[]): Promise<{ step: number; unit: OrgUnit }[]> {
    const valid = parents.filter((p) => UUID_RE.test(p.id) && Number.isInteger(p.tenantId));
    if (valid.length === 0 || plan.length === 0) return [];
    const knex = this.knex();
    const tenants = arrayLiteral([...new Set(valid.map((p) => p.tenantId))]);
    const ids = arrayLiteral(valid.map((p) => p.id));
    const parts = plan.map((step, k) => {
      const a = `u${k}`;
      const cols = [...KEY_COLUMNS.map((c) => `${a}.${c}`), step.name ? `${a}.name` : 'null::varchar as name', step.kind ? `${a}.kind` : 'null::text as kind'];
      const qb = knex.select(knex.raw(`${k}::int as step, ${cols.join(', ')}`)).from({ u0: 'org_unit' }).whereRaw('u0.tenant_id = any(?::int[]) and u0.parent_id = any(?::uuid[])', [tenants, ids]);
      if (plan[0].level) qb.where('u0.level', plan[0].level);
      // Each further level as a LATERAL lookup of the (tenant_id, parent_id) index per unit above
      // (`offset 0` keeps it one: as a plain join, the generic plan of the prepared statement
      // estimated the levels blind and scanned every unit of the tenant).
      for (let i = 1; i <= k; i++) {
        const lvl = plan[i].level;
        qb.joinRaw(
          `cross join lateral (select * from org_unit x where x.tenant_id = u${i - 1}.tenant_id and x.parent_id = u${i - 1}.id${lvl ? ' and x.level = ?' : ''} offset 0) u${i}`,
          lvl ? [lvl] : [],
        );
      }
      for (let i = 0; i <= k; i++) this.scope.restrictUnits(qb, `u${i}`);
      return qb.toSQL();
    });
    const sql = `select * from (${parts.map((p) => `(${p.sql})`).join(' union all ')}) w order by w.step, w.code, w.id`;
    const rows = await preparedRows(this.em, sql, parts.flatMap((p) => p.bindings));
    return rows.map((row) => {
      const step = Number(row.step);
      delete row.step;
      if (row.name === null) delete row.name;
      if (row.kind === null) delete row.kind;
      return { step, unit: mapRow(this.em, OrgUnit, row) };
    });
  }

  /**
   * A page of descendants for each of many roots, in one statement: a LATERAL subquery per root
   * walks the (tenant_id, path) index from the root's path and stops after `first + 1` rows.
   */
  async descendantsOf(rootIds: readonly string[], level: UnitLevel | null, first: number, after: UnitKey | null): Promise<Map<string, OrgUnit[]>> {
    const valid = rootIds.filter((id) => UUID_RE.test(id));
    const out = new Map<string, OrgUnit[]>();
    if (valid.length === 0) return out;
    const knex = this.knex();
    const inner = knex.select(this.cols('d')).from({ d: 'org_unit' }).whereRaw(descendantOfSql('d', 'r'));
    if (level) inner.where('d.level', level);
    if (after) inner.whereRaw('(d.code, d.id) > (?, ?)', [after.code, after.id]);
    this.scope.restrictUnits(inner, 'd');
    inner.orderBy([{ column: 'd.code' }, { column: 'd.id' }]).limit(first + 1);
    const qb = knex
      .select(knex.raw('r.id as root_id'), ...COLUMNS.map((c) => `x.${c}`))
      .from({ r: 'org_unit' })
      .joinRaw('cross join lateral ? as x', [inner as unknown as Knex.Raw])
      .whereRaw('r.id = any(?::uuid[])', [arrayLiteral(valid)])
      .orderBy([{ column: 'r.id' }, { column: 'x.code' }, { column: 'x.id' }]);
    this.scope.restrictUnits(qb, 'r');
    const rows = await this.runPlanned(qb);
    for (const row of rows) {
      const rootId = row.root_id as string;
      delete row.root_id;
      const list = out.get(rootId) ?? [];
      list.push(mapRow(this.em, OrgUnit, row));
      out.set(rootId, list);
    }
    return out;
  }

  /** Number of descendants (optionally of one level) of each of many roots, in one statement. */
  async countDescendants(rootIds: readonly string[], level: UnitLevel | null): Promise<Map<string, number>> {
    const valid = rootIds.filter((id) => UUID_RE.test(id));
    const out = new Map<string, number>();
    if (valid.length === 0) return out;
    const knex = this.knex();
    // A LATERAL count per root over the (tenant_id, path) index: as a join, the generic plan of
    // the prepared statement hashed every unit of the tenant (90 ms against 1 ms).
    const inner = knex.count({ n: '*' }).from({ d: 'org_unit' }).whereRaw(descendantOfSql('d', 'r'));
    if (level) inner.where('d.level', level);
    this.scope.restrictUnits(inner, 'd');
    const qb = knex
      .select(knex.raw('r.id as root_id, c.n'))
      .from({ r: 'org_unit' })
      .joinRaw('cross join lateral ? as c', [inner as unknown as Knex.Raw])
      .whereRaw('r.id = any(?::uuid[])', [arrayLiteral(valid)]);
    this.scope.restrictUnits(qb, 'r');
    const rows = (await this.rows(qb)) as { root_id: string; n: string | number }[];
    for (const row of rows) out.set(row.root_id, Number(row.n));
    return out;
  }

  /**
   * Moves a unit under another parent, in one transaction: the triggers rewrite its subtree's paths
   * and move its rolled-up figures to the new ancestors.
   */
  async moveUnder(unit: { tenantId: number; id: string }, parentId: string): Promise<void> {
    await this.em.transactional(async (tx) => {
      await tx.execute('update org_unit set parent_id = ?, updated_at = now() where tenant_id = ? and id = ?', [parentId, unit.tenantId, unit.id]);
    });
  }

}
