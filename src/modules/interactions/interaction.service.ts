import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { BadInputError, NotFoundError } from '../../errors';
import { checkFirst, ConnectionResult, decodeCursor, encodeCursor, toConnection } from '../../pagination';
import { addDays, startOfShanghaiDay, WorkingCalendar } from '../calendar/working-calendar';
import { idempotent, keyNamespace } from '../ingest/idempotency';
import { UUID_RE } from '../units/unit.repository';
import { InteractionEvent } from './interaction-event.entity';
import { DEFAULT_REPLY_DAYS, expectsReply, InteractionKind, InteractionStatus } from './interaction.enums';
import {
  CreateInteractionInput, InteractionFilter, InteractionIngestRow, MAX_EXTERNAL_ID, MAX_INGEST_ROWS, MAX_REASON, MAX_REPLY,
  MAX_REQUESTER_CONTACT, MAX_REQUESTER_NAME, MAX_SUBJECT,
} from './interaction.inputs';
import { InteractionKey, InteractionListFilter } from './interaction.repository';
import { ReplyRuleView } from './reply-rule.entity';
import { IngestInteractionsResult } from './interaction.types';

const CURSOR_TAG = 'ie';
const EARLIEST = Date.parse('2000-01-01T00:00:00+08:00');
const DAY_MS = 86_400_000;
/** Tolerated clock skew of a client for "not in the future" (replies). */
const SKEW_MS = 60_000;
/**
 * Rows per insert statement: the whole batch. The rollup triggers run once per statement, and the
 * ancestors' rows (county, city, province) are upserted once per statement, so one statement of
 * 5,000 rows costs less than two of 2,500.
 */
const INGEST_CHUNK = MAX_INGEST_ROWS;

export interface RowError {
  index: number;
  field: string;
  message: string;
}

type Rules = Map<InteractionKind, number | null>;

/** The working days that apply to a kind: the tenant's row, else the default; null = no deadline. */
export function replyDays(rules: Rules, kind: InteractionKind): number | null {
  if (!expectsReply(kind)) return null;
  return rules.has(kind) ? rules.get(kind)! : DEFAULT_REPLY_DAYS[kind];
}

function dueAt(calendar: WorkingCalendar, rules: Rules, kind: InteractionKind, receivedAt: Date): Date | null {
  const n = replyDays(rules, kind);
  return n === null ? null : calendar.deadline(receivedAt, n);
}

function isDate(d: unknown): d is Date {
  return d instanceof Date && !Number.isNaN(d.getTime());
}

