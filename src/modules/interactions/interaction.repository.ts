import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { Scope } from '../../scope';
import { joinOwnerUnit, OwnerFilter } from '../units/unit-owner.repository';
import { UUID_RE, escapeLike } from '../units/unit.repository';
import { InteractionEvent } from './interaction-event.entity';
import { InteractionChannel, InteractionKind, InteractionStatus } from './interaction.enums';
import { ReplyRule } from './reply-rule.entity';
import { mapRows } from '../../db/rows';

export interface InteractionListFilter {
  tenantId?: number;
  unitId?: string;
  subtree?: boolean;
  kinds?: InteractionKind[];
  status?: InteractionStatus;
  channel?: InteractionChannel;
  centreId?: string;
  receivedFrom?: Date;
  /** Exclusive. */
  receivedBefore?: Date;
  overdue?: boolean;
  search?: string;
  externalId?: string;
  /** The instant "now" for the overdue rule (the app's clock, so fields and filters agree). */
  now: Date;
}

/** Sort key of the list: received_at desc, id desc. */
export interface InteractionKey {
  receivedAt: string;
  id: string;
}

export const EVENT_COLUMNS = [
  'tenant_id', 'id', 'unit_id', 'centre_id', 'kind', 'channel', 'subject', 'requester_name', 'requester_contact', 'received_at',
  'due_at', 'replied_at', 'reply', 'status', 'status_reason', 'duplicate_of', 'external_id', 'created_at', 'updated_at',
];

/** SQL of the overdue rule (Interaction.overdue): OPEN past its deadline, or REPLIED late. */
export function overdueSql(e: string): string {
  return `(${e}.due_at is not null and ((${e}.status = 'OPEN' and ${e}.due_at <= ?) or (${e}.status = 'REPLIED' and ${e}.replied_at >= ${e}.due_at)))`;
}

/**
 * All SQL over interaction_event and reply_rule. Reads join the owning unit and apply
 * `Scope.restrictRows` to it: events are private rows (staff of the owning subtree only).
 */
