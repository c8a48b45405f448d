import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { AppConfig } from './config';
import type { Logger } from './logger';
import { Scope } from './scope';
import { ANONYMOUS, actorOf, Principal, scopeOf } from './auth/principal';
import { BadInputError } from './errors';
import type { SqlTally } from './db/sql-counter';
import { UnitRepository } from './modules/units/unit.repository';
import { createUnitLoaders, UnitLoaders } from './modules/units/unit.loaders';
import { TenantRepository } from './modules/tenants/tenant.repository';
import type { Tenant } from './modules/tenants/tenant.entity';
import { CalendarRepository } from './modules/calendar/calendar.repository';
import { createCalendarLoader } from './modules/calendar/calendar.loaders';
import { ApiKeyRepository } from './modules/apikeys/api-key.repository';
import { InteractionRepository } from './modules/interactions/interaction.repository';
import { createInteractionLoaders, InteractionLoaders } from './modules/interactions/interaction.loaders';
import { DisclosureRepository } from './modules/disclosures/disclosure.repository';
import { createDisclosureLoaders, DisclosureLoaders } from './modules/disclosures/disclosure.loaders';
import { ApplicationRepository } from './modules/applications/application.repository';
import { createApplicationLoaders, ApplicationLoaders } from './modules/applications/application.loaders';
import { CentreRepository } from './modules/centres/centre.repository';
import { createCentreLoaders, CentreLoaders } from './modules/centres/centre.loaders';
import { OfficerRepository } from './modules/officers/officer.repository';
import { createOfficerLoaders, OfficerLoaders } from './modules/officers/officer.loaders';
import { StatsRepository } from './modules/stats/stats.repository';
import { createStatsLoaders, StatsLoaders } from './modules/stats/stats.loaders';
import { ReportRepository } from './modules/reports/report.repository';
import { createReportLoaders, ReportLoaders } from './modules/reports/report.loaders';
import { InspectionRepository } from './modules/inspection/inspection.repository';
import { Walk } from './loaders';

/**
 * Everything a request carries: its own EntityManager (identity map), its scope, its SQL tally and
 * its DataLoaders. Loaders live exactly as long as the request, so nothing is cached across
 * callers and every batch is bounded by what this request asked for.
 */
export class RequestContext {
  readonly requestId: string;
  readonly units: UnitRepository;
  readonly interactions: InteractionRepository;
  readonly disclosures: DisclosureRepository;
  readonly applications: ApplicationRepository;
  readonly centres: CentreRepository;
  readonly officers: OfficerRepository;
  readonly stats: StatsRepository;
  /** The request's scope: what it may see and touch, built from the principal (see src/scope.ts). */
  readonly scope: Scope;
  readonly reports: ReportRepository;
  readonly inspection: InspectionRepository;
  readonly calendar: CalendarRepository;
  readonly apiKeys: ApiKeyRepository;
  /**
   * Who is asking, as recorded on what they write (report texts, inspection scores) and in logs:
   * 'user:<sub>@<unit code>', 'key:<prefix>' or 'anonymous', from the principal.
   */
  readonly actor: string;
  /** Whether this request reads on the read replica (then its answer is not stored in the response cache). */
  readFromReplica = false;
  /** Whether the HTTP request is a batch of operations sharing this context (then no mutation may run). */
  batched = false;
  /** The request's clock: every "overdue now" of one response is judged at the same instant. */
  readonly now = new Date();
  /** The request's reads of the unit hierarchy in flight: figures are read once per walk (src/loaders.ts). */
  readonly walk = new Walk();
  readonly loaders: {
    units: UnitLoaders;
    calendar: ReturnType<typeof createCalendarLoader>;
    interactions: InteractionLoaders;
    disclosures: DisclosureLoaders;
    applications: ApplicationLoaders;
    centres: CentreLoaders;
    officers: OfficerLoaders;
    stats: StatsLoaders;
    reports: ReportLoaders;
  };
  private tenantList: Promise<Tenant[]> | null = null;
  private readonly tenantRepo: TenantRepository;

