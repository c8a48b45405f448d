import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import type { Scope } from '../../scope';
import { ReportText } from './report-text.entity';

export interface ReportTextKey {
  tenantId: number;
  unitId: string;
  year: number;
}

export const reportTextKeyId = (k: ReportTextKey) => `${k.tenantId}:${k.unitId}:${k.year}`;

function mapText(r: Record<string, any>): ReportText {
  return Object.assign(new ReportText(), {
    tenantId: Number(r.tenant_id),
    unitId: String(r.unit_id),
    year: Number(r.year),
    problems: String(r.problems ?? ''),
    improvements: String(r.improvements ?? ''),
    publishedOn: r.published_on === null || r.published_on === undefined ? null : typeof r.published_on === 'string' ? r.published_on.slice(0, 10) : toLocalDate(r.published_on),
    updatedBy: String(r.updated_by),
    updatedAt: new Date(r.updated_at),
  });
}

function toLocalDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const COLUMNS = `t.tenant_id, t.unit_id, t.year, t.problems, t.improvements, to_char(t.published_on, 'YYYY-MM-DD') as published_on, t.updated_by, t.updated_at`;

/** All SQL of the annual reports' own table (the figures come from the stats rollups). */
export class ReportRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly scope: Scope,
  ) {}

  private knex(): Knex {
    return this.em.getKnex();
  }

  /** Texts of any number of (tenant, unit, year) keys: one statement. */
  async textsByKeys(keys: readonly ReportTextKey[]): Promise<ReportText[]> {
    if (!keys.length) return [];
    const qb = this.knex()
      .select(this.knex().raw(COLUMNS))
      .from({ t: 'report_text' })
      .whereRaw(`(t.tenant_id, t.unit_id, t.year) in (select * from unnest(?::int[], ?::uuid[], ?::int[]))`, [
        `{${keys.map((k) => k.tenantId).join(',')}}`,
        `{${keys.map((k) => k.unitId).join(',')}}`,
        `{${keys.map((k) => k.year).join(',')}}`,
      ]);
    const rows: Record<string, unknown>[] = await this.em.execute(this.scope.restrictOwned(qb, 't'));
    return rows.map(mapText);
  }

  /**
   * Writes the text of a unit's year; `undefined` fields keep their stored value (or the default on
   * insert). One statement.
   */
  async upsertText(
    key: ReportTextKey,
    values: { problems?: string; improvements?: string; publishedOn?: string | null },
    actor: string,
  ): Promise<ReportText> {
    const set: string[] = ['updated_by = excluded.updated_by', 'updated_at = now()'];
    if (values.problems !== undefined) set.push('problems = excluded.problems');
    if (values.improvements !== undefined) set.push('improvements = excluded.improvements');
    if (values.publishedOn !== undefined) set.push('published_on = excluded.published_on');
    const [row] = await this.em.execute(
      `insert into report_text as t (tenant_id, unit_id, year, problems, improvements, published_on, updated_by, updated_at)
       values (?, ?, ?, ?, ?, ?::date, ?, now())
       on conflict (tenant_id, unit_id, year) do update set ${set.join(', ')}
       returning ${COLUMNS}`,
      [key.tenantId, key.unitId, key.year, values.problems ?? '', values.improvements ?? '', values.publishedOn ?? null, actor],
    );
    return mapText(row);
  }
}
