import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { BadInputError } from '../../errors';
import { idempotent, keyNamespace } from '../ingest/idempotency';
import { RowErrors } from '../ingest/row-errors';
import { resolveUnitRefs } from '../ingest/unit-refs';
import { expectsReply, InteractionChannel, InteractionKind, InteractionStatus } from './interaction.enums';
import { InteractionIngestRow, MAX_INGEST_ROWS, MAX_REASON, MAX_REPLY } from './interaction.inputs';
import { InteractionRepository } from './interaction.repository';
import { checkEventFields, dueAt, isDate, SKEW_MS } from './interaction.service';
import { IngestInteractionsResult } from './interaction.types';

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

const KINDS = new Set<string>(Object.values(InteractionKind));
const CHANNELS = new Set<string>(Object.values(InteractionChannel));
const STATUSES = new Set<string>(Object.values(InteractionStatus));

/**
 * Bulk, idempotent ingest of interaction events (the bulk contract, docs/integrators.md):
 * - every row is checked, without the database and then against it (units within the caller's
 *   write scope, centres, stored external ids: one statement each, whatever the batch size), and
 *   every problem is answered at once (src/modules/ingest/row-errors.ts); nothing is written then;
 * - a row whose (unit, externalId) is already stored is not written again: it counts in
 *   `duplicates` and its place in `ids` holds the stored event's id;
 * - the rest is inserted in one statement, in the transaction that records the idempotency key, so
 *   a retry with the same key and rows answers the first result (`replayed: true`).
 */
export async function ingestInteractions(ctx: RequestContext, tenant: string | null | undefined, idempotencyKey: string, rows: InteractionIngestRow[]): Promise<IngestInteractionsResult> {
  if (rows.length > MAX_INGEST_ROWS) {
    throw new BadInputError(`At most ${MAX_INGEST_ROWS} rows per call; got ${rows.length}. Split the batch.`, 'rows', { max: MAX_INGEST_ROWS });
  }
  const t = await ctx.writeTenant(tenant, 'tenant');
  // Rules and calendar are loaded once for the batch, before the transaction takes the connection.
  const [rules, calendar] = await Promise.all([ctx.interactions.replyRules(t.id), ctx.loaders.calendar.load(t.id)]);
  const { result, replayed } = await idempotent(ctx.em, { tenantId: t.id, unitId: keyNamespace(ctx.principal), operation: 'ingestInteractions', key: idempotencyKey, payload: rows }, async (tx) => {
    const now = Date.now();
    const errors = new RowErrors('rows');
    const statuses = rows.map((row, index) => {
      const add = (field: string, message: string) => errors.add(index, field, message);
      // Enum values are typed in GraphQL; rows read from a CSV file arrive as text.
      if (!KINDS.has(row.kind)) add('kind', row.kind == null ? 'kind is required' : `unknown kind ${String(row.kind).slice(0, 40)}; use ${[...KINDS].join(', ')}`);
      if (!CHANNELS.has(row.channel)) add('channel', row.channel == null ? 'channel is required' : `unknown channel ${String(row.channel).slice(0, 40)}; use ${[...CHANNELS].join(', ')}`);
      if (row.status != null && !STATUSES.has(row.status)) add('status', `unknown status ${String(row.status).slice(0, 40)}; use ${[...STATUSES].join(', ')}`);
      checkEventFields(row, now, add);
      // The history rules depend on the kind and status: checked once those are known values.
      if (!KINDS.has(row.kind) || (row.status != null && !STATUSES.has(row.status))) return InteractionStatus.OPEN;
      return checkRowHistory(row, now, add);
    });
    const unitIds = await resolveUnitRefs(ctx, tx, t.id, rows, errors);

    const seen = new Map<string, number>();
    rows.forEach((row, index) => {
      if (row.externalId == null || !unitIds[index]) return;
      const k = `${unitIds[index]}|${row.externalId}`;
      const first = seen.get(k);
      if (first !== undefined) errors.add(index, 'externalId', `externalId ${row.externalId} repeats row ${first} (same unit)`);
      else seen.set(k, index);
    });
    const repo = new InteractionRepository(tx, ctx.scope);
    const sound = rows.map((_, i) => i).filter((i) => !errors.has(i));
    const [stored, badCentres] = await Promise.all([
      repo.idsByExternalId(t.id, sound.filter((i) => rows[i].externalId != null).map((i) => ({ index: i, unitId: unitIds[i]!, externalId: rows[i].externalId! }))),
      repo.centresNotOfUnit(t.id, sound.filter((i) => rows[i].centreId).map((i) => ({ index: i, unitId: unitIds[i]!, centreId: rows[i].centreId!.toLowerCase() }))),
    ]);
    for (const i of badCentres) errors.add(i, 'centreId', `no centre ${rows[i].centreId} of unit ${rows[i].unitCode}`);
    errors.throwIfAny();

    const existing = new Map(stored.map((s) => [s.index, s.id]));
    const ids = rows.map((_, i) => existing.get(i) ?? randomUUID());
    const records = rows.flatMap((row, i) =>
      existing.has(i)
        ? []
        : [{
            id: ids[i],
            unitId: unitIds[i],
            centreId: row.centreId ? row.centreId.toLowerCase() : null,
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
          }],
    );
    try {
      await repo.insertBatch(t.id, records);
    } catch (err) {
      // A concurrent call stored one of these external ids after our check: refuse the whole batch.
      if (err instanceof UniqueConstraintViolationException) {
        throw new BadInputError('An external id of this batch was stored meanwhile by another call; nothing was written. Retry: the stored rows then count as duplicates.', 'rows', {
          reason: 'EXTERNAL_ID_TAKEN',
        });
      }
      throw err;
    }
    return { accepted: records.length, duplicates: rows.length - records.length, ids };
  });
  return { accepted: result.accepted, duplicates: result.duplicates ?? 0, ids: result.ids, replayed };
}
