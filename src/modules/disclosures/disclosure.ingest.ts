import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { BadInputError } from '../../errors';
import { idempotent, keyNamespace } from '../ingest/idempotency';
import { RowErrors } from '../ingest/row-errors';
import { resolveUnitRefs } from '../ingest/unit-refs';
import { DisclosureChannel, DisclosureStatus } from './disclosure.enums';
import { DisclosureIngestResult, DisclosureIngestRow, MAX_INGEST_ROWS } from './disclosure.inputs';
import { publishedAtProblem, urlProblem } from './disclosure.service';

const CHANNELS = new Set<string>(Object.values(DisclosureChannel));

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
async function prepare(ctx: RequestContext, tx: EntityManager, tenantId: number, tenantCode: string, rows: DisclosureIngestRow[]): Promise<Prepared[]> {
  const errors = new RowErrors('rows');
  const err = (index: number, field: string, message: string) => errors.add(index, field, message);
  const unitIds = await resolveUnitRefs(ctx, tx, tenantId, rows, errors);
  const categories: { code: string; active: boolean }[] = await tx.execute(`select code, active from disclosure_category where tenant_id = ?`, [tenantId]);
  const categoryActive = new Map(categories.map((c) => [c.code, c.active]));

  const now = Date.now();
  const seenExternal = new Map<string, number>();
  const ok: Prepared[] = [];
  rows.forEach((r, i) => {
    const unitId = unitIds[i];
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
    if (!errors.has(i)) {
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
  errors.throwIfAny();
  return ok;
}

/**
 * Bulk ingest of disclosure items for integrators, idempotent under `idempotencyKey` (the bulk
 * contract, docs/integrators.md).
 *
 * - Rows arrive PUBLISHED (default; `publishedAt` defaults to now) with an automatic workflow
 *   record (step PUBLISH, reviewer `ingest:<key>`, decision APPROVED): the integrator's own system
 *   did the review. `status: DRAFT` rows enter the review workflow here instead.
 * - Every row is checked before anything is written; any problem fails the whole call with every
 *   problem listed (src/modules/ingest/row-errors.ts), and the key stays free for the corrected batch.
 * - A row whose (unit, externalId) already exists is skipped (counted in `duplicates`).
 * - The rows go in one insert statement (one jsonb parameter), so the rollup triggers and their
 *   ancestor upserts run once for the batch.
 */
export async function ingestDisclosures(ctx: RequestContext, tenant: string | null | undefined, idempotencyKey: string, rows: DisclosureIngestRow[]): Promise<DisclosureIngestResult> {
  if (rows.length > MAX_INGEST_ROWS) {
    throw new BadInputError(`\`rows\` may hold at most ${MAX_INGEST_ROWS} rows (got ${rows.length}); split the batch.`, 'rows', { max: MAX_INGEST_ROWS });
  }
  const t = await ctx.writeTenant(tenant, 'tenant');
  const tenantId = t.id;
  const { result, replayed } = await idempotent(
    ctx.em,
    { tenantId, unitId: keyNamespace(ctx.principal), operation: 'ingestDisclosures', key: idempotencyKey, payload: rows },
    async (tx) => {
      const ok = await prepare(ctx, tx, tenantId, t.code, rows);
      const now = new Date().toISOString();
      const inserted: { id: string }[] = ok.length
        ? await tx.execute(
            `insert into disclosure_item (tenant_id, id, unit_id, title, document_number, category_code, channels, special_column, url, status, published_at, external_id, created_at, updated_at)
             select ?, v.id, v."unitId", v.title, v."documentNumber", v."categoryCode", v.channels, v."specialColumn", v.url, v.status, v."publishedAt", v."externalId", ?::timestamptz, ?::timestamptz
               from jsonb_to_recordset(?::jsonb) as v(id uuid, "unitId" uuid, title text, "documentNumber" text, "categoryCode" text, channels text[],
                    "specialColumn" text, url text, status text, "publishedAt" timestamptz, "externalId" text)
             on conflict (tenant_id, unit_id, external_id) do nothing
             returning id`,
            [tenantId, now, now, JSON.stringify(ok)],
          )
        : [];
      const insertedIds = new Set(inserted.map((r) => r.id));
      const published = ok.filter((p) => p.status === DisclosureStatus.PUBLISHED && insertedIds.has(p.id)).map((p) => ({ id: randomUUID(), itemId: p.id }));
      if (published.length) {
        await tx.execute(
          `insert into disclosure_review (tenant_id, id, item_id, step, reviewer, decision, note, at)
           select ?, v.id, v."itemId", 'PUBLISH', ?, 'APPROVED', null, ?::timestamptz
             from jsonb_to_recordset(?::jsonb) as v(id uuid, "itemId" uuid)`,
          [tenantId, `ingest:${idempotencyKey}`.slice(0, 100), now, JSON.stringify(published)],
        );
      }
      return { accepted: inserted.length, duplicates: rows.length - inserted.length, replayed: false } as DisclosureIngestResult;
    },
  );
  return { accepted: result.accepted, duplicates: result.duplicates, replayed };
}
