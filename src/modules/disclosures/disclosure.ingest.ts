import type { Scope } from '../../scope';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { BadInputError } from '../../errors';
import { idempotent, keyNamespace } from '../ingest/idempotency';
import { IngestRowError } from '../ingest/ingest.types';
import { UUID_RE } from '../units/unit.repository';
import { DisclosureChannel, DisclosureStatus } from './disclosure.enums';
import { DisclosureIngestResult, DisclosureIngestRow, MAX_INGEST_ROWS } from './disclosure.inputs';
import { publishedAtProblem, urlProblem } from './disclosure.service';

const CHANNELS = new Set<string>(Object.values(DisclosureChannel));
/** Rows per insert statement: the whole batch, so the rollup triggers and their ancestor upserts run once. */
const INSERT_BATCH = MAX_INGEST_ROWS;
/** At most this many row errors travel in `extensions.rowErrors` (the count is always exact). */
const MAX_REPORTED_ERRORS = 100;

interface Prepared {
  id: string;
  unitId: string;
  title: string;
  documentNumber: string | null;
  categoryCode: string;
  channels: string[];
  specialColumn: string | null;
  url: string | null;
  status: DisclosureStatus;
  publishedAt: string | null;
  externalId: string | null;
}

/**
 * Checks every row (one statement for the units, one for the taxonomy) and answers the rows ready
 * to insert, or every problem found. Runs inside the ingest transaction `tx`.
 */
async function prepare(tx: EntityManager, scope: Scope, tenantId: number, tenantCode: string, rows: DisclosureIngestRow[]): Promise<{ ok: Prepared[]; errors: IngestRowError[] }> {
  const errors: IngestRowError[] = [];
  const err = (index: number, field: string, message: string) => errors.push({ index, field, message });

  const codes = [...new Set(rows.map((r) => r.unitCode).filter((c): c is string => typeof c === 'string' && c.length > 0 && c.length <= 20))];
  const ids = [...new Set(rows.map((r) => r.unitId).filter((id): id is string => typeof id === 'string' && UUID_RE.test(id)))];
  // Only the units the request may write to (its scope): others are reported as unknown.
  const visible = scope.unitsSql('u');
  const units: { id: string; code: string }[] =
    codes.length || ids.length
      ? await tx.execute(`select id, code from org_unit u where tenant_id = ? and (code in (select jsonb_array_elements_text(?::jsonb)) or id in (select jsonb_array_elements_text(?::jsonb)::uuid)) and ${visible.sql}`,
          [tenantId, JSON.stringify(codes), JSON.stringify(ids), ...visible.bindings],
        )
      : [];
  const unitByCode = new Map(units.map((u) => [u.code, u.id]));
  const unitById = new Set(units.map((u) => u.id));
  const categories: { code: string; active: boolean }[] = await tx.execute(`select code, active from disclosure_category where tenant_id = ?`, [tenantId]);
  const categoryActive = new Map(categories.map((c) => [c.code, c.active]));

  const now = Date.now();
  const seenExternal = new Map<string, number>();
  const ok: Prepared[] = [];
  rows.forEach((r, i) => {
    const before = errors.length;
    let unitId: string | undefined;
    if (r.unitId) {
      if (!UUID_RE.test(r.unitId) || !unitById.has(r.unitId)) err(i, 'unitId', `unit ${r.unitId} is not a unit of tenant ${tenantCode}`);
      else unitId = r.unitId;
      if (r.unitCode && unitId && unitByCode.get(r.unitCode) !== unitId) err(i, 'unitCode', `unitCode ${r.unitCode} does not name unit ${r.unitId}`);
    } else if (r.unitCode) {
      unitId = unitByCode.get(r.unitCode);
      if (!unitId) err(i, 'unitCode', `unit ${r.unitCode} is not a unit of tenant ${tenantCode}`);
    } else {
      err(i, 'unitCode', 'give unitCode or unitId');
    }
    if (r.title.length < 1 || r.title.length > 500) err(i, 'title', 'must be 1 to 500 characters');
    if (r.documentNumber != null && (r.documentNumber.length < 1 || r.documentNumber.length > 100)) err(i, 'documentNumber', 'must be 1 to 100 characters');
    const active = categoryActive.get(r.categoryCode);
    if (active === undefined) err(i, 'categoryCode', `category ${r.categoryCode.slice(0, 40)} does not exist in tenant ${tenantCode}`);
    else if (!active) err(i, 'categoryCode', `category ${r.categoryCode} is inactive`);
    if (r.channels.length === 0) err(i, 'channels', 'needs at least one channel');
    const badChannel = r.channels.find((c) => !CHANNELS.has(c));
    if (badChannel !== undefined) err(i, 'channels', `unknown channel ${badChannel.slice(0, 40)}; use ${[...CHANNELS].join(', ')}`);
    if (r.specialColumn != null && (r.specialColumn.length < 1 || r.specialColumn.length > 100)) err(i, 'specialColumn', 'must be 1 to 100 characters');
    if (r.url != null) {
      const p = urlProblem(r.url);
      if (p) err(i, 'url', p);
    }
    const status = r.status ?? DisclosureStatus.PUBLISHED;
    if (status !== DisclosureStatus.PUBLISHED && status !== DisclosureStatus.DRAFT) err(i, 'status', 'ingested rows are PUBLISHED or DRAFT');
    if (r.publishedAt) {
      const p = publishedAtProblem(r.publishedAt, now);
      if (p) err(i, 'publishedAt', p);
    }
    if (r.externalId != null) {
      if (r.externalId.length < 1 || r.externalId.length > 100) err(i, 'externalId', 'must be 1 to 100 characters');
      else if (unitId) {
        const k = `${unitId}|${r.externalId}`;
        const first = seenExternal.get(k);
        if (first !== undefined) err(i, 'externalId', `repeats row ${first} (same unit and externalId)`);
        else seenExternal.set(k, i);
      }
    }
    if (errors.length === before) {
      ok.push({
        id: randomUUID(),
        unitId: unitId!,
        title: r.title,
        documentNumber: r.documentNumber ?? null,
        categoryCode: r.categoryCode,
        channels: [...new Set(r.channels)],
        specialColumn: r.specialColumn ?? null,
        url: r.url ?? null,
        status,
        publishedAt: status === DisclosureStatus.PUBLISHED ? (r.publishedAt ?? new Date(now)).toISOString() : null,
        externalId: r.externalId ?? null,
      });
    }
  });
  return { ok, errors };
}