  constructor(
    readonly em: EntityManager,
    /** Who is asking (anonymous, staff or an API key), authenticated once per request. */
    readonly principal: Principal,
    readonly config: AppConfig,
    readonly logger: Logger,
    readonly sql: SqlTally,
    requestId?: string,
  ) {
    this.requestId = requestId ?? randomUUID();
    const scope = (this.scope = scopeOf(principal));
    this.actor = actorOf(principal);
    this.units = new UnitRepository(em, scope);
    this.tenantRepo = new TenantRepository(em, scope);
    this.interactions = new InteractionRepository(em, scope);
    this.disclosures = new DisclosureRepository(em, scope);
    this.applications = new ApplicationRepository(em, scope);
    this.centres = new CentreRepository(em, scope);
    this.officers = new OfficerRepository(em, scope);
    this.stats = new StatsRepository(em, scope);
    this.reports = new ReportRepository(em, scope);
    this.inspection = new InspectionRepository(em, scope);
    this.calendar = new CalendarRepository(em);
    this.apiKeys = new ApiKeyRepository(em, scope);
    this.loaders = {
      units: createUnitLoaders(this.units, this.walk),
      calendar: createCalendarLoader(this.calendar),
      interactions: createInteractionLoaders(this.interactions),
      disclosures: createDisclosureLoaders(this.disclosures),
      applications: createApplicationLoaders(this.applications),
      centres: createCentreLoaders(this.centres),
      officers: createOfficerLoaders(this.officers),
      stats: createStatsLoaders(this.stats, this.now, this.walk),
      reports: createReportLoaders(this.reports),
    };
  }

  /** The tenants this request may see (one statement per request, then memoized). */
  tenants(): Promise<Tenant[]> {
    return (this.tenantList ??= this.tenantRepo.all());
  }

  /**
   * Whether this request may read the personal data (requester names and contacts, officers'
   * phones) of a record owned by the unit with this materialized path. Staff whose subtree holds the
   * record may (and keys with the read scope); the public never may. Every personal field asks here.
   */
  canSeePersonalData(unitPath: string): boolean {
    return this.scope.seesPersonalData(unitPath);
  }

  async tenantById(id: number): Promise<Tenant | null> {
    return (await this.tenants()).find((t) => t.id === id) ?? null;
  }

  /**
   * The id of the tenant an argument or filter names. An unknown province code, or one this request
   * may not see, is BAD_USER_INPUT naming `field`: the one answer for an unknown tenant, in reads,
   * list filters, writes and the REST routes alike.
   */
  async requireTenantId(code: string, field: string): Promise<number> {
    const t = await this.tenantByCode(code);
    if (!t) throw new BadInputError(`No tenant with province code ${code}.`, field);
    return t.id;
  }

  /**
   * The tenant a bulk write goes to. A credential (staff token, API key) fixes it: `tenant` may be
   * omitted, and when given it must be the credential's (TENANT_MISMATCH otherwise).
   */
  async writeTenant(code: string | null | undefined, field: string): Promise<{ id: number; code: string }> {
    const p = this.principal;
    if (p.kind === 'anonymous') {
      if (code === undefined || code === null) throw new BadInputError(`Pass \`${field}\` (a six-digit province code).`, field);
      return { id: await this.requireTenantId(code, field), code };
    }
    if (code !== undefined && code !== null && code !== p.unit.tenantCode) {
      throw new BadInputError(`This credential writes in tenant ${p.unit.tenantCode}, not ${code}; omit \`${field}\` or pass ${p.unit.tenantCode}.`, field, { reason: 'TENANT_MISMATCH' });
    }
    return { id: p.unit.tenantId, code: p.unit.tenantCode };
  }

  /**
   * Where this request may write, in words that reveal nothing it may not see: "tenant 430000" for
   * a province-level credential, "your subtree (430100 and below)" for a lower one.
   */
  writeArea(): string {
    const p = this.principal;
    if (p.kind === 'anonymous') return 'any tenant you may write to';
    return p.unit.depth === 0 ? `tenant ${p.unit.tenantCode}` : `your subtree (${p.unit.code} and below)`;
  }

  async tenantByCode(code: string): Promise<Tenant | null> {
    return (await this.tenants()).find((t) => t.code === code) ?? null;
  }
}

export function createContext(orm: MikroORM, config: AppConfig, logger: Logger, sql: SqlTally, principal: Principal = ANONYMOUS, requestId?: string): RequestContext {
  return new RequestContext(orm.em.fork({ useContext: false }) as EntityManager, principal, config, logger, sql, requestId);
}
