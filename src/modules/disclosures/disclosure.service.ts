import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../context';
import { BadInputError, NotFoundError } from '../../errors';
import { checkFirst, ConnectionResult, decodeCursor, encodeCursor, toConnection } from '../../pagination';
import { UUID_RE } from '../units/unit.repository';
import type { OrgUnit } from '../units/org-unit.entity';
import { addDays, startOfShanghaiDay } from '../calendar/working-calendar';
import { DisclosureCategory } from './disclosure-category.entity';
import { DisclosureItem } from './disclosure-item.entity';
import { DisclosureReview } from './disclosure-review.entity';
import { DisclosureDecision, DisclosureOrder, DisclosureReviewStep, DisclosureStatus, REVIEW_STEPS } from './disclosure.enums';
import {
  CreateDisclosureItemInput,
  DisclosureCategoryInput,
  DisclosureItemFilter,
  ReviewDisclosureItemInput,
  UpdateDisclosureItemInput,
} from './disclosure.inputs';
import { ItemKey, ItemListFilter } from './disclosure.repository';
import { idOrNull, requireId } from '../../ids';

const CURSOR_TAG: Record<DisclosureOrder, string> = {
  [DisclosureOrder.PUBLISHED_AT_DESC]: 'dp',
  [DisclosureOrder.CREATED_AT_DESC]: 'dc',
};
const DAY_MS = 86_400_000;
const EARLIEST = Date.parse('1990-01-01T00:00:00Z');

/** http(s) URL of at most 1000 characters, or an error message. */
export function urlProblem(url: string): string | null {
  if (url.length > 1000) return 'must be at most 1000 characters';
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http or https URL';
  } catch {
    return 'must be an http or https URL';
  }
  return null;
}

/** Publication instant: not more than 1 day in the future, not before 1990, or an error message. */
export function publishedAtProblem(at: Date, now = Date.now()): string | null {
  if (Number.isNaN(at.getTime())) return 'is not a valid instant';
  if (at.getTime() > now + DAY_MS) return 'may not be more than 1 day in the future';
  if (at.getTime() < EARLIEST) return 'may not be before 1990';
  return null;
}

function checkLength(value: string | null | undefined, max: number, field: string): void {
  if (value !== undefined && value !== null && (value.length < 1 || value.length > max)) {
    throw new BadInputError(`\`${field}\` must be 1 to ${max} characters.`, field);
  }
}

async function checkCategory(ctx: RequestContext, tenantId: number, code: string, field: string): Promise<void> {
  const c = await ctx.loaders.disclosures.category.load(`${tenantId}:${code}`);
  if (!c) throw new BadInputError(`Category ${code} does not exist in this tenant's taxonomy.`, field);
  if (!c.active) throw new BadInputError(`Category ${code} is inactive and takes no new items.`, field);
}

const PAST: Record<string, string> = {
  submit: 'submitted', review: 'reviewed', publish: 'published', withdraw: 'withdrawn', update: 'updated', delete: 'deleted',
};

function refuse(item: DisclosureItem, action: string, allowed: string, field = 'id'): never {
  throw new BadInputError(`Cannot ${action} disclosure item ${item.id}: it is ${item.status}; only ${allowed} items can be ${PAST[action] ?? action}.`, field, {
    status: item.status,
  });
}

function cursorOf(order: DisclosureOrder) {
  return (i: DisclosureItem) => {
    const at = order === DisclosureOrder.CREATED_AT_DESC ? i.createdAt : i.publishedAt;
    return encodeCursor(CURSOR_TAG[order], [at ? at.toISOString() : '', i.id]);
  };
}

function parseAfter(order: DisclosureOrder, after: string | null | undefined): ItemKey | null {
  if (after === undefined || after === null) return null;
  const [at, id] = decodeCursor(CURSOR_TAG[order], after, 2);
  const bad = () => new BadInputError('Malformed cursor in `after`: pass a cursor this connection returned.', 'after');
  if (typeof at !== 'string' || typeof id !== 'string' || !UUID_RE.test(id)) throw bad();
  if (at === '') {
    if (order === DisclosureOrder.CREATED_AT_DESC) throw bad();
    return { at: null, id };
  }
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) throw bad();
  return { at: d, id };
}

