import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { inSubtreeSql, Scope } from '../../scope';
import { UUID_RE } from '../units/unit.repository';
import { DisclosureApplication } from './disclosure-application.entity';
import { DisclosureDispute } from './disclosure-dispute.entity';
import { ApplicationOutcome, ApplicationStatus, DisputeKind, DisputeOutcome, DisputeStatus } from './application.enums';
import { mapRows } from '../../db/rows';

const APP_COLUMNS = [
  'tenant_id', 'id', 'unit_id', 'applicant_type', 'applicant_name', 'applicant_contact', 'subject', 'channel', 'received_at', 'due_at',
  'extended', 'extended_at', 'extension_reason', 'status', 'outcome', 'legal_ground', 'decided_at', 'withdrawn_at', 'fee_charged',
  'external_id', 'created_at', 'updated_at',
];
const DISPUTE_COLUMNS = ['tenant_id', 'id', 'unit_id', 'application_id', 'kind', 'filed_at', 'status', 'outcome', 'concluded_at', 'note', 'created_at', 'updated_at'];

/** Where a list is restricted to a unit, or a unit and its whole subtree. */
export interface UnitRestriction {
  unitId: string;
  subtree: boolean;
}

export interface ApplicationListFilter {
  tenantId?: number;
  unit?: UnitRestriction;
  status?: ApplicationStatus;
  outcome?: ApplicationOutcome;
  receivedFrom?: Date;
  receivedBefore?: Date;
  decidedFrom?: Date;
  decidedBefore?: Date;
  pendingAt?: Date;
  /** Compared with `now`: RECEIVED and due_at <= now. */
  overdue?: { value: boolean; now: Date };
  extended?: boolean;
}

export interface DisputeListFilter {
  tenantId?: number;
  unit?: UnitRestriction;
  applicationId?: string;
  kind?: DisputeKind;
  status?: DisputeStatus;
  outcome?: DisputeOutcome;
  filedFrom?: Date;
  filedBefore?: Date;
}

/** Sort key of both lists: (instant desc, id desc). */
export interface TimeKey {
  at: Date;
  id: string;
}

function uniqueViolation(err: unknown): boolean {
  let cur: any = err;
  for (let i = 0; cur && i < 5; i++) {
    if (cur.code === '23505') return true;
    cur = cur.cause ?? cur.originalError ?? cur.previous;
  }
  return /duplicate key value|unique constraint/i.test(String((err as Error)?.message ?? ''));
}

/**
 * All SQL over disclosure_application and disclosure_dispute. Every read joins the owning unit
 * and applies `Scope.restrictRows` to it (private rows), so a caller never sees another subtree's rows.
 */