export class InteractionRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly scope: Scope,
  ) {}

  private knex(): Knex {
    return this.em.getKnex();
  }

  /** Events joined to their owning unit `u`, restricted to the scope (and to a unit or subtree). */
  private base(f: OwnerFilter = {}): Knex.QueryBuilder {
    return joinOwnerUnit(this.knex(), this.scope, this.knex().from({ e: 'interaction_event' }), 'e', f, 'private');
  }

  private map(rows: Record<string, unknown>[]): InteractionEvent[] {
    return mapRows(this.em, InteractionEvent, rows);
  }

  async findByIds(ids: readonly string[]): Promise<InteractionEvent[]> {
    const valid = ids.filter((id) => UUID_RE.test(id));
    if (valid.length === 0) return [];
    const qb = this.base().select(EVENT_COLUMNS.map((c) => `e.${c}`)).whereIn('e.id', valid);
    return this.map(await this.em.execute(qb));
  }

  private filtered(f: InteractionListFilter): Knex.QueryBuilder {
    const qb = this.base(f);
    if (f.kinds) qb.whereIn('e.kind', f.kinds);
    if (f.status) qb.where('e.status', f.status);
    if (f.channel) qb.where('e.channel', f.channel);
    if (f.centreId) qb.where('e.centre_id', f.centreId);
    if (f.receivedFrom) qb.where('e.received_at', '>=', f.receivedFrom);
    if (f.receivedBefore) qb.where('e.received_at', '<', f.receivedBefore);
    if (f.overdue !== undefined) qb.whereRaw(`${f.overdue ? '' : 'not '}${overdueSql('e')}`, [f.now]);
    if (f.search) qb.whereILike('e.subject', `%${escapeLike(f.search)}%`);
    if (f.externalId) qb.where('e.external_id', f.externalId);
    return qb;
  }

  /** One page (`first + 1` rows) in (received_at desc, id desc) order. */
  async list(f: InteractionListFilter, first: number, after: InteractionKey | null): Promise<InteractionEvent[]> {
    const qb = this.filtered(f).select(EVENT_COLUMNS.map((c) => `e.${c}`));
    if (after) qb.whereRaw('(e.received_at, e.id) < (?::timestamptz, ?::uuid)', [after.receivedAt, after.id]);
    qb.orderBy([{ column: 'e.received_at', order: 'desc' }, { column: 'e.id', order: 'desc' }]).limit(first + 1);
    return this.map(await this.em.execute(qb));
  }

  async count(f: InteractionListFilter): Promise<number> {
    const [row] = await this.em.execute(this.filtered(f).count({ n: '*' }));
    return Number(row.n);
  }

  /** The tenant's rule rows (kinds without a row take the defaults). */
  async replyRules(tenantId: number, em: EntityManager = this.em): Promise<Map<InteractionKind, number | null>> {
    const rows: { kind: InteractionKind; working_days: number | null }[] = await em.execute(
      `select kind, working_days from reply_rule where tenant_id = ?`,
      [tenantId],
    );
    return new Map(rows.map((r) => [r.kind, r.working_days]));
  }

  async setReplyRule(tenantId: number, kind: InteractionKind, workingDays: number | null): Promise<void> {
    await this.em.execute(
      `insert into reply_rule (tenant_id, kind, working_days) values (?, ?, ?)
       on conflict (tenant_id, kind) do update set working_days = excluded.working_days`,
      [tenantId, kind, workingDays],
    );
  }

  /** Inserts one event; false when its external id is already taken for the unit. */
  async insert(e: InteractionEvent): Promise<InteractionEvent | null> {
    const rows = await this.em.execute(
      `insert into interaction_event (tenant_id, id, unit_id, centre_id, kind, channel, subject, requester_name, requester_contact,
         received_at, due_at, replied_at, reply, status, status_reason, duplicate_of, external_id)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (tenant_id, unit_id, external_id) do nothing
       returning ${EVENT_COLUMNS.join(', ')}`,
      [
        e.tenantId, e.id, e.unitId, e.centreId ?? null, e.kind, e.channel, e.subject, e.requesterName ?? null, e.requesterContact ?? null,
        e.receivedAt, e.dueAt ?? null, e.repliedAt ?? null, e.reply ?? null, e.status, e.statusReason ?? null, e.duplicateOfId ?? null, e.externalId ?? null,
      ],
    );
    return rows.length ? this.map(rows)[0] : null;
  }

  /**
   * Applies a workflow step in one statement, guarded by the statuses it may start from: null
   * when the event moved meanwhile (nothing written).
   */
  async transition(
    tenantId: number,
    id: string,
    from: InteractionStatus[],
    set: { status: InteractionStatus; repliedAt: Date | null; reply: string | null; statusReason: string | null; duplicateOfId: string | null },
  ): Promise<InteractionEvent | null> {
    const rows = await this.em.execute(
      `update interaction_event
          set status = ?, replied_at = ?, reply = ?, status_reason = ?, duplicate_of = ?, updated_at = now()
        where tenant_id = ? and id = ? and status in (${from.map(() => '?').join(', ')})
        returning ${EVENT_COLUMNS.join(', ')}`,
      [set.status, set.repliedAt, set.reply, set.statusReason, set.duplicateOfId, tenantId, id, ...from],
    );
    return rows.length ? this.map(rows)[0] : null;
  }

  /**
   * The events already stored under these (unit, externalId) pairs, in one statement: each pair's
   * `index` (its row in a bulk call) with the stored event's id.
   */
  async idsByExternalId(tenantId: number, pairs: readonly { index: number; unitId: string; externalId: string }[]): Promise<{ index: number; id: string }[]> {
    if (pairs.length === 0) return [];
    return this.em.execute(
      `select v.index, e.id from jsonb_to_recordset(?::jsonb) as v(index int, "unitId" uuid, "externalId" text)
         join interaction_event e on e.tenant_id = ? and e.unit_id = v."unitId" and e.external_id = v."externalId"`,
      [JSON.stringify(pairs), tenantId],
    );
  }

  /** Of these (row index, unit, centre) triples, the rows whose centre is not a centre of their unit; one statement. */
  async centresNotOfUnit(tenantId: number, triples: readonly { index: number; unitId: string; centreId: string }[]): Promise<number[]> {
    if (triples.length === 0) return [];
    const rows: { index: number }[] = await this.em.execute(
      `select v.index from jsonb_to_recordset(?::jsonb) as v(index int, "unitId" uuid, "centreId" uuid)
         left join centre c on c.tenant_id = ? and c.id = v."centreId" and c.unit_id = v."unitId"
        where c.id is null`,
      [JSON.stringify(triples), tenantId],
    );
    return rows.map((r) => r.index);
  }

  /**
   * Inserts a bulk batch in ONE statement (one jsonb parameter): the rollup triggers and their
   * ancestor upserts then run once for the whole batch. A (unit, externalId) stored meanwhile by a
   * concurrent call raises the unique violation, which refuses the whole batch.
   */
  async insertBatch(tenantId: number, records: readonly Record<string, unknown>[]): Promise<void> {
    if (records.length === 0) return;
    await this.em.execute(
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

  /** Deletes an event unless another event is marked as its duplicate; answers what happened. */
  async delete(tenantId: number, id: string): Promise<'deleted' | 'referenced' | 'missing'> {
    return this.em.transactional(async (tx) => {
      const refs = await tx.execute(`select 1 from interaction_event where tenant_id = ? and duplicate_of = ? limit 1`, [tenantId, id]);
      if (refs.length) return 'referenced';
      const rows = await tx.execute(`delete from interaction_event where tenant_id = ? and id = ? returning id`, [tenantId, id]);
      return rows.length ? 'deleted' : 'missing';
    });
  }
}

export type { ReplyRule };
