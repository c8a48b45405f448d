import { Allow } from '../../auth/allow';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import type { RequestContext } from '../../context';
import { Connection, ConnectionResult } from '../../pagination';
import { OrgUnit } from '../units/org-unit.entity';
import { DisclosureCategory } from './disclosure-category.entity';
import { DisclosureItem } from './disclosure-item.entity';
import { DisclosureReview } from './disclosure-review.entity';
import {
  CreateDisclosureItemArgs,
  DisclosureIngestResult,
  DisclosureIngestRow,
  DisclosureItemsArgs,
  ReviewDisclosureItemArgs,
  UpdateDisclosureItemArgs,
  UpsertDisclosureCategoryArgs,
  UnitDisclosureItemsArgs,
  MAX_INGEST_ROWS,
} from './disclosure.inputs';
import { DisclosureService } from './disclosure.service';
import { ingestDisclosures } from './disclosure.ingest';

export const DisclosureItemConnection = Connection(DisclosureItem, 'DisclosureItem');

@Resolver(() => DisclosureItem)
export class DisclosureResolver {
  @Query(() => [DisclosureCategory], { description: 'A tenant’s disclosure categories, in sort order (empty for an unknown tenant).' })
  disclosureCategories(@Ctx() ctx: RequestContext, @Arg('tenant') tenant: string): Promise<DisclosureCategory[]> {
    return DisclosureService.categories(ctx, tenant);
  }

  @Allow('tenant:settings')
  @Mutation(() => DisclosureCategory, { description: 'Creates a category of a tenant’s taxonomy, or replaces its name, order and active flag.' })
  upsertDisclosureCategory(@Ctx() ctx: RequestContext, @Args() { tenant, input }: UpsertDisclosureCategoryArgs): Promise<DisclosureCategory> {
    return DisclosureService.upsertCategory(ctx, tenant, input);
  }

  @Query(() => DisclosureItem, { nullable: true, description: 'One disclosure item; null if unknown.' })
  disclosureItem(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<DisclosureItem | null> {
    return DisclosureService.item(ctx, id);
  }

  @Query(() => DisclosureItemConnection, { description: 'Disclosure items, filtered, in a stable order; a Relay connection.' })
  disclosureItems(@Ctx() ctx: RequestContext, @Args() { filter, order, first, after }: DisclosureItemsArgs): Promise<ConnectionResult<DisclosureItem>> {
    return DisclosureService.items(ctx, filter, order, first, after);
  }

  @Allow('items:edit')
  @Mutation(() => DisclosureItem, { description: 'Creates an item as DRAFT.' })
  createDisclosureItem(@Ctx() ctx: RequestContext, @Args() { input }: CreateDisclosureItemArgs): Promise<DisclosureItem> {
    return DisclosureService.create(ctx, input);
  }

  @Allow('items:edit')
  @Mutation(() => DisclosureItem, { description: 'Changes a DRAFT item.' })
  updateDisclosureItem(@Ctx() ctx: RequestContext, @Args() { id, input }: UpdateDisclosureItemArgs): Promise<DisclosureItem> {
    return DisclosureService.update(ctx, id, input);
  }

  @Allow('items:edit')
  @Mutation(() => DisclosureItem, { description: 'DRAFT → IN_REVIEW.' })
  submitDisclosureItem(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string, @Arg('reviewer') reviewer: string): Promise<DisclosureItem> {
    return DisclosureService.submit(ctx, id, reviewer);
  }

  @Allow('items:review')
  @Mutation(() => DisclosureItem, { description: 'Records a review of an IN_REVIEW item; REJECTED sends it back to DRAFT.' })
  reviewDisclosureItem(@Ctx() ctx: RequestContext, @Args() { id, input }: ReviewDisclosureItemArgs): Promise<DisclosureItem> {
    return DisclosureService.review(ctx, id, input);
  }

  @Allow('items:review')
  @Mutation(() => DisclosureItem, { description: 'IN_REVIEW → PUBLISHED, only with an approving review since the last submit.' })
  publishDisclosureItem(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('reviewer') reviewer: string,
    @Arg('publishedAt', () => GraphQLDateTime, { nullable: true, description: 'Default: now. At most 1 day ahead.' }) publishedAt?: Date,
  ): Promise<DisclosureItem> {
    return DisclosureService.publish(ctx, id, reviewer, publishedAt);
  }

  @Allow('items:review')
  @Mutation(() => DisclosureItem, { description: 'PUBLISHED → WITHDRAWN.' })
  withdrawDisclosureItem(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string, @Arg('reviewer') reviewer: string, @Arg('note') note: string): Promise<DisclosureItem> {
    return DisclosureService.withdraw(ctx, id, reviewer, note);
  }

  @Allow('items:edit')
  @Mutation(() => ID, { description: 'Deletes an item that is not PUBLISHED (withdraw first), with its workflow records; answers its id.' })
  deleteDisclosureItem(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<string> {
    return DisclosureService.delete(ctx, id);
  }

  @Allow('items:edit')
  @Mutation(() => DisclosureIngestResult, {
    description:
      `Bulk ingest of up to ${MAX_INGEST_ROWS} items, idempotent under idempotencyKey. The bulk contract: every row is checked first; any bad row fails the whole call (BAD_USER_INPUT, reason INVALID_ROWS, every problem in \`extensions.rowErrors\`), nothing is written and the key stays free. A row whose unit already has its externalId is skipped (\`duplicates\`).`,
  })
  ingestDisclosures(
    @Ctx() ctx: RequestContext,
    @Arg('tenant', () => String, { nullable: true, description: 'Province code; optional: the credential fixes the tenant (when given it must match).' }) tenant: string | null | undefined,
    @Arg('idempotencyKey') idempotencyKey: string,
    @Arg('rows', () => [DisclosureIngestRow]) rows: DisclosureIngestRow[],
  ): Promise<DisclosureIngestResult> {
    return ingestDisclosures(ctx, tenant, idempotencyKey, rows);
  }

  @FieldResolver(() => OrgUnit)
  async unit(@Root() item: DisclosureItem, @Ctx() ctx: RequestContext): Promise<OrgUnit> {
    return (await ctx.loaders.units.byId.load(item.unitId))!;
  }

  @FieldResolver(() => DisclosureCategory)
  async category(@Root() item: DisclosureItem, @Ctx() ctx: RequestContext): Promise<DisclosureCategory> {
    return (await ctx.loaders.disclosures.category.load(`${item.tenantId}:${item.categoryCode}`))!;
  }

  @FieldResolver(() => [DisclosureReview], { description: 'Workflow records, oldest first.' })
  reviews(@Root() item: DisclosureItem, @Ctx() ctx: RequestContext): Promise<DisclosureReview[]> {
    return ctx.loaders.disclosures.reviews.load(item.id);
  }
}

@Resolver(() => OrgUnit)
export class UnitDisclosureResolver {
  @FieldResolver(() => DisclosureItemConnection, {
    description: 'Disclosure items of this unit (or, with subtree, of it and every unit below), published_at desc nulls last; batched over parents.',
  })
  disclosureItems(@Root() unit: OrgUnit, @Ctx() ctx: RequestContext, @Args() { subtree, status, first, after }: UnitDisclosureItemsArgs): Promise<ConnectionResult<DisclosureItem>> {
    return DisclosureService.ofUnit(ctx, unit, subtree, status ?? null, first, after);
  }
}
