import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../context';
import { BadInputError, NotFoundError } from '../../errors';
import { checkFirst, ConnectionResult, decodeCursor, encodeCursor, toConnection } from '../../pagination';
import { addDays, startOfShanghaiDay, WorkingCalendar } from '../calendar/working-calendar';
import { UUID_RE } from '../units/unit.repository';
import { InteractionEvent } from './interaction-event.entity';
import { DEFAULT_REPLY_DAYS, expectsReply, InteractionKind, InteractionStatus } from './interaction.enums';
import {
  CreateInteractionInput, InteractionFilter, MAX_EXTERNAL_ID, MAX_REASON, MAX_REPLY,
  MAX_REQUESTER_CONTACT, MAX_REQUESTER_NAME, MAX_SUBJECT,
} from './interaction.inputs';
import { InteractionKey, InteractionListFilter } from './interaction.repository';
import { ReplyRuleView } from './reply-rule.entity';
import { idOrNull, loadOrNotFound, optionalId, requireId } from '../../ids';

const CURSOR_TAG = 'ie';
const EARLIEST = Date.parse('2000-01-01T00:00:00+08:00');
const DAY_MS = 86_400_000;
/** Tolerated clock skew of a client for "not in the future" (replies). */
export const SKEW_MS = 60_000;
type Rules = Map<InteractionKind, number | null>;

/** The working days that apply to a kind: the tenant's row, else the default; null = no deadline. */
export function replyDays(rules: Rules, kind: InteractionKind): number | null {
  if (!expectsReply(kind)) return null;
  return rules.has(kind) ? rules.get(kind)! : DEFAULT_REPLY_DAYS[kind];
}

export function dueAt(calendar: WorkingCalendar, rules: Rules, kind: InteractionKind, receivedAt: Date): Date | null {
  const n = replyDays(rules, kind);
  return n === null ? null : calendar.deadline(receivedAt, n);
}

export function isDate(d: unknown): d is Date {
  return d instanceof Date && !Number.isNaN(d.getTime());
}

/** Field checks shared by createInteraction and each ingest row (no database). */
export function checkEventFields(
  row: {
    centreId?: string | null; subject: string; requesterName?: string | null; requesterContact?: string | null; receivedAt: Date;
    externalId?: string | null;
  },
  now: number,
  add: (field: string, message: string) => void,
): void {
  if (row.centreId != null && !UUID_RE.test(row.centreId)) add('centreId', 'centreId is not a uuid');
  if (typeof row.subject !== 'string' || row.subject.trim().length === 0 || row.subject.length > MAX_SUBJECT) {
    add('subject', `subject must be 1 to ${MAX_SUBJECT} characters`);
  }
  if (row.requesterName != null && row.requesterName.length > MAX_REQUESTER_NAME) add('requesterName', `requesterName may be at most ${MAX_REQUESTER_NAME} characters`);
  if (row.requesterContact != null && row.requesterContact.length > MAX_REQUESTER_CONTACT) {
    add('requesterContact', `requesterContact may be at most ${MAX_REQUESTER_CONTACT} characters`);
  }
  if (!isDate(row.receivedAt)) add('receivedAt', 'receivedAt is not a date-time');
  else if (row.receivedAt.getTime() < EARLIEST) add('receivedAt', 'receivedAt may not be before 2000');
  else if (row.receivedAt.getTime() > now + DAY_MS) add('receivedAt', 'receivedAt may be at most 1 day in the future');
  if (row.externalId != null && (row.externalId.length < 1 || row.externalId.length > MAX_EXTERNAL_ID)) {
    add('externalId', `externalId must be 1 to ${MAX_EXTERNAL_ID} characters`);
  }
}

function parseAfter(after: string | undefined | null): InteractionKey | null {
  if (after === undefined || after === null) return null;
  const [receivedAt, id] = decodeCursor(CURSOR_TAG, after, 2);
  if (typeof receivedAt !== 'string' || Number.isNaN(Date.parse(receivedAt)) || typeof id !== 'string' || !UUID_RE.test(id)) {
    throw new BadInputError('Malformed cursor in `after`: pass a cursor this connection returned.', 'after');
  }
  return { receivedAt, id };
}


/** Loads an event visible to the request, or NOT_FOUND. */
function mustLoad(ctx: RequestContext, id: string, field = 'id'): Promise<InteractionEvent> {
  return loadOrNotFound(ctx.loaders.interactions.byId, id, 'interaction', field);
}

const ACTIVE = [InteractionStatus.OPEN, InteractionStatus.REPLIED, InteractionStatus.HELD];