export class ApplicationRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly scope: Scope,
  ) {}

  private knex(): Knex {
    return this.em.getKnex();
  }

  /** Joins the owning unit `u` of the rows aliased `alias`, restricted to the scope. */
  private owned(table: string, alias: string): Knex.QueryBuilder {
    const qb = this.knex()
      .from({ [alias]: table })
      .join({ u: 'org_unit' }, (j) => j.on('u.tenant_id', `${alias}.tenant_id`).andOn('u.id', `${alias}.unit_id`));
    return this.scope.restrictRows(qb, 'u', 'private');
  }

  private restrictUnit(qb: Knex.QueryBuilder, alias: string, r: UnitRestriction): void {
    if (!r.subtree) {
      qb.where(`${alias}.unit_id`, r.unitId);
      return;
    }
    // The unit itself and every unit below it: one range of the (tenant_id, path) index.
    qb.whereExists(
      this.knex()
        .select(this.knex().raw('1'))
        .from({ r: 'org_unit' })
        .where('r.id', r.unitId)
        .whereRaw(inSubtreeSql('u', 'r')),
    );
  }

  private mapApps(rows: Record<string, unknown>[]): DisclosureApplication[] {
    return mapRows(this.em, DisclosureApplication, rows);
  }

  private mapDisputes(rows: Record<string, unknown>[]): DisclosureDispute[] {
    return mapRows(this.em, DisclosureDispute, rows);
  }

  // ---------------------------------------------------------------- applications

  async findApplicationsByIds(ids: readonly string[]): Promise<DisclosureApplication[]> {
    const valid = ids.filter((id) => UUID_RE.test(id));
    if (valid.length === 0) return [];
    const qb = this.owned('disclosure_application', 'a').select(APP_COLUMNS.map((c) => `a.${c}`)).whereIn('a.id', valid);
    return this.mapApps(await this.em.execute(qb));
  }

  async findApplicationByExternalId(tenantId: number, unitId: string, externalId: string): Promise<DisclosureApplication | null> {
    const rows = await this.em.execute(
      this.knex().select(APP_COLUMNS).from('disclosure_application').where({ tenant_id: tenantId, unit_id: unitId, external_id: externalId }),
    );
    return this.mapApps(rows)[0] ?? null;
  }

  private filteredApplications(f: ApplicationListFilter): Knex.QueryBuilder {
    const qb = this.owned('disclosure_application', 'a');
    if (f.tenantId !== undefined) qb.where('a.tenant_id', f.tenantId);
    if (f.unit) this.restrictUnit(qb, 'a', f.unit);
    if (f.status) qb.where('a.status', f.status);
    if (f.outcome) qb.where('a.outcome', f.outcome);
    if (f.receivedFrom) qb.where('a.received_at', '>=', f.receivedFrom);
    if (f.receivedBefore) qb.where('a.received_at', '<', f.receivedBefore);
    if (f.decidedFrom) qb.where('a.decided_at', '>=', f.decidedFrom);
    if (f.decidedBefore) qb.where('a.decided_at', '<', f.decidedBefore);
    if (f.pendingAt) {
      const at = f.pendingAt;
      qb.where('a.received_at', '<', at)
        .where((w) => w.whereNull('a.decided_at').orWhere('a.decided_at', '>=', at))
        .where((w) => w.whereNull('a.withdrawn_at').orWhere('a.withdrawn_at', '>=', at));
    }
    if (f.overdue) {
      const { value, now } = f.overdue;
      if (value) qb.where('a.status', ApplicationStatus.RECEIVED).where('a.due_at', '<=', now);
      else qb.where((w) => w.whereNot('a.status', ApplicationStatus.RECEIVED).orWhere('a.due_at', '>', now));
    }
    if (f.extended !== undefined) qb.where('a.extended', f.extended);
    return qb;
  }

  /** One page (`first + 1` rows) in (received_at desc, id desc) order. */
  async listApplications(f: ApplicationListFilter, first: number, after: TimeKey | null): Promise<DisclosureApplication[]> {
    const qb = this.filteredApplications(f).select(APP_COLUMNS.map((c) => `a.${c}`));
    if (after) qb.whereRaw('(a.received_at, a.id) < (?, ?)', [after.at, after.id]);
    qb.orderBy([{ column: 'a.received_at', order: 'desc' }, { column: 'a.id', order: 'desc' }]).limit(first + 1);
    return this.mapApps(await this.em.execute(qb));
  }

  async countApplications(f: ApplicationListFilter): Promise<number> {
    const [row] = await this.em.execute(this.filteredApplications(f).count({ n: '*' }));
    return Number(row.n);
  }

  /** Inserts one application; null when (tenant, unit, external_id) is taken. */
  async insertApplication(row: Record<string, unknown>): Promise<DisclosureApplication | null> {
    try {
      const rows = await this.em.execute(this.knex().insert(row).into('disclosure_application').returning(APP_COLUMNS));
      return this.mapApps(rows)[0];
    } catch (err) {
      if (uniqueViolation(err)) return null;
      throw err;
    }
  }

  /**
   * Updates one application only if it is still in `expectedStatus` (and, for an extension, not yet
   * extended): the workflow guard holds even against concurrent writers. Null when nothing matched.
   */
  async updateApplication(tenantId: number, id: string, patch: Record<string, unknown>, guard: { status: ApplicationStatus; notExtended?: boolean }): Promise<DisclosureApplication | null> {
    const qb = this.knex()('disclosure_application')
      .update({ ...patch, updated_at: new Date() })
      .where({ tenant_id: tenantId, id, status: guard.status })
      .returning(APP_COLUMNS);
    if (guard.notExtended) qb.where('extended', false);
    return this.mapApps(await this.em.execute(qb))[0] ?? null;
  }

  async deleteApplication(tenantId: number, id: string): Promise<number> {
    const rows = await this.em.execute(this.knex()('disclosure_application').where({ tenant_id: tenantId, id }).delete().returning(['id']));
    return rows.length;
  }

  async disputesOfApplication(tenantId: number, applicationId: string): Promise<number> {
    const [row] = await this.em.execute(this.knex()('disclosure_dispute').where({ tenant_id: tenantId, application_id: applicationId }).count({ n: '*' }));
    return Number(row.n);
  }

  // ---------------------------------------------------------------- disputes

  async findDisputesByIds(ids: readonly string[]): Promise<DisclosureDispute[]> {
    const valid = ids.filter((id) => UUID_RE.test(id));
    if (valid.length === 0) return [];
    const qb = this.owned('disclosure_dispute', 'x').select(DISPUTE_COLUMNS.map((c) => `x.${c}`)).whereIn('x.id', valid);
    return this.mapDisputes(await this.em.execute(qb));
  }

  private filteredDisputes(f: DisputeListFilter): Knex.QueryBuilder {
    const qb = this.owned('disclosure_dispute', 'x');
    if (f.tenantId !== undefined) qb.where('x.tenant_id', f.tenantId);
    if (f.unit) this.restrictUnit(qb, 'x', f.unit);
    if (f.applicationId) qb.where('x.application_id', f.applicationId);
    if (f.kind) qb.where('x.kind', f.kind);
    if (f.status) qb.where('x.status', f.status);
    if (f.outcome) qb.where('x.outcome', f.outcome);
    if (f.filedFrom) qb.where('x.filed_at', '>=', f.filedFrom);
    if (f.filedBefore) qb.where('x.filed_at', '<', f.filedBefore);
    return qb;
  }

  async listDisputes(f: DisputeListFilter, first: number, after: TimeKey | null): Promise<DisclosureDispute[]> {
    const qb = this.filteredDisputes(f).select(DISPUTE_COLUMNS.map((c) => `x.${c}`));
    if (after) qb.whereRaw('(x.filed_at, x.id) < (?, ?)', [after.at, after.id]);
    qb.orderBy([{ column: 'x.filed_at', order: 'desc' }, { column: 'x.id', order: 'desc' }]).limit(first + 1);
    return this.mapDisputes(await this.em.execute(qb));
  }

  async countDisputes(f: DisputeListFilter): Promise<number> {
    const [row] = await this.em.execute(this.filteredDisputes(f).count({ n: '*' }));
    return Number(row.n);
  }

  async insertDispute(row: Record<string, unknown>): Promise<DisclosureDispute> {
    const rows = await this.em.execute(this.knex().insert(row).into('disclosure_dispute').returning(DISPUTE_COLUMNS));
    return this.mapDisputes(rows)[0];
  }

  async updateDispute(tenantId: number, id: string, patch: Record<string, unknown>, status: DisputeStatus): Promise<DisclosureDispute | null> {
    const qb = this.knex()('disclosure_dispute')
      .update({ ...patch, updated_at: new Date() })
      .where({ tenant_id: tenantId, id, status })
      .returning(DISPUTE_COLUMNS);
    return this.mapDisputes(await this.em.execute(qb))[0] ?? null;
  }
}
