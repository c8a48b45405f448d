import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { Scope } from '../../scope';
import { joinOwnerUnit, OwnedKey, OwnerFilter } from '../units/unit-owner.repository';
import { escapeLike, UUID_RE } from '../units/unit.repository';
import { Centre, CentreCheck } from './centre.entity';
import { CentreKind, CentreStatus } from './centre.enums';
import { UnitKind, UnitLevel } from '../units/unit.enums';
import { mapRow, mapRows } from '../../db/rows';

export interface CentreListFilter extends OwnerFilter {
  kind?: CentreKind;
  status?: CentreStatus;
  search?: string;
  reachable?: boolean;
  /** Opened on or before this date (ISO): the centres in service by then. */
  openedBy?: string;
  unitLevel?: UnitLevel;
  unitKinds?: UnitKind[];
}


export interface CentreRow {
  centre: Centre;
  unitCode: string;
}

/** The columns written by create/update (camelCase property → column). */
export interface CentreValues {
  kind?: CentreKind;
  name?: string;
  openedOn?: string | null;
  status?: CentreStatus;
  onlineHallUrl?: string | null;
}

/** One check to record; `centreId` must be a centre of the tenant (rows of others are skipped). */
export interface CheckRow {
  centreId: string;
  checkedAt: Date;
  ok: boolean;
  httpStatus: number | null;
  note: string | null;
}

export interface RecordChecksResult {
  /** History rows written (a centre's instant already recorded is not written again). */
  recorded: number;
  /** Centres whose latest check moved forward. */
  latestUpdated: number;
}

const COLUMNS = [
  'tenant_id', 'id', 'unit_id', 'kind', 'name', 'opened_on', 'status', 'online_hall_url',
  'check_checked_at', 'check_ok', 'check_http_status', 'created_at', 'updated_at',
];
const CHECK_COLUMNS = ['tenant_id', 'id', 'centre_id', 'checked_at', 'ok', 'http_status', 'note', 'recorded_at'];
const WRITABLE: Record<keyof CentreValues, string> = {
  kind: 'kind',
  name: 'name',
  openedOn: 'opened_on',
  status: 'status',
  onlineHallUrl: 'online_hall_url',
};

/**
 * All SQL over `centre` and `centre_check`. Reads apply the request's scope (`restrictOwned`, or
 * `restrictUnits` on the joined owner); methods taking many keys answer in one statement and back
 * the DataLoaders.
 */
