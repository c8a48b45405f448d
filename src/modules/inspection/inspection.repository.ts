import type { EntityManager } from '@mikro-orm/postgresql';
import type { Scope } from '../../scope';
import type { Scheme } from './inspection.scheme';

export interface StoredScheme extends Scheme {
  updatedBy: string;
  updatedAt: Date;
}

export interface ScoreRow {
  unitId: string;
  year: number;
  dimension: string;
  score: number;
  note: string | null;
  scoredBy: string;
  scoredAt: Date;
}

export interface FindingRow {
  unitId: string;
  problem: string;
  note: string | null;
  foundBy: string;
  foundAt: Date;
}

const mapScore = (r: Record<string, any>): ScoreRow => ({
  unitId: String(r.unit_id),
  year: Number(r.year),
  dimension: String(r.dimension),
  score: Number(r.score),
  note: r.note ?? null,
  scoredBy: String(r.scored_by),
  scoredAt: new Date(r.scored_at),
});

/** All SQL of the inspection tables (the figures come from the stats rollups). */
export class InspectionRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly scope: Scope,
  ) {}

  private visibleTenant(tenantId: number): boolean {
    return this.scope.seesTenant(tenantId);
  }

  async scheme(tenantId: number): Promise<StoredScheme | null> {
    if (!this.visibleTenant(tenantId)) return null;
    const [row] = await this.em.execute(`select dimensions, excellent_threshold, pass_threshold, updated_by, updated_at from inspection_scheme where tenant_id = ?`, [tenantId]);
    if (!row) return null;
    return {
      dimensions: typeof row.dimensions === 'string' ? JSON.parse(row.dimensions) : row.dimensions,
      excellentThreshold: Number(row.excellent_threshold),
      passThreshold: Number(row.pass_threshold),
      updatedBy: String(row.updated_by),
      updatedAt: new Date(row.updated_at),
    };
  }

  async saveScheme(tenantId: number, scheme: Scheme, actor: string): Promise<StoredScheme> {
    const [row] = await this.em.execute(
      `insert into inspection_scheme (tenant_id, dimensions, excellent_threshold, pass_threshold, updated_by, updated_at)
       values (?, ?::jsonb, ?, ?, ?, now())
       on conflict (tenant_id) do update set dimensions = excluded.dimensions, excellent_threshold = excluded.excellent_threshold,
         pass_threshold = excluded.pass_threshold, updated_by = excluded.updated_by, updated_at = now()
       returning updated_by, updated_at`,
      [tenantId, JSON.stringify(scheme.dimensions), scheme.excellentThreshold, scheme.passThreshold, actor],
    );
    return { ...scheme, updatedBy: String(row.updated_by), updatedAt: new Date(row.updated_at) };
  }

  /** Manual scores and findings of the given units for a year: one statement. */
  async marks(tenantId: number, year: number, unitIds: string[]): Promise<{ scores: ScoreRow[]; findings: FindingRow[] }> {
    if (!unitIds.length || !this.visibleTenant(tenantId)) return { scores: [], findings: [] };
    const rows: Record<string, any>[] = await this.em.execute(
      `select 'S' as t, unit_id, year, dimension as k, score, note, scored_by as who, scored_at as at from inspection_score
        where tenant_id = ? and year = ? and unit_id = any(?::uuid[])
       union all
       select 'F', unit_id, year, problem, null, note, found_by, found_at from inspection_finding
        where tenant_id = ? and year = ? and unit_id = any(?::uuid[])`,
      [tenantId, year, `{${unitIds.join(',')}}`, tenantId, year, `{${unitIds.join(',')}}`],
    );
    const scores: ScoreRow[] = [];
    const findings: FindingRow[] = [];
    for (const r of rows) {
      if (r.t === 'S') scores.push(mapScore({ ...r, dimension: r.k, scored_by: r.who, scored_at: r.at }));
      else findings.push({ unitId: String(r.unit_id), problem: String(r.k), note: r.note ?? null, foundBy: String(r.who), foundAt: new Date(r.at) });
    }
    return { scores, findings };
  }

  async setScore(tenantId: number, unitId: string, year: number, dimension: string, score: number, note: string | null, actor: string): Promise<ScoreRow> {
    const [row] = await this.em.execute(
      `insert into inspection_score (tenant_id, unit_id, year, dimension, score, note, scored_by, scored_at) values (?, ?, ?, ?, ?, ?, ?, now())
       on conflict (tenant_id, unit_id, year, dimension) do update set score = excluded.score, note = excluded.note, scored_by = excluded.scored_by, scored_at = now()
       returning unit_id, year, dimension, score, note, scored_by, scored_at`,
      [tenantId, unitId, year, dimension, score, note, actor],
    );
    return mapScore(row);
  }

  async clearScore(tenantId: number, unitId: string, year: number, dimension: string): Promise<void> {
    await this.em.execute(`delete from inspection_score where tenant_id = ? and unit_id = ? and year = ? and dimension = ?`, [tenantId, unitId, year, dimension]);
  }

  async setFinding(tenantId: number, unitId: string, year: number, problem: string, note: string | null, actor: string): Promise<void> {
    await this.em.execute(
      `insert into inspection_finding (tenant_id, unit_id, year, problem, note, found_by, found_at) values (?, ?, ?, ?, ?, ?, now())
       on conflict (tenant_id, unit_id, year, problem) do update set note = excluded.note, found_by = excluded.found_by, found_at = now()`,
      [tenantId, unitId, year, problem, note, actor],
    );
  }

  async clearFinding(tenantId: number, unitId: string, year: number, problem: string): Promise<void> {
    await this.em.execute(`delete from inspection_finding where tenant_id = ? and unit_id = ? and year = ? and problem = ?`, [tenantId, unitId, year, problem]);
  }
}
