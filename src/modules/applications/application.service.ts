import { randomUUID } from 'node:crypto';
import type DataLoader from 'dataloader';
import type { RequestContext } from '../../context';
import { BadInputError, NotFoundError } from '../../errors';
import { checkFirst, ConnectionResult, decodeCursor, encodeCursor, toConnection } from '../../pagination';
import { UUID_RE } from '../units/unit.repository';
import { OrgUnit } from '../units/org-unit.entity';
import { addDays, shanghaiDate, startOfShanghaiDay } from '../calendar/working-calendar';
import { ApplicationOutcome, ApplicationStatus, DisputeOutcome, DisputeStatus } from './application.enums';
import { DisclosureApplication } from './disclosure-application.entity';
import { DisclosureDispute } from './disclosure-dispute.entity';
import {
  CreateDisclosureApplicationInput,
  DecideDisclosureApplicationInput,
  DisclosureApplicationFilter,
  DisclosureDisputeFilter,
  FileDisclosureDisputeInput,
} from './application.inputs';
import { ApplicationListFilter, ApplicationRepository, DisputeListFilter, TimeKey, UnitRestriction } from './application.repository';
import type { EntityManager } from '@mikro-orm/postgresql';
import { idOrNull, loadOrNotFound, optionalId, requireId } from '../../ids';

/** Statutory reply period, and the single extension, in working days (政府信息公开条例 第三十三条). */
export const REPLY_WORKING_DAYS = 20;
export const EXTENSION_WORKING_DAYS = 20;

const APPLICATIONS_CURSOR = 'da';
const DISPUTES_CURSOR = 'dd';
const EARLIEST = new Date('2000-01-01T00:00:00+08:00');
const DAY_MS = 86_400_000;
/** Tolerated clock skew for instants that must not be in the future. */
const SKEW_MS = 60_000;


function checkInstant(value: Date, field: string, opts: { futureMs: number }): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new BadInputError(`\`${field}\` is not a valid date-time.`, field);
  if (value < EARLIEST) throw new BadInputError(`\`${field}\` must not be before 2000.`, field);
  if (value.getTime() > Date.now() + opts.futureMs) {
    throw new BadInputError(opts.futureMs >= DAY_MS ? `\`${field}\` must not be more than one day in the future.` : `\`${field}\` must not be in the future.`, field);
  }
  return value;
}

function cursorOf(tag: string, at: (row: any) => Date) {
  return (row: { id: string }) => encodeCursor(tag, [at(row).toISOString(), row.id]);
}

function parseAfter(tag: string, after: string | undefined | null): TimeKey | null {
  if (after === undefined || after === null) return null;
  const [iso, id] = decodeCursor(tag, after, 2);
  const at = typeof iso === 'string' ? new Date(iso) : new Date(NaN);
  if (typeof id !== 'string' || !UUID_RE.test(id) || Number.isNaN(at.getTime())) {
    throw new BadInputError('Malformed cursor in `after`: pass a cursor this connection returned.', 'after');
  }
  return { at, id };
}

/** The instant a Shanghai day begins, or (with `next`) the instant the day after begins. */
function dayBound(date: string | undefined, next = false): Date | undefined {
  if (!date) return undefined;
  return startOfShanghaiDay(next ? addDays(date, 1) : date);
}

async function tenantIdOf(ctx: RequestContext, code: string | undefined): Promise<number | undefined> {
  return code ? ctx.requireTenantId(code, 'filter.tenant') : undefined;
}

async function unitRestriction(unitId: string | undefined, subtree: boolean | undefined): Promise<UnitRestriction | undefined> {
  if (!unitId) return undefined;
  return { unitId: requireId(unitId, 'filter.unitId', 'unit id'), subtree: subtree === true };
}

/** The unit a write names: it must exist in the caller's write area, in the tenant the credential fixes. */
async function unitOfTenant(ctx: RequestContext, tenant: string | null | undefined, unitId: string, prefix: string): Promise<{ tenantId: number; unit: OrgUnit }> {
  const t = await ctx.writeTenant(tenant, `${prefix}.tenant`);
  const unit = await ctx.loaders.units.byId.load(requireId(unitId, `${prefix}.unitId`, 'unit id'));
  if (!unit || unit.tenantId !== t.id) throw new BadInputError(`No unit ${unitId} in ${ctx.writeArea()}.`, `${prefix}.unitId`);
  return { tenantId: t.id, unit };
}