export class CentreRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly scope: Scope,
  ) {}

  private knex(): Knex {
    return this.em.getKnex();
  }

  private cols(alias: string, columns = COLUMNS): string[] {
    return columns.map((c) => `${alias}.${c}`);
  }

  private map(rows: Record<string, unknown>[]): Centre[] {
    return mapRows(this.em, Centre, rows);
  }

  async findByIds(ids: readonly string[]): Promise<Centre[]> {
    const valid = ids.filter((id) => UUID_RE.test(id));
    if (valid.length === 0) return [];
    const qb = this.knex().select(this.cols('c')).from({ c: 'centre' }).whereIn('c.id', valid);
    return this.map(await this.em.execute(this.scope.restrictOwned(qb, 'c')));
  }

  /** Centres of many units at once, optionally of one kind and status, by name. */
  async ofUnits(unitIds: readonly string[], kind: CentreKind | null, status: CentreStatus | null): Promise<Centre[]> {
    const valid = unitIds.filter((id) => UUID_RE.test(id));
    if (valid.length === 0) return [];
    const qb = this.knex().select(this.cols('c')).from({ c: 'centre' }).whereIn('c.unit_id', valid);
    if (kind) qb.where('c.kind', kind);
    if (status) qb.where('c.status', status);
    qb.orderBy([{ column: 'c.name' }, { column: 'c.id' }]);
    return this.map(await this.em.execute(this.scope.restrictOwned(qb, 'c')));
  }

  /** Centres joined to their owning unit `u`, filtered (the subtree is a range scan of the path index). */
  private filtered(f: CentreListFilter): Knex.QueryBuilder {
    const qb = joinOwnerUnit(this.knex(), this.scope, this.knex().from({ c: 'centre' }), 'c', f);
    if (f.kind) qb.where('c.kind', f.kind);
    if (f.status) qb.where('c.status', f.status);
    if (f.search) qb.whereILike('c.name', `%${escapeLike(f.search)}%`);
    if (f.reachable === true) qb.whereRaw('c.check_ok is true');
    if (f.reachable === false) qb.whereRaw('c.check_ok is not true');
    if (f.openedBy) qb.where('c.opened_on', '<=', f.openedBy);
    if (f.unitLevel) qb.where('u.level', f.unitLevel);
    if (f.unitKinds?.length) qb.whereIn('u.kind', f.unitKinds);
    return qb;
  }

  /** One page (`first + 1` rows, to tell whether another follows) in (unit code, name, id) order. */
  async list(f: CentreListFilter, first: number, after: OwnedKey | null): Promise<CentreRow[]> {
    const qb = this.filtered(f).select(...this.cols('c'), 'u.code as unit_code');
    if (after) qb.whereRaw('(u.code, c.name, c.id) > (?, ?, ?)', [after.unitCode, after.name, after.id]);
    qb.orderBy([{ column: 'u.code' }, { column: 'c.name' }, { column: 'c.id' }]).limit(first + 1);
    const rows: Record<string, unknown>[] = await this.em.execute(qb);
    return rows.map(({ unit_code, ...row }) => ({ centre: mapRow(this.em, Centre, row), unitCode: String(unit_code) }));
  }

  async count(f: CentreListFilter): Promise<number> {
    const [row] = await this.em.execute(this.filtered(f).count({ n: '*' }));
    return Number(row.n);
  }

  /** The newest `first` checks of each of many centres, in one statement (a LATERAL walk of the unique index). */
  async checksOf(centreIds: readonly string[], first: number): Promise<Map<string, CentreCheck[]>> {
    const valid = centreIds.filter((id) => UUID_RE.test(id));
    const out = new Map<string, CentreCheck[]>();
    if (valid.length === 0) return out;
    const knex = this.knex();
    const inner = knex
      .select(this.cols('k', CHECK_COLUMNS))
      .from({ k: 'centre_check' })
      .whereRaw('k.tenant_id = r.tenant_id and k.centre_id = r.id')
      .orderBy('k.checked_at', 'desc')
      .limit(first);
    const qb = knex
      .select(this.cols('x', CHECK_COLUMNS))
      .from({ r: 'centre' })
      .joinRaw('cross join lateral ? as x', [inner as unknown as Knex.Raw])
      .whereIn('r.id', valid)
      .orderBy([{ column: 'x.centre_id' }, { column: 'x.checked_at', order: 'desc' }]);
    this.scope.restrictOwned(qb, 'r');
    const rows: Record<string, unknown>[] = await this.em.execute(qb);
    for (const row of rows) {
      const check = mapRow(this.em, CentreCheck, row);
      const list = out.get(check.centreId) ?? [];
      list.push(check);
      out.set(check.centreId, list);
    }
    return out;
  }

  async insert(tenantId: number, id: string, unitId: string, values: Required<Pick<CentreValues, 'kind' | 'name'>> & CentreValues): Promise<Centre> {
    const row: Record<string, unknown> = { tenant_id: tenantId, id, unit_id: unitId };
    for (const [prop, column] of Object.entries(WRITABLE)) {
      const v = values[prop as keyof CentreValues];
      if (v !== undefined) row[column] = v;
    }
    const [inserted] = await this.em.execute(this.knex().insert(row).into('centre').returning(COLUMNS));
    return mapRow(this.em, Centre, inserted);
  }

  /** Writes the given values (undefined = unchanged); null when there is no such centre. */
  async update(tenantId: number, id: string, values: CentreValues): Promise<Centre | null> {
    const set: Record<string, unknown> = { updated_at: this.knex().fn.now() };
    for (const [prop, column] of Object.entries(WRITABLE)) {
      const v = values[prop as keyof CentreValues];
      if (v !== undefined) set[column] = v;
    }
    const rows: Record<string, unknown>[] = await this.em.execute(
      this.knex().table('centre').update(set).where({ tenant_id: tenantId, id }).returning(COLUMNS),
    );
    return rows[0] ? mapRow(this.em, Centre, rows[0]) : null;
  }

  /** How many interaction events (of any visibility) were accepted at the centre. */
  async eventCount(tenantId: number, centreId: string): Promise<number> {
    const [{ n }] = await this.em.execute('select count(*)::int as n from interaction_event where tenant_id = ? and centre_id = ?', [tenantId, centreId]);
    return n;
  }

  /** Deletes a centre; its check history goes with it (trigger `centre_delete_checks`). */
  async delete(tenantId: number, id: string): Promise<boolean> {
    const rows = await this.em.execute(this.knex().table('centre').where({ tenant_id: tenantId, id }).delete().returning('id'));
    return rows.length > 0;
  }

  /**
   * Which of these ids are centres of the tenant (visible to the scope). With `lock`, the rows are
   * locked against deletion until the transaction ends (FOR KEY SHARE: updates still proceed).
   */
  async existing(tenantId: number, ids: readonly string[], opts: { lock?: boolean } = {}): Promise<Set<string>> {
    const valid = [...new Set(ids.filter((id) => UUID_RE.test(id)))];
    if (valid.length === 0) return new Set();
    const qb = this.knex().select('c.id').from({ c: 'centre' }).where('c.tenant_id', tenantId).whereIn('c.id', valid);
    if (opts.lock) qb.forKeyShare();
    const rows: { id: string }[] = await this.em.execute(this.scope.restrictOwned(qb, 'c'));
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Records checks in ONE statement: the history rows (an instant already recorded for a centre is
   * skipped, so a retried report writes nothing twice), and, for each centre, the newest of the new
   * checks becomes its latest check only if it is newer than the one stored. The latest fields
   * therefore only move forward, whatever order reports arrive in, and concurrent reports of one
   * centre serialize on its row (the second re-reads the stored instant before it writes).
   */
  async recordChecks(tenantId: number, rows: CheckRow[]): Promise<RecordChecksResult> {
    if (rows.length === 0) return { recorded: 0, latestUpdated: 0 };
    const payload = rows.map((r, ord) => ({ ...r, checkedAt: r.checkedAt.toISOString(), ord }));
    const [result] = await this.em.execute(
      `with v as (
         select * from jsonb_to_recordset(?::jsonb)
           as v("centreId" uuid, "checkedAt" timestamptz, ok boolean, "httpStatus" int, note text, ord int)
       ),
       ins as (
         insert into centre_check (tenant_id, id, centre_id, checked_at, ok, http_status, note)
         select c.tenant_id, gen_random_uuid(), c.id, v."checkedAt", v.ok, v."httpStatus", v.note
           from v join centre c on c.tenant_id = ? and c.id = v."centreId"
          order by v.ord
         on conflict (tenant_id, centre_id, checked_at) do nothing
         returning centre_id, checked_at, ok, http_status
       ),
       newest as (
         select distinct on (centre_id) centre_id, checked_at, ok, http_status from ins order by centre_id, checked_at desc
       ),
       moved as (
         update centre c
            set check_checked_at = n.checked_at, check_ok = n.ok, check_http_status = n.http_status
           from newest n
          where c.tenant_id = ? and c.id = n.centre_id
            and (c.check_checked_at is null or c.check_checked_at < n.checked_at)
         returning c.id
       )
       select (select count(*) from ins)::int as recorded, (select count(*) from moved)::int as latest_updated`,
      [JSON.stringify(payload), tenantId, tenantId],
    );
    return { recorded: Number(result.recorded), latestUpdated: Number(result.latest_updated) };
  }
}
