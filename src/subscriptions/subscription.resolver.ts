import { Arg, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { RequestContext } from '../context';
import { BadInputError, NotFoundError } from '../errors';
import { UUID_RE } from '../modules/units/unit.repository';
import type { OrgUnit } from '../modules/units/org-unit.entity';
import { PeriodInput } from '../modules/stats/period';
import { StatsService } from '../modules/stats/stats.service';
import { UnitStats } from '../modules/stats/stats.types';
import { DisclosureItem } from '../modules/disclosures/disclosure-item.entity';
import { DisclosureService } from '../modules/disclosures/disclosure.service';

/** What the live hub passes as the root of one `itemPublished` message. */
export interface ItemPublishedRoot {
  itemId: string;
}

/**
 * Subscriptions are served by graphql-ws through the live hub (src/subscriptions/live.ts), which
 * runs the subscription's document once per group of identical subscriptions, with the group's
 * caller, as a query whose root is the event: these methods are that execution. graphql-js's own
 * `subscribe` is never used, hence the `subscribe` below that refuses.
 */
const servedByHub = () => {
  throw new Error('Subscriptions are served over graphql-ws at /graphql.');
};

/** type-graphql wants a PubSub for schemas with subscriptions; this one is never used. */
export const NO_PUBSUB = { publish: () => undefined, subscribe: servedByHub };

async function visibleUnit(ctx: RequestContext, id: string): Promise<OrgUnit> {
  if (!UUID_RE.test(id)) throw new BadInputError('`unitId` is not a unit id.', 'unitId');
  const unit = await ctx.loaders.units.byId.load(id);
  if (!unit) throw new NotFoundError(`No unit ${id}.`);
  return unit;
}

@Resolver()
export class SubscriptionResolver {
  @Subscription(() => UnitStats, {
    subscribe: servedByHub,
    description:
      'The figures of a unit and its whole subtree for a period, sent when any of them changes (at most one message per SUBSCRIPTION_INTERVAL_MS, default 1 s). Subscribers asking the same selection of the same unit and period share one computation.',
  })
  async statsChanged(
    @Ctx() ctx: RequestContext,
    @Arg('unitId', () => ID) unitId: string,
    @Arg('period', () => PeriodInput, { validate: false }) period: PeriodInput,
  ): Promise<UnitStats> {
    return StatsService.stats(await visibleUnit(ctx, unitId), period, false);
  }

  @Subscription(() => DisclosureItem, {
    subscribe: servedByHub,
    description: 'Each disclosure item that becomes PUBLISHED at the unit (or, with `subtree`, anywhere under it).',
  })
  async itemPublished(
    @Root() root: ItemPublishedRoot,
    @Ctx() ctx: RequestContext,
    @Arg('unitId', () => ID) unitId: string,
    @Arg('subtree', { defaultValue: true }) _subtree: boolean,
  ): Promise<DisclosureItem> {
    await visibleUnit(ctx, unitId);
    const item = root?.itemId ? await DisclosureService.item(ctx, root.itemId) : null;
    if (!item) throw new NotFoundError('No such item.');
    return item;
  }
}