/**
 * Bulk ingest of disclosure items for integrators, idempotent under `idempotencyKey`.
 *
 * - Rows arrive PUBLISHED (default; `publishedAt` defaults to now) with an automatic workflow
 *   record (step PUBLISH, reviewer `ingest:<key>`, decision APPROVED): the integrator's own system
 *   did the review. `status: DRAFT` rows enter the review workflow here instead.
 * - All rows are checked before anything is written. If any is bad, the mutation fails with
 *   BAD_USER_INPUT: `extensions.field` is the first bad row's path (`rows.17.publishedAt`),
 *   `extensions.rowErrors` lists the problems ({index, field, message}, at most 100) and
 *   `extensions.rowErrorCount` counts them. The transaction (key record included) rolls back, so
 *   nothing is written and the key stays free for the corrected batch.
 * - A row whose (unit, externalId) already exists is skipped (counted in `duplicates`).
 * - Inserts go in batches of 1000 rows per statement (one jsonb parameter each).
 */
export async function ingestDisclosures(ctx: RequestContext, tenant: string, idempotencyKey: string, rows: DisclosureIngestRow[]): Promise<DisclosureIngestResult> {
  if (rows.length > MAX_INGEST_ROWS) {
    throw new BadInputError(`\`rows\` may hold at most ${MAX_INGEST_ROWS} rows (got ${rows.length}); split the batch.`, 'rows', { max: MAX_INGEST_ROWS });
  }
  const tenantId = await ctx.requireTenantId(tenant, 'tenant');
  const { result, replayed } = await idempotent(
    ctx.em,
    { tenantId, unitId: keyNamespace(ctx.principal), operation: 'ingestDisclosures', key: idempotencyKey, payload: rows },
    async (tx) => {
      const { ok, errors } = await prepare(tx, ctx.scope, tenantId, tenant, rows);
      if (errors.length) {
        const e = errors[0];
        throw new BadInputError(
          `Row ${e.index}: \`${e.field}\` ${e.message}. ${errors.length} problem(s) in the batch; nothing was written.`,
          `rows.${e.index}.${e.field}`,
          { rowErrors: errors.slice(0, MAX_REPORTED_ERRORS), rowErrorCount: errors.length },
        );
      }
      const now = new Date().toISOString();
      let accepted = 0;
      for (let i = 0; i < ok.length; i += INSERT_BATCH) {
        const batch = ok.slice(i, i + INSERT_BATCH);
        const inserted: { id: string }[] = await tx.execute(
          `insert into disclosure_item (tenant_id, id, unit_id, title, document_number, category_code, channels, special_column, url, status, published_at, external_id, created_at, updated_at)
           select ?, v.id, v."unitId", v.title, v."documentNumber", v."categoryCode", v.channels, v."specialColumn", v.url, v.status, v."publishedAt", v."externalId", ?::timestamptz, ?::timestamptz
             from jsonb_to_recordset(?::jsonb) as v(id uuid, "unitId" uuid, title text, "documentNumber" text, "categoryCode" text, channels text[],
                  "specialColumn" text, url text, status text, "publishedAt" timestamptz, "externalId" text)
           on conflict (tenant_id, unit_id, external_id) do nothing
           returning id`,
          [tenantId, now, now, JSON.stringify(batch)],
        );
        accepted += inserted.length;
        const insertedIds = new Set(inserted.map((r) => r.id));
        const published = batch.filter((p) => p.status === DisclosureStatus.PUBLISHED && insertedIds.has(p.id)).map((p) => ({ id: randomUUID(), itemId: p.id }));
        if (published.length) {
          await tx.execute(
            `insert into disclosure_review (tenant_id, id, item_id, step, reviewer, decision, note, at)
             select ?, v.id, v."itemId", 'PUBLISH', ?, 'APPROVED', null, ?::timestamptz
               from jsonb_to_recordset(?::jsonb) as v(id uuid, "itemId" uuid)`,
            [tenantId, `ingest:${idempotencyKey}`.slice(0, 100), now, JSON.stringify(published)],
          );
        }
      }
      return { accepted, duplicates: ok.length - accepted, replayed: false, errors: [] } as DisclosureIngestResult;
    },
  );
  return { ...result, replayed };
}