/** Field checks shared by createInteraction and each ingest row (no database). */
function checkEventFields(
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

/** The status a row ends up with, and the checks of its history fields. */
function checkRowHistory(row: InteractionIngestRow, now: number, add: (field: string, message: string) => void): InteractionStatus {
  const replies = expectsReply(row.kind);
  const status = row.status ?? (!replies ? InteractionStatus.HELD : row.repliedAt ? InteractionStatus.REPLIED : InteractionStatus.OPEN);
  if (row.repliedAt != null) {
    if (!replies) add('repliedAt', `${row.kind} events are held, not replied to: no repliedAt`);
    else if (!isDate(row.repliedAt)) add('repliedAt', 'repliedAt is not a date-time');
    else if (isDate(row.receivedAt) && row.repliedAt.getTime() < row.receivedAt.getTime()) add('repliedAt', 'repliedAt is before receivedAt');
    else if (row.repliedAt.getTime() > now + SKEW_MS) add('repliedAt', 'repliedAt is in the future');
  }
  if (row.reply != null && row.reply.length > MAX_REPLY) add('reply', `reply may be at most ${MAX_REPLY} characters`);
  if (row.reply != null && row.repliedAt == null) add('reply', 'a reply needs repliedAt');
  if (row.statusReason != null && row.statusReason.length > MAX_REASON) add('statusReason', `statusReason may be at most ${MAX_REASON} characters`);
  if (status === InteractionStatus.HELD && replies) add('status', `only interviews, surveys and solicitations are HELD, not ${row.kind}`);
  if (!replies && (status === InteractionStatus.OPEN || status === InteractionStatus.REPLIED)) add('status', `${row.kind} events are HELD, INVALID or DUPLICATE`);
  if (status === InteractionStatus.REPLIED && row.repliedAt == null) add('repliedAt', 'a REPLIED row needs repliedAt');
  if (status === InteractionStatus.OPEN && row.repliedAt != null) add('status', 'an OPEN row cannot carry repliedAt');
  return status;
}

function parseAfter(after: string | undefined | null): InteractionKey | null {
  if (after === undefined || after === null) return null;
  const [receivedAt, id] = decodeCursor(CURSOR_TAG, after, 2);
  if (typeof receivedAt !== 'string' || Number.isNaN(Date.parse(receivedAt)) || typeof id !== 'string' || !UUID_RE.test(id)) {
    throw new BadInputError('Malformed cursor in `after`: pass a cursor this connection returned.', 'after');
  }
  return { receivedAt, id };
}

function checkId(value: string | undefined | null, field: string): string | undefined {
  if (value !== undefined && value !== null && !UUID_RE.test(value)) throw new BadInputError(`\`${field}\` is not an id.`, field);
  return value ?? undefined;
}

/** Loads an event visible to the request, or NOT_FOUND. */
async function mustLoad(ctx: RequestContext, id: string, field = 'id'): Promise<InteractionEvent> {
  checkId(id, field);
  const e = await ctx.loaders.interactions.byId.load(id);
  if (!e) throw new NotFoundError(`No interaction with id ${id}.`);
  return e;
}

const ACTIVE = [InteractionStatus.OPEN, InteractionStatus.REPLIED, InteractionStatus.HELD];

export const InteractionService = {
  async replyRules(ctx: RequestContext, tenant: string): Promise<ReplyRuleView[]> {
    const t = await ctx.tenantByCode(tenant);
    if (!t) throw new NotFoundError(`No tenant with province code ${tenant}.`);
    const rules = await ctx.interactions.replyRules(t.id);
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
    if (!UUID_RE.test(id)) return null;
    return ctx.loaders.interactions.byId.load(id);
  },

  async interactions(ctx: RequestContext, filter: InteractionFilter | undefined, first: number, after?: string | null): Promise<ConnectionResult<InteractionEvent>> {
    checkFirst(first, ctx.config.maxPageSize);
    const key = parseAfter(after);
    const f: InteractionListFilter = { now: new Date() };
    if (filter?.tenant) {
      const t = await ctx.tenantByCode(filter.tenant);
      f.tenantId = t ? t.id : -1; // an unknown tenant matches nothing
    }
    f.unitId = checkId(filter?.unitId, 'filter.unitId');
    if (filter?.subtree && !f.unitId) throw new BadInputError('`subtree` needs `unitId`.', 'filter.subtree');
    f.subtree = filter?.subtree ?? false;
    if (filter?.kind && filter?.kinds) f.kinds = filter.kinds.filter((k) => k === filter.kind);
    else if (filter?.kind) f.kinds = [filter.kind];
    else if (filter?.kinds) f.kinds = filter.kinds;
    f.status = filter?.status;
    f.channel = filter?.channel;
    f.centreId = checkId(filter?.centreId, 'filter.centreId');
    if (filter?.receivedFrom) f.receivedFrom = startOfShanghaiDay(filter.receivedFrom);
    if (filter?.receivedTo) f.receivedBefore = startOfShanghaiDay(addDays(filter.receivedTo, 1));
    if (filter?.receivedFrom && filter?.receivedTo && filter.receivedTo < filter.receivedFrom) {
      throw new BadInputError('`receivedTo` is before `receivedFrom`.', 'filter.receivedTo');
    }
    if (filter?.overdue !== undefined && filter?.overdue !== null) f.overdue = filter.overdue;
    f.search = filter?.search;
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
    const tenantId = await ctx.requireTenantId(input.tenant, 'input.tenant');
    checkId(input.unitId, 'input.unitId');
    const errors: { field: string; message: string }[] = [];
    checkEventFields(input, now, (field, message) => errors.push({ field, message }));
    if (errors.length) throw new BadInputError(`input.${errors[0].message}`, `input.${errors[0].field}`);
    const [unit, rules, calendar] = await Promise.all([
      ctx.loaders.units.byId.load(input.unitId),
      ctx.interactions.replyRules(tenantId),
      ctx.loaders.calendar.load(tenantId),
    ]);
    if (!unit || unit.tenantId !== tenantId) throw new BadInputError(`No unit ${input.unitId} in tenant ${input.tenant}.`, 'input.unitId');
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
    checkId(id, 'id');
    checkId(duplicateOfId, 'duplicateOfId');
    if (id === duplicateOfId) throw new BadInputError('An event cannot duplicate itself.', 'duplicateOfId');
    const [e, original] = await Promise.all([mustLoad(ctx, id), ctx.loaders.interactions.byId.load(duplicateOfId)]);
    if (!original || original.tenantId !== e.tenantId) throw new BadInputError(`No interaction ${duplicateOfId} in this event's tenant.`, 'duplicateOfId');
    if (original.status === InteractionStatus.DUPLICATE) {
      throw new BadInputError('That event is itself a duplicate: point to the original.', 'duplicateOfId');
    }
    if (!ACTIVE.includes(e.status)) throw new BadInputError(`A ${e.status} event cannot be marked duplicate; reopen it first.`, 'id', { status: e.status });
    return step(ctx, e, ACTIVE, { status: InteractionStatus.DUPLICATE, repliedAt: e.repliedAt ?? null, reply: e.reply ?? null, statusReason: null, duplicateOfId });
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

  async ingest(ctx: RequestContext, tenant: string, idempotencyKey: string, rows: InteractionIngestRow[]): Promise<IngestInteractionsResult> {
    if (rows.length > MAX_INGEST_ROWS) {
      throw new BadInputError(`At most ${MAX_INGEST_ROWS} rows per call; got ${rows.length}. Split the batch.`, 'rows', { max: MAX_INGEST_ROWS });
    }
    const tenantId = await ctx.requireTenantId(tenant, 'tenant');
    const now = Date.now();

    // 1. Every row on its own, without the database.
    const errors: RowError[] = [];
    const statuses: InteractionStatus[] = [];
    const seenExternal = new Set<string>();
    rows.forEach((row, index) => {
      const add = (field: string, message: string) => errors.push({ index, field, message });
      if (typeof row.unitCode !== 'string' || row.unitCode.length < 1 || row.unitCode.length > 20) add('unitCode', 'unitCode must be 1 to 20 characters');
      checkEventFields(row, now, add);
      statuses.push(checkRowHistory(row, now, add));
      if (row.externalId != null) {
        const k = JSON.stringify([row.unitCode, row.externalId]);
        if (seenExternal.has(k)) add('externalId', `externalId ${row.externalId} appears twice for unit ${row.unitCode} in this batch`);
        seenExternal.add(k);
      }
    });
    if (errors.length) throw rowsError(errors);

    // Rules and calendar are loaded once for the batch, before the transaction takes the connection.
    const [rules, calendar] = await Promise.all([ctx.interactions.replyRules(tenantId), ctx.loaders.calendar.load(tenantId)]);

    const { result, replayed } = await idempotent(ctx.em, { tenantId, unitId: keyNamespace(ctx.principal), operation: 'ingestInteractions', key: idempotencyKey, payload: rows }, async (tx) => {
      // 2. Unit codes, in one statement; external ids already stored, in one statement.
      const codes = [...new Set(rows.map((r) => r.unitCode))];
      // Only the units the request may write to (its scope): others are reported as unknown.
      const visible = ctx.scope.unitsSql('u');
      const units: { code: string; id: string }[] = await tx.execute(`select code, id from org_unit u where tenant_id = ? and code in (select jsonb_array_elements_text(?::jsonb)) and ${visible.sql}`,
        [tenantId, JSON.stringify(codes), ...visible.bindings],);
      const unitByCode = new Map(units.map((u) => [u.code, u.id]));
      rows.forEach((row, index) => {
        if (!unitByCode.has(row.unitCode)) errors.push({ index, field: 'unitCode', message: `no unit with code ${row.unitCode} in tenant ${tenant}` });
      });
      const withExternal = rows.map((r, index) => ({ index, unitId: unitByCode.get(r.unitCode), externalId: r.externalId })).filter((r) => r.unitId && r.externalId != null);
      if (withExternal.length) {
        const taken: { index: number }[] = await tx.execute(
          `select v.index from jsonb_to_recordset(?::jsonb) as v(index int, "unitId" uuid, "externalId" text)
             join interaction_event e on e.tenant_id = ? and e.unit_id = v."unitId" and e.external_id = v."externalId"`,
          [JSON.stringify(withExternal), tenantId],
        );
        for (const t of taken) errors.push({ index: t.index, field: 'externalId', message: `externalId ${rows[t.index].externalId} is already stored for this unit` });
      }
      // Centres, in one statement: each must be a centre of the row's unit.
      const withCentre = rows.map((r, index) => ({ index, unitId: unitByCode.get(r.unitCode), centreId: r.centreId?.toLowerCase() })).filter((r) => r.unitId && r.centreId);
      if (withCentre.length) {
        const missing: { index: number }[] = await tx.execute(
          `select v.index from jsonb_to_recordset(?::jsonb) as v(index int, "unitId" uuid, "centreId" uuid)
             left join centre c on c.tenant_id = ? and c.id = v."centreId" and c.unit_id = v."unitId"
            where c.id is null`,
          [JSON.stringify(withCentre), tenantId],
        );
        for (const m of missing) errors.push({ index: m.index, field: 'centreId', message: `no centre ${rows[m.index].centreId} of unit ${rows[m.index].unitCode}` });
      }
      if (errors.length) throw rowsError(errors.sort((a, b) => a.index - b.index));

      // 3. Insert, a few large statements; due_at computed here from the calendar loaded once.
      const ids = rows.map(() => randomUUID());
      const records = rows.map((row, i) => ({
        id: ids[i],
        unitId: unitByCode.get(row.unitCode),
        centreId: row.centreId ?? null,
        kind: row.kind,
        channel: row.channel,
        subject: row.subject,
        requesterName: row.requesterName ?? null,
        requesterContact: row.requesterContact ?? null,
        receivedAt: row.receivedAt.toISOString(),
        dueAt: dueAt(calendar, rules, row.kind, row.receivedAt)?.toISOString() ?? null,
        repliedAt: row.repliedAt ? row.repliedAt.toISOString() : null,
        reply: row.reply ?? null,
        status: statuses[i],
        statusReason: row.statusReason ?? null,
        externalId: row.externalId ?? null,
      }));
      try {
        for (let i = 0; i < records.length; i += INGEST_CHUNK) {
          await insertChunk(tx, tenantId, records.slice(i, i + INGEST_CHUNK));
        }
      } catch (err) {
        // A concurrent call stored one of these external ids after our check: refuse the whole batch.
        if (err instanceof UniqueConstraintViolationException) {
          throw new BadInputError('An external id of this batch was stored meanwhile by another call; nothing was written.', 'rows', { reason: 'EXTERNAL_ID_TAKEN' });
        }
        throw err;
      }
      return { accepted: rows.length, ids };
    });
    return { accepted: result.accepted, ids: result.ids, replayed };
  },
};

function rowsError(errors: RowError[]): BadInputError {
  const first = errors[0];
  return new BadInputError(
    `Row ${first.index}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more bad rows)` : ''}. Nothing was written.`,
    `rows.${first.index}.${first.field}`,
    { rowErrors: errors.slice(0, 100).map((e) => ({ ...e, field: `rows.${e.index}.${e.field}` })), rowErrorCount: errors.length },
  );
}

async function insertChunk(tx: EntityManager, tenantId: number, records: Record<string, unknown>[]): Promise<void> {
  await tx.execute(
    `insert into interaction_event (tenant_id, id, unit_id, centre_id, kind, channel, subject, requester_name, requester_contact,
       received_at, due_at, replied_at, reply, status, status_reason, external_id)
     select ?, v.id, v."unitId", v."centreId", v.kind, v.channel, v.subject, v."requesterName", v."requesterContact",
            v."receivedAt", v."dueAt", v."repliedAt", v.reply, v.status, v."statusReason", v."externalId"
       from jsonb_to_recordset(?::jsonb) as v(id uuid, "unitId" uuid, "centreId" uuid, kind text, channel text, subject text,
            "requesterName" text, "requesterContact" text, "receivedAt" timestamptz, "dueAt" timestamptz, "repliedAt" timestamptz,
            reply text, status text, "statusReason" text, "externalId" text)`,
    [tenantId, JSON.stringify(records)],
  );
}

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