function applicationOrFail(ctx: RequestContext, id: string, field = 'id'): Promise<DisclosureApplication> {
  return loadOrNotFound(ctx.loaders.applications.byId, id, 'disclosure application', field);
}

function refresh<T extends { id: string }>(loader: DataLoader<string, T | null>, row: T): T {
  loader.clear(row.id);
  loader.prime(row.id, row);
  return row;
}

/** Whether an application was decided before its deadline; null while it is open or withdrawn. */
export function onTime(app: DisclosureApplication): boolean | null {
  if (app.status !== ApplicationStatus.DECIDED || !app.decidedAt) return null;
  return app.decidedAt.getTime() < app.dueAt.getTime();
}

/** Still open, and its deadline has passed. */
export function overdue(app: DisclosureApplication, now = new Date()): boolean {
  return app.status === ApplicationStatus.RECEIVED && now.getTime() >= app.dueAt.getTime();
}

/** Whether a stored application is the one this create call describes (an idempotent retry). */
function sameSubmission(a: DisclosureApplication, row: { applicant_type: string; applicant_name: string; applicant_contact: string | null; subject: string; channel: string; received_at: Date }): boolean {
  return (
    a.applicantType === row.applicant_type &&
    a.applicantName === row.applicant_name &&
    (a.applicantContact ?? null) === row.applicant_contact &&
    a.subject === row.subject &&
    a.channel === row.channel &&
    a.receivedAt.getTime() === row.received_at.getTime()
  );
}