export const InteractionService = {
  async replyRules(ctx: RequestContext, tenant: string): Promise<ReplyRuleView[]> {
    const rules = await ctx.interactions.replyRules(await ctx.requireTenantId(tenant, 'tenant'));
    return Object.values(InteractionKind).map((kind) => ({
      kind,
      workingDays: replyDays(rules, kind),
      isDefault: !rules.has(kind),
      expectsReply: expectsReply(kind),
    }));
  },

  async setReplyRule(ctx: RequestContext, tenant: string, kind: InteractionKind, workingDays: number | null): Promise<ReplyRuleView> {
    const tenantId = await ctx.requireTenantId(tenant, 'tenant');
    if (workingDays !== null && (!Number.isInteger(workingDays) || workingDays < 1 || workingDays > 365)) {
      throw new BadInputError('`workingDays` must be 1 to 365, or null for no deadline.', 'workingDays');
    }
    if (!expectsReply(kind) && workingDays !== null) {
      throw new BadInputError(`${kind} events are held, not replied to: their rule can only be null.`, 'workingDays');
    }
    await ctx.interactions.setReplyRule(tenantId, kind, workingDays);
    return { kind, workingDays, isDefault: false, expectsReply: expectsReply(kind) };
  },

  async interaction(ctx: RequestContext, id: string): Promise<InteractionEvent | null> {
    const key = idOrNull(id);
    return key ? ctx.loaders.interactions.byId.load(key) : null;
  },

  /** The repository filter of an `InteractionFilter` (the GraphQL list and the exports). */
  async listFilter(ctx: RequestContext, filter: InteractionFilter | undefined): Promise<InteractionListFilter> {
    const f: InteractionListFilter = { now: new Date() };
    if (filter?.tenant) f.tenantId = await ctx.requireTenantId(filter.tenant, 'filter.tenant');
    f.unitId = optionalId(filter?.unitId, 'filter.unitId', 'unit id');
    if (filter?.subtree && !f.unitId) throw new BadInputError('`subtree` needs `unitId`.', 'filter.subtree');
    f.subtree = filter?.subtree ?? false;
    if (filter?.kind && filter?.kinds) f.kinds = filter.kinds.filter((k) => k === filter.kind);
    else if (filter?.kind) f.kinds = [filter.kind];
    else if (filter?.kinds) f.kinds = filter.kinds;
    f.status = filter?.status;
    f.channel = filter?.channel;
    f.centreId = optionalId(filter?.centreId, 'filter.centreId', 'centre id');
    if (filter?.receivedFrom) f.receivedFrom = startOfShanghaiDay(filter.receivedFrom);
    if (filter?.receivedTo) f.receivedBefore = startOfShanghaiDay(addDays(filter.receivedTo, 1));
    if (filter?.receivedFrom && filter?.receivedTo && filter.receivedTo < filter.receivedFrom) {
      throw new BadInputError('`receivedTo` is before `receivedFrom`.', 'filter.receivedTo');
    }
    if (filter?.overdue !== undefined && filter?.overdue !== null) f.overdue = filter.overdue;
    f.search = filter?.search;
    f.externalId = filter?.externalId;
    return f;
  },

  async interactions(ctx: RequestContext, filter: InteractionFilter | undefined, first: number, after?: string | null): Promise<ConnectionResult<InteractionEvent>> {
    checkFirst(first, ctx.config.maxPageSize);
    const key = parseAfter(after);
    const f = await InteractionService.listFilter(ctx, filter);
    const rows = f.kinds?.length === 0 ? [] : await ctx.interactions.list(f, first, key);
    for (const row of rows) ctx.loaders.interactions.byId.prime(row.id, row);
    return toConnection(
      rows,
      first,
      (e) => encodeCursor(CURSOR_TAG, [e.receivedAt.toISOString(), e.id]),
      async () => (f.kinds?.length === 0 ? 0 : ctx.interactions.count(f)),
    );
  },

  async create(ctx: RequestContext, input: CreateInteractionInput): Promise<InteractionEvent> {
    const now = Date.now();
    const { id: tenantId } = await ctx.writeTenant(input.tenant, 'input.tenant');
    const unitId = requireId(input.unitId, 'input.unitId', 'unit id');
    const errors: { field: string; message: string }[] = [];
    checkEventFields(input, now, (field, message) => errors.push({ field, message }));
    if (errors.length) throw new BadInputError(`input.${errors[0].message}`, `input.${errors[0].field}`);
    const [unit, rules, calendar] = await Promise.all([
      ctx.loaders.units.byId.load(unitId),
      ctx.interactions.replyRules(tenantId),
      ctx.loaders.calendar.load(tenantId),
    ]);
    if (!unit || unit.tenantId !== tenantId) throw new BadInputError(`No unit ${input.unitId} in ${ctx.writeArea()}.`, 'input.unitId');
    if (input.centreId) {
      const centre = await ctx.loaders.centres.byId.load(input.centreId.toLowerCase());
      if (!centre || centre.tenantId !== tenantId || centre.unitId !== unit.id) {
        throw new BadInputError(`No centre ${input.centreId} of unit ${unit.code}: an event's centre must belong to its unit.`, 'input.centreId');
      }
    }
    const e = Object.assign(new InteractionEvent(), {
      tenantId,
      id: randomUUID(),
      unitId: unit.id,
      centreId: input.centreId ?? null,
      kind: input.kind,
      channel: input.channel,
      subject: input.subject,
      requesterName: input.requesterName ?? null,
      requesterContact: input.requesterContact ?? null,
      receivedAt: input.receivedAt,
      dueAt: dueAt(calendar, rules, input.kind, input.receivedAt),
      status: expectsReply(input.kind) ? InteractionStatus.OPEN : InteractionStatus.HELD,
      externalId: input.externalId ?? null,
    });
    const saved = await ctx.interactions.insert(e);
    if (!saved) throw new BadInputError(`External id ${input.externalId} is already used by another event of this unit.`, 'input.externalId');
    return saved;
  },

  async reply(ctx: RequestContext, id: string, repliedAt: Date, reply: string): Promise<InteractionEvent> {
    const e = await mustLoad(ctx, id);
    if (!expectsReply(e.kind)) throw new BadInputError(`${e.kind} events are held, not replied to.`, 'id');
    if (e.status !== InteractionStatus.OPEN) throw new BadInputError(`Only OPEN events can be replied to; this one is ${e.status}.`, 'id', { status: e.status });
    if (!isDate(repliedAt)) throw new BadInputError('`repliedAt` is not a date-time.', 'repliedAt');
    if (repliedAt.getTime() < e.receivedAt.getTime()) throw new BadInputError('`repliedAt` is before the event was received.', 'repliedAt');
    if (repliedAt.getTime() > Date.now() + SKEW_MS) throw new BadInputError('`repliedAt` is in the future.', 'repliedAt');
    if (reply.trim().length === 0 || reply.length > MAX_REPLY) throw new BadInputError(`\`reply\` must be 1 to ${MAX_REPLY} characters.`, 'reply');
    return step(ctx, e, [InteractionStatus.OPEN], { status: InteractionStatus.REPLIED, repliedAt, reply, statusReason: null, duplicateOfId: null });
  },

  async invalidate(ctx: RequestContext, id: string, reason: string): Promise<InteractionEvent> {
    const e = await mustLoad(ctx, id);
    if (reason.trim().length === 0 || reason.length > MAX_REASON) throw new BadInputError(`\`reason\` must be 1 to ${MAX_REASON} characters.`, 'reason');
    if (!ACTIVE.includes(e.status)) throw new BadInputError(`A ${e.status} event cannot be invalidated; reopen it first.`, 'id', { status: e.status });
    return step(ctx, e, ACTIVE, { status: InteractionStatus.INVALID, repliedAt: e.repliedAt ?? null, reply: e.reply ?? null, statusReason: reason, duplicateOfId: null });
  },

  async markDuplicate(ctx: RequestContext, id: string, duplicateOfId: string): Promise<InteractionEvent> {
    const originalId = requireId(duplicateOfId, 'duplicateOfId');
    if (requireId(id, 'id') === originalId) throw new BadInputError('An event cannot duplicate itself.', 'duplicateOfId');
    const [e, original] = await Promise.all([mustLoad(ctx, id), ctx.loaders.interactions.byId.load(originalId)]);
    if (!original || original.tenantId !== e.tenantId) throw new BadInputError(`No interaction ${duplicateOfId} in this event's tenant.`, 'duplicateOfId');
    if (original.status === InteractionStatus.DUPLICATE) {
      throw new BadInputError('That event is itself a duplicate: point to the original.', 'duplicateOfId');
    }
    if (!ACTIVE.includes(e.status)) throw new BadInputError(`A ${e.status} event cannot be marked duplicate; reopen it first.`, 'id', { status: e.status });
    return step(ctx, e, ACTIVE, { status: InteractionStatus.DUPLICATE, repliedAt: e.repliedAt ?? null, reply: e.reply ?? null, statusReason: null, duplicateOfId: original.id });
  },

  async reopen(ctx: RequestContext, id: string): Promise<InteractionEvent> {
    const e = await mustLoad(ctx, id);
    const from = [InteractionStatus.REPLIED, InteractionStatus.INVALID, InteractionStatus.DUPLICATE];
    if (!from.includes(e.status)) throw new BadInputError(`A ${e.status} event is not closed: nothing to reopen.`, 'id', { status: e.status });
    const status = expectsReply(e.kind) ? InteractionStatus.OPEN : InteractionStatus.HELD;
    return step(ctx, e, from, { status, repliedAt: null, reply: null, statusReason: null, duplicateOfId: null });
  },

  async delete(ctx: RequestContext, id: string): Promise<string> {
    const e = await mustLoad(ctx, id);
    const outcome = await ctx.interactions.delete(e.tenantId, e.id);
    if (outcome === 'referenced') throw new BadInputError('Other events are marked as duplicates of this one; reopen or delete them first.', 'id');
    if (outcome === 'missing') throw new NotFoundError(`No interaction with id ${id}.`);
    ctx.loaders.interactions.byId.clear(id);
    return id;
  },
};

async function step(
  ctx: RequestContext,
  e: InteractionEvent,
  from: InteractionStatus[],
  set: Parameters<RequestContext['interactions']['transition']>[3],
): Promise<InteractionEvent> {
  const updated = await ctx.interactions.transition(e.tenantId, e.id, from, set);
  if (!updated) throw new BadInputError('The event changed meanwhile; read it again and retry.', 'id');
  ctx.loaders.interactions.byId.clear(e.id).prime(e.id, updated);
  return updated;
}