/** Runs one workflow step on the locked item, in one transaction; returns the updated item. */
async function step(
  ctx: RequestContext,
  id: string,
  body: (tx: EntityManager, item: DisclosureItem) => Promise<{ status: DisclosureStatus; publishedAt?: Date; review: Omit<DisclosureReview, 'tenantId' | 'id' | 'itemId' | 'at'> }>,
): Promise<DisclosureItem> {
  const key = requireId(id, 'id', 'disclosure item id');
  return ctx.em.transactional(async (tx) => {
    const item = await ctx.disclosures.lockItem(tx as EntityManager, key);
    if (!item) throw new BadInputError(`No disclosure item ${id}.`, 'id');
    const next = await body(tx as EntityManager, item);
    return ctx.disclosures.recordStep(tx as EntityManager, item, next.status, next.publishedAt ?? null, next.review);
  });
}

function checkReviewer(reviewer: string, field = 'reviewer'): void {
  checkLength(reviewer, 100, field);
}

/** Disclosure items: argument checks and workflow rules here, SQL in the repository, batching in loaders. */
export const DisclosureService = {
  async categories(ctx: RequestContext, tenant: string): Promise<DisclosureCategory[]> {
    return ctx.disclosures.categoriesOf(await ctx.requireTenantId(tenant, 'tenant'));
  },

  async upsertCategory(ctx: RequestContext, tenant: string, input: DisclosureCategoryInput): Promise<DisclosureCategory> {
    const tenantId = await ctx.requireTenantId(tenant, 'tenant');
    if (!Number.isInteger(input.sortOrder) || input.sortOrder < 0 || input.sortOrder > 1_000_000) {
      throw new BadInputError('`input.sortOrder` must be between 0 and 1000000.', 'input.sortOrder');
    }
    return ctx.disclosures.upsertCategory({ tenantId, code: input.code, name: input.name, sortOrder: input.sortOrder, active: input.active });
  },

  async item(ctx: RequestContext, id: string): Promise<DisclosureItem | null> {
    const key = idOrNull(id);
    return key ? ctx.loaders.disclosures.item.load(key) : null;
  },

  /** The repository filter of a `DisclosureItemFilter` (the GraphQL list and the exports). */
  async listFilter(ctx: RequestContext, filter: DisclosureItemFilter | undefined): Promise<ItemListFilter> {
    const f: ItemListFilter = {
      status: filter?.status,
      categoryCode: filter?.categoryCode,
      channel: filter?.channel,
      specialColumn: filter?.specialColumn,
      search: filter?.search,
      externalId: filter?.externalId,
    };
    if (filter?.unitId !== undefined && filter.unitId !== null) {
      f.unitId = requireId(filter.unitId, 'filter.unitId', 'unit id');
      f.subtree = filter.subtree ?? false;
    } else if (filter?.subtree) {
      throw new BadInputError('`filter.subtree` needs `filter.unitId`.', 'filter.subtree');
    }
    if (filter?.publishedFrom) f.publishedFrom = startOfShanghaiDay(filter.publishedFrom);
    if (filter?.publishedTo) {
      if (filter.publishedFrom && filter.publishedTo < filter.publishedFrom) {
        throw new BadInputError('`filter.publishedTo` is before `filter.publishedFrom`.', 'filter.publishedTo');
      }
      f.publishedBefore = startOfShanghaiDay(addDays(filter.publishedTo, 1));
    }
    if (filter?.tenant) f.tenantId = await ctx.requireTenantId(filter.tenant, 'filter.tenant');
    return f;
  },

  async items(ctx: RequestContext, filter: DisclosureItemFilter | undefined, order: DisclosureOrder, first: number, after?: string | null): Promise<ConnectionResult<DisclosureItem>> {
    checkFirst(first, ctx.config.maxPageSize);
    const key = parseAfter(order, after);
    const f = await DisclosureService.listFilter(ctx, filter);
    const rows = await ctx.disclosures.list(f, order, first, key);
    for (const row of rows) ctx.loaders.disclosures.item.prime(row.id, row);
    return toConnection(rows, first, cursorOf(order), () => ctx.disclosures.count(f));
  },

  async ofUnit(ctx: RequestContext, unit: OrgUnit, subtree: boolean, status: DisclosureStatus | null, first: number, after?: string | null): Promise<ConnectionResult<DisclosureItem>> {
    checkFirst(first, ctx.config.maxPageSize);
    const key = parseAfter(DisclosureOrder.PUBLISHED_AT_DESC, after);
    const rows = await ctx.loaders.disclosures.ofUnit.load({ unitId: unit.id, subtree, status, first, after: key });
    return toConnection(rows, first, cursorOf(DisclosureOrder.PUBLISHED_AT_DESC), () =>
      ctx.loaders.disclosures.countOfUnit.load({ unitId: unit.id, subtree, status }),
    );
  },

  async create(ctx: RequestContext, input: CreateDisclosureItemInput): Promise<DisclosureItem> {
    const { id: tenantId } = await ctx.writeTenant(input.tenant, 'input.tenant');
    const unit = await ctx.loaders.units.byId.load(requireId(input.unitId, 'input.unitId', 'unit id'));
    if (!unit || unit.tenantId !== tenantId) {
      throw new BadInputError(`No unit ${input.unitId} in ${ctx.writeArea()}.`, 'input.unitId');
    }
    await checkCategory(ctx, tenantId, input.categoryCode, 'input.categoryCode');
    if (input.url) {
      const p = urlProblem(input.url);
      if (p) throw new BadInputError(`\`input.url\` ${p}.`, 'input.url');
    }
    const item = await ctx.disclosures.insertDraft({
      tenantId, unitId: unit.id, title: input.title, documentNumber: input.documentNumber ?? null, categoryCode: input.categoryCode, channels: input.channels,
      specialColumn: input.specialColumn ?? null, url: input.url ?? null, externalId: input.externalId ?? null, at: new Date(),
    });
    if (!item) throw new BadInputError(`Unit ${unit.code} already has an item with externalId ${input.externalId}.`, 'input.externalId');
    return item;
  },

  async update(ctx: RequestContext, id: string, input: UpdateDisclosureItemInput): Promise<DisclosureItem> {
    const key = requireId(id, 'id', 'disclosure item id');
    if (input.title === null) throw new BadInputError('`input.title` cannot be cleared.', 'input.title');
    if (input.categoryCode === null) throw new BadInputError('`input.categoryCode` cannot be cleared.', 'input.categoryCode');
    if (input.channels === null) throw new BadInputError('`input.channels` cannot be cleared.', 'input.channels');
    if (input.url) {
      const p = urlProblem(input.url);
      if (p) throw new BadInputError(`\`input.url\` ${p}.`, 'input.url');
    }
    return ctx.em.transactional(async (tx) => {
      const item = await ctx.disclosures.lockItem(tx as EntityManager, key);
      if (!item) throw new BadInputError(`No disclosure item ${id}.`, 'id');
      if (item.status !== DisclosureStatus.DRAFT) refuse(item, 'update', 'DRAFT');
      if (input.categoryCode !== undefined && input.categoryCode !== item.categoryCode) {
        const c = await ctx.disclosures.categoryIn(tx as EntityManager, item.tenantId, input.categoryCode);
        if (!c) throw new BadInputError(`Category ${input.categoryCode} does not exist in this tenant's taxonomy.`, 'input.categoryCode');
        if (!c.active) throw new BadInputError(`Category ${input.categoryCode} is inactive and takes no new items.`, 'input.categoryCode');
      }
      if (input.externalId && (await ctx.disclosures.externalIdTaken(tx as EntityManager, item, input.externalId))) {
        throw new BadInputError(`The unit already has an item with externalId ${input.externalId}.`, 'input.externalId');
      }
      const { title, documentNumber, categoryCode, channels, specialColumn, url, externalId } = input;
      return ctx.disclosures.updateItem(tx as EntityManager, item, { title, documentNumber, categoryCode, channels, specialColumn, url, externalId });
    });
  },

  submit(ctx: RequestContext, id: string, reviewer: string): Promise<DisclosureItem> {
    checkReviewer(reviewer);
    return step(ctx, id, async (_tx, item) => {
      if (item.status !== DisclosureStatus.DRAFT) refuse(item, 'submit', 'DRAFT');
      return { status: DisclosureStatus.IN_REVIEW, review: { step: DisclosureReviewStep.SUBMIT, reviewer, decision: DisclosureDecision.NONE, note: null } };
    });
  },

  review(ctx: RequestContext, id: string, input: ReviewDisclosureItemInput): Promise<DisclosureItem> {
    if (!REVIEW_STEPS.includes(input.step)) {
      throw new BadInputError(`\`input.step\` ${input.step} is not a review step: use OFFICE_REVIEW, LEGAL_REVIEW, CONFIDENTIALITY_REVIEW or REJECT (submit, publish and withdraw have mutations of their own).`, 'input.step');
    }
    if (input.decision === DisclosureDecision.NONE) {
      throw new BadInputError('`input.decision` of a review must be APPROVED or REJECTED.', 'input.decision');
    }
    if (input.step === DisclosureReviewStep.REJECT && input.decision !== DisclosureDecision.REJECTED) {
      throw new BadInputError('A REJECT step needs decision REJECTED.', 'input.decision');
    }
    return step(ctx, id, async (_tx, item) => {
      if (item.status !== DisclosureStatus.IN_REVIEW) refuse(item, 'review', 'IN_REVIEW');
      const rejected = input.decision === DisclosureDecision.REJECTED;
      return {
        status: rejected ? DisclosureStatus.DRAFT : DisclosureStatus.IN_REVIEW,
        review: { step: input.step, reviewer: input.reviewer, decision: input.decision, note: input.note ?? null },
      };
    });
  },

  publish(ctx: RequestContext, id: string, reviewer: string, publishedAt?: Date | null): Promise<DisclosureItem> {
    checkReviewer(reviewer);
    if (publishedAt) {
      const p = publishedAtProblem(publishedAt);
      if (p) throw new BadInputError(`\`publishedAt\` ${p}.`, 'publishedAt');
    }
    return step(ctx, id, async (tx, item) => {
      if (item.status !== DisclosureStatus.IN_REVIEW) refuse(item, 'publish', 'IN_REVIEW');
      const ok = await ctx.disclosures.approvedSinceSubmit(tx, item);
      if (!ok) {
        throw new BadInputError(`Cannot publish disclosure item ${item.id}: it is IN_REVIEW without an approving review since it was submitted.`, 'id', {
          status: item.status,
        });
      }
      return {
        status: DisclosureStatus.PUBLISHED,
        publishedAt: publishedAt ?? new Date(),
        review: { step: DisclosureReviewStep.PUBLISH, reviewer, decision: DisclosureDecision.APPROVED, note: null },
      };
    });
  },

  withdraw(ctx: RequestContext, id: string, reviewer: string, note: string): Promise<DisclosureItem> {
    checkReviewer(reviewer);
    checkLength(note, 1000, 'note');
    return step(ctx, id, async (_tx, item) => {
      if (item.status !== DisclosureStatus.PUBLISHED) refuse(item, 'withdraw', 'PUBLISHED');
      return { status: DisclosureStatus.WITHDRAWN, review: { step: DisclosureReviewStep.WITHDRAW, reviewer, decision: DisclosureDecision.NONE, note } };
    });
  },

  async delete(ctx: RequestContext, id: string): Promise<string> {
    const key = requireId(id, 'id', 'disclosure item id');
    return ctx.em.transactional(async (tx) => {
      const item = await ctx.disclosures.lockItem(tx as EntityManager, key);
      if (!item) throw new NotFoundError(`No disclosure item ${id}.`);
      if (item.status === DisclosureStatus.PUBLISHED) {
        throw new BadInputError(`Cannot delete disclosure item ${item.id}: it is PUBLISHED; withdraw it first.`, 'id', { status: item.status });
      }
      await ctx.disclosures.deleteItem(tx as EntityManager, item);
      return item.id;
    });
  },
};