export const ApplicationService = {
  // ------------------------------------------------------------------ reads

  async application(ctx: RequestContext, id: string): Promise<DisclosureApplication | null> {
    const key = idOrNull(id);
    return key ? ctx.loaders.applications.byId.load(key) : null;
  },

  /** The repository filter of a `DisclosureApplicationFilter` (the GraphQL list and the exports). */
  async listFilter(ctx: RequestContext, filter: DisclosureApplicationFilter | undefined): Promise<ApplicationListFilter> {
    const f: ApplicationListFilter = {
      tenantId: await tenantIdOf(ctx, filter?.tenant),
      unit: await unitRestriction(filter?.unitId, filter?.subtree),
      status: filter?.status,
      outcome: filter?.outcome,
      receivedFrom: dayBound(filter?.receivedFrom),
      receivedBefore: dayBound(filter?.receivedTo, true),
      decidedFrom: dayBound(filter?.decidedFrom),
      decidedBefore: dayBound(filter?.decidedTo, true),
      pendingAt: dayBound(filter?.pendingAt),
      overdue: filter?.overdue === undefined || filter?.overdue === null ? undefined : { value: filter.overdue, now: new Date() },
      extended: filter?.extended ?? undefined,
    };
    return f;
  },

  async applications(ctx: RequestContext, filter: DisclosureApplicationFilter | undefined, first: number, after?: string | null): Promise<ConnectionResult<DisclosureApplication>> {
    checkFirst(first, ctx.config.maxPageSize);
    const key = parseAfter(APPLICATIONS_CURSOR, after);
    const f = await ApplicationService.listFilter(ctx, filter);
    const rows = await ctx.applications.listApplications(f, first, key);
    for (const row of rows) ctx.loaders.applications.byId.prime(row.id, row);
    return toConnection(rows, first, cursorOf(APPLICATIONS_CURSOR, (a: DisclosureApplication) => a.receivedAt), () => ctx.applications.countApplications(f));
  },

  async disputes(ctx: RequestContext, filter: DisclosureDisputeFilter | undefined, first: number, after?: string | null): Promise<ConnectionResult<DisclosureDispute>> {
    checkFirst(first, ctx.config.maxPageSize);
    const key = parseAfter(DISPUTES_CURSOR, after);
    const f: DisputeListFilter = {
      tenantId: await tenantIdOf(ctx, filter?.tenant),
      unit: await unitRestriction(filter?.unitId, filter?.subtree),
      applicationId: optionalId(filter?.applicationId, 'filter.applicationId', 'application id'),
      kind: filter?.kind,
      status: filter?.status,
      outcome: filter?.outcome,
      filedFrom: dayBound(filter?.filedFrom),
      filedBefore: dayBound(filter?.filedTo, true),
    };
    const rows = await ctx.applications.listDisputes(f, first, key);
    return toConnection(rows, first, cursorOf(DISPUTES_CURSOR, (d: DisclosureDispute) => d.filedAt), () => ctx.applications.countDisputes(f));
  },

  // ------------------------------------------------------------------ writes

  async create(ctx: RequestContext, input: CreateDisclosureApplicationInput): Promise<DisclosureApplication> {
    const { tenantId, unit } = await unitOfTenant(ctx, input.tenant, input.unitId, 'input');
    const receivedAt = checkInstant(input.receivedAt, 'input.receivedAt', { futureMs: DAY_MS });
    const calendar = await ctx.loaders.calendar.load(tenantId);
    const row = {
      tenant_id: tenantId,
      id: randomUUID(),
      unit_id: unit.id,
      applicant_type: input.applicantType,
      applicant_name: input.applicantName,
      applicant_contact: input.applicantContact ?? null,
      subject: input.subject,
      channel: input.channel,
      received_at: receivedAt,
      due_at: calendar.deadline(receivedAt, REPLY_WORKING_DAYS),
      extended: false,
      status: ApplicationStatus.RECEIVED,
      fee_charged: '0.00',
      external_id: input.externalId ?? null,
    };
    const created = await ctx.applications.insertApplication(row);
    if (created) return refresh(ctx.loaders.applications.byId, created);
    // The external id is taken. A retry of the same submission answers the stored application
    // (integrators retry on timeouts); anything else under that id is refused.
    const existing = await ctx.applications.findApplicationByExternalId(tenantId, unit.id, input.externalId!);
    if (existing && sameSubmission(existing, row)) return refresh(ctx.loaders.applications.byId, existing);
    throw new BadInputError(`Unit ${unit.code} already has another application with externalId ${input.externalId}.`, 'input.externalId');
  },

  /**
   * The one extension: 20 more working days counted from the last day of the original period
   * (the day before the exclusive original deadline), ending, like `deadline`, at 00:00 of the next day.
   */
  async extend(ctx: RequestContext, id: string, reason: string, at: Date): Promise<DisclosureApplication> {
    const app = await applicationOrFail(ctx, id);
    checkInstant(at, 'at', { futureMs: SKEW_MS });
    if (app.extended) throw new BadInputError('The deadline of this application was already extended; it can be extended only once.', 'id');
    if (app.status !== ApplicationStatus.RECEIVED) throw new BadInputError(`Only an open (RECEIVED) application can be extended; this one is ${app.status}.`, 'id');
    if (at < app.receivedAt) throw new BadInputError('`at` must not be before the application was received.', 'at');
    if (at >= app.dueAt) throw new BadInputError('The extension must be decided before the original deadline.', 'at');
    const calendar = await ctx.loaders.calendar.load(app.tenantId);
    const lastDay = addDays(shanghaiDate(app.dueAt), -1);
    const newLastDay = calendar.addWorkingDays(lastDay, EXTENSION_WORKING_DAYS);
    const dueAt = startOfShanghaiDay(addDays(newLastDay, 1));
    const updated = await ctx.applications.updateApplication(
      app.tenantId,
      app.id,
      { extended: true, extended_at: at, extension_reason: reason, due_at: dueAt },
      { status: ApplicationStatus.RECEIVED, notExtended: true },
    );
    if (!updated) throw new BadInputError('The application changed meanwhile (decided, withdrawn or already extended).', 'id');
    return refresh(ctx.loaders.applications.byId, updated);
  },

  async decide(ctx: RequestContext, id: string, input: DecideDisclosureApplicationInput): Promise<DisclosureApplication> {
    const app = await applicationOrFail(ctx, id);
    const decidedAt = checkInstant(input.decidedAt, 'input.decidedAt', { futureMs: SKEW_MS });
    if (app.status !== ApplicationStatus.RECEIVED) throw new BadInputError(`Only an open (RECEIVED) application can be decided; this one is ${app.status}.`, 'id');
    if (decidedAt < app.receivedAt) throw new BadInputError('`decidedAt` must not be before the application was received.', 'input.decidedAt');
    const legalGround = input.legalGround?.trim() || null;
    if (input.outcome === ApplicationOutcome.REFUSED && !legalGround) {
      throw new BadInputError('A refusal (REFUSED) must name its legal ground, e.g. 国家秘密, 商业秘密, 个人隐私, 过程性信息.', 'input.legalGround');
    }
    const fee = input.feeCharged ?? 0;
    if (!Number.isFinite(fee) || fee < 0 || Math.round(fee * 100) !== Number((fee * 100).toFixed(6))) {
      throw new BadInputError('`feeCharged` must be a non-negative amount with at most 2 decimals.', 'input.feeCharged');
    }
    const updated = await ctx.applications.updateApplication(
      app.tenantId,
      app.id,
      { status: ApplicationStatus.DECIDED, outcome: input.outcome, decided_at: decidedAt, legal_ground: legalGround, fee_charged: fee.toFixed(2) },
      { status: ApplicationStatus.RECEIVED },
    );
    if (!updated) throw new BadInputError('The application was decided or withdrawn meanwhile.', 'id');
    return refresh(ctx.loaders.applications.byId, updated);
  },

  async withdraw(ctx: RequestContext, id: string, at: Date): Promise<DisclosureApplication> {
    const app = await applicationOrFail(ctx, id);
    checkInstant(at, 'at', { futureMs: SKEW_MS });
    if (app.status !== ApplicationStatus.RECEIVED) throw new BadInputError(`Only an open (RECEIVED) application can be withdrawn; this one is ${app.status}.`, 'id');
    if (at < app.receivedAt) throw new BadInputError('`at` must not be before the application was received.', 'at');
    const updated = await ctx.applications.updateApplication(app.tenantId, app.id, { status: ApplicationStatus.WITHDRAWN, withdrawn_at: at }, { status: ApplicationStatus.RECEIVED });
    if (!updated) throw new BadInputError('The application was decided or withdrawn meanwhile.', 'id');
    return refresh(ctx.loaders.applications.byId, updated);
  },

  /** Deletes an application (e.g. entered by mistake); refused while a dispute refers to it. */
  async delete(ctx: RequestContext, id: string): Promise<string> {
    const app = await applicationOrFail(ctx, id);
    return ctx.em.transactional(async (em) => {
      const repo = new ApplicationRepository(em as EntityManager, ctx.scope);
      if ((await repo.disputesOfApplication(app.tenantId, app.id)) > 0) {
        throw new BadInputError('A reconsideration or lawsuit refers to this application; it cannot be deleted.', 'id');
      }
      const n = await repo.deleteApplication(app.tenantId, app.id);
      ctx.loaders.applications.byId.clear(app.id);
      if (n === 0) throw new NotFoundError(`No disclosure application ${id}.`);
      return app.id;
    });
  },

  async fileDispute(ctx: RequestContext, input: FileDisclosureDisputeInput): Promise<DisclosureDispute> {
    const { tenantId, unit } = await unitOfTenant(ctx, input.tenant, input.unitId, 'input');
    const filedAt = checkInstant(input.filedAt, 'input.filedAt', { futureMs: DAY_MS });
    let applicationId: string | null = null;
    if (input.applicationId) {
      const app = await ctx.loaders.applications.byId.load(requireId(input.applicationId, 'input.applicationId', 'application id'));
      if (!app || app.tenantId !== tenantId) throw new BadInputError(`No application ${input.applicationId} in ${ctx.writeArea()}.`, 'input.applicationId');
      if (app.unitId !== unit.id) throw new BadInputError('The application was addressed to another unit.', 'input.applicationId');
      if (filedAt < app.receivedAt) throw new BadInputError('`filedAt` must not be before the application was received.', 'input.filedAt');
      applicationId = app.id;
    }
    return ctx.applications.insertDispute({
      tenant_id: tenantId,
      id: randomUUID(),
      unit_id: unit.id,
      application_id: applicationId,
      kind: input.kind,
      filed_at: filedAt,
      status: DisputeStatus.PENDING,
      note: input.note ?? null,
    });
  },

  async concludeDispute(ctx: RequestContext, id: string, outcome: DisputeOutcome, concludedAt: Date): Promise<DisclosureDispute> {
    const dispute = await loadOrNotFound(ctx.loaders.applications.disputeById, id, 'disclosure dispute');
    checkInstant(concludedAt, 'concludedAt', { futureMs: SKEW_MS });
    if (dispute.status !== DisputeStatus.PENDING) throw new BadInputError('This reconsideration or lawsuit is already concluded.', 'id');
    if (concludedAt < dispute.filedAt) throw new BadInputError('`concludedAt` must not be before it was filed.', 'concludedAt');
    const updated = await ctx.applications.updateDispute(dispute.tenantId, dispute.id, { status: DisputeStatus.CONCLUDED, outcome, concluded_at: concludedAt }, DisputeStatus.PENDING);
    if (!updated) throw new BadInputError('This reconsideration or lawsuit was concluded meanwhile.', 'id');
    return refresh(ctx.loaders.applications.disputeById, updated);
  },
};
