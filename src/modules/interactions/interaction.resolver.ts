import { Allow } from '../../auth/allow';
import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import type { RequestContext } from '../../context';
import { Connection, ConnectionResult } from '../../pagination';
import { OrgUnit } from '../units/org-unit.entity';
import { InteractionEvent } from './interaction-event.entity';
import { InteractionKind, InteractionStatus } from './interaction.enums';
import { CreateInteractionArgs, InteractionIngestRow, InteractionsArgs, MAX_INGEST_ROWS } from './interaction.inputs';
import { ingestInteractions } from './interaction.ingest';
import { InteractionService } from './interaction.service';
import { IngestInteractionsResult } from './interaction.types';
import { ReplyRuleView } from './reply-rule.entity';

export const InteractionConnection = Connection(InteractionEvent, 'Interaction');

/** Whether the request may see the personal data of this event (asks the one hook, with the unit's path). */
async function mayReadPersonal(ctx: RequestContext, e: InteractionEvent): Promise<boolean> {
  const unit = await ctx.loaders.units.byId.load(e.unitId);
  return !!unit && ctx.canSeePersonalData(unit.path);
}

@Resolver(() => InteractionEvent)
export class InteractionResolver {
  @Query(() => InteractionEvent, { nullable: true, description: 'One interaction event by id; null if unknown.' })
  interaction(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<InteractionEvent | null> {
    return InteractionService.interaction(ctx, id);
  }

  @Query(() => InteractionConnection, { description: 'Interaction events, newest first (receivedAt desc, id desc), filtered; a Relay connection.' })
  interactions(@Ctx() ctx: RequestContext, @Args() { filter, first, after }: InteractionsArgs): Promise<ConnectionResult<InteractionEvent>> {
    return InteractionService.interactions(ctx, filter, first, after);
  }

  @FieldResolver(() => OrgUnit, { description: 'The unit that received (or held) the event.' })
  async unit(@Root() e: InteractionEvent, @Ctx() ctx: RequestContext): Promise<OrgUnit> {
    return (await ctx.loaders.units.byId.load(e.unitId))!;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Personal data: null unless the caller may see it for this unit.' })
  async requesterName(@Root() e: InteractionEvent, @Ctx() ctx: RequestContext): Promise<string | null> {
    return (await mayReadPersonal(ctx, e)) ? (e.requesterName ?? null) : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Personal data: null unless the caller may see it for this unit.' })
  async requesterContact(@Root() e: InteractionEvent, @Ctx() ctx: RequestContext): Promise<string | null> {
    return (await mayReadPersonal(ctx, e)) ? (e.requesterContact ?? null) : null;
  }

  @FieldResolver(() => Boolean, { nullable: true, description: 'REPLIED before dueAt; null when there is no deadline or the event is not REPLIED.' })
  onTime(@Root() e: InteractionEvent): boolean | null {
    if (!e.dueAt || e.status !== InteractionStatus.REPLIED || !e.repliedAt) return null;
    return e.repliedAt.getTime() < e.dueAt.getTime();
  }

  @FieldResolver(() => Boolean, { description: 'OPEN and now ≥ dueAt, or REPLIED at or after dueAt. Never for HELD, INVALID, DUPLICATE or events without a deadline.' })
  overdue(@Root() e: InteractionEvent): boolean {
    if (!e.dueAt) return false;
    if (e.status === InteractionStatus.OPEN) return Date.now() >= e.dueAt.getTime();
    if (e.status === InteractionStatus.REPLIED) return !!e.repliedAt && e.repliedAt.getTime() >= e.dueAt.getTime();
    return false;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The event this one duplicates (same tenant); null when the reader may not see that event.' })
  async duplicateOfId(@Root() e: InteractionEvent, @Ctx() ctx: RequestContext): Promise<string | null> {
    // The id alone would tell a reader that an event it may not see exists: shown only when it may.
    if (!e.duplicateOfId) return null;
    return (await ctx.loaders.interactions.byId.load(e.duplicateOfId)) ? e.duplicateOfId : null;
  }

  @FieldResolver(() => InteractionEvent, { nullable: true, description: 'The event this one duplicates.' })
  duplicateOf(@Root() e: InteractionEvent, @Ctx() ctx: RequestContext): Promise<InteractionEvent | null> | null {
    return e.duplicateOfId ? ctx.loaders.interactions.byId.load(e.duplicateOfId) : null;
  }

  @Allow('interactions:write')
  @Mutation(() => InteractionEvent, { description: 'Records an event. Its deadline (dueAt) is computed from the tenant’s reply rule and working-day calendar.' })
  createInteraction(@Ctx() ctx: RequestContext, @Args() { input }: CreateInteractionArgs): Promise<InteractionEvent> {
    return InteractionService.create(ctx, input);
  }

  @Allow('interactions:write')
  @Mutation(() => InteractionEvent, { description: 'Replies to an OPEN event (of a kind that expects replies).' })
  replyInteraction(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('repliedAt', () => GraphQLDateTime) repliedAt: Date,
    @Arg('reply') reply: string,
  ): Promise<InteractionEvent> {
    return InteractionService.reply(ctx, id, repliedAt, reply);
  }

  @Allow('interactions:write')
  @Mutation(() => InteractionEvent, { description: 'Marks an OPEN, REPLIED or HELD event invalid (无效), with the reason.' })
  invalidateInteraction(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string, @Arg('reason') reason: string): Promise<InteractionEvent> {
    return InteractionService.invalidate(ctx, id, reason);
  }

  @Allow('interactions:write')
  @Mutation(() => InteractionEvent, { description: 'Marks an OPEN, REPLIED or HELD event a duplicate of another event of the same tenant.' })
  markDuplicateInteraction(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('duplicateOfId', () => ID) duplicateOfId: string,
  ): Promise<InteractionEvent> {
    return InteractionService.markDuplicate(ctx, id, duplicateOfId);
  }

  @Allow('interactions:write')
  @Mutation(() => InteractionEvent, { description: 'Reopens a REPLIED, INVALID or DUPLICATE event: back to OPEN (HELD for held kinds); the reply, reason and duplicate link are cleared.' })
  reopenInteraction(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<InteractionEvent> {
    return InteractionService.reopen(ctx, id);
  }

  @Allow('interactions:write')
  @Mutation(() => ID, { description: 'Deletes an event (refused while other events are marked as its duplicates). Answers its id.' })
  deleteInteraction(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<string> {
    return InteractionService.delete(ctx, id);
  }

  @Allow('interactions:write')
  @Mutation(() => IngestInteractionsResult, {
    description:
      `Bulk, idempotent ingest of up to ${MAX_INGEST_ROWS} events. The bulk contract: every row is checked first; any bad row fails the whole call (BAD_USER_INPUT, reason INVALID_ROWS, every problem in \`extensions.rowErrors\`) and nothing is written. A row whose unit already has its externalId is skipped (\`duplicates\`).`,
  })
  ingestInteractions(
    @Ctx() ctx: RequestContext,
    @Arg('tenant', () => String, { nullable: true, description: 'Province code; optional: the credential fixes the tenant (when given it must match).' }) tenant: string | null | undefined,
    @Arg('idempotencyKey') idempotencyKey: string,
    @Arg('rows', () => [InteractionIngestRow], { validate: false }) rows: InteractionIngestRow[],
  ): Promise<IngestInteractionsResult> {
    return ingestInteractions(ctx, tenant, idempotencyKey, rows);
  }
}

@Resolver(() => ReplyRuleView)
export class ReplyRuleResolver {
  @Query(() => [ReplyRuleView], { description: 'The reply deadline of every interaction kind in a tenant (its rules, else the defaults).' })
  replyRules(@Ctx() ctx: RequestContext, @Arg('tenant') tenant: string): Promise<ReplyRuleView[]> {
    return InteractionService.replyRules(ctx, tenant);
  }

  @Allow('tenant:settings')
  @Mutation(() => ReplyRuleView, { description: 'Sets a tenant’s reply deadline for a kind, in working days (null: no deadline). Applies to events created afterwards.' })
  setReplyRule(
    @Ctx() ctx: RequestContext,
    @Arg('tenant') tenant: string,
    @Arg('kind', () => InteractionKind) kind: InteractionKind,
    @Arg('workingDays', () => Int, { nullable: true }) workingDays: number | null,
  ): Promise<ReplyRuleView> {
    return InteractionService.setReplyRule(ctx, tenant, kind, workingDays ?? null);
  }
}
