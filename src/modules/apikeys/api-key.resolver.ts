import { randomUUID } from 'node:crypto';
import { Arg, Ctx, FieldResolver, Field, ID, InputType, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, MaxLength, Matches } from 'class-validator';
import type { RequestContext } from '../../context';
import { Allow } from '../../auth/allow';
import { NotFoundError } from '../../errors';
import { newApiKey } from '../../auth/tokens';
import { OrgUnit } from '../units/org-unit.entity';
import { requireOwnerUnit } from '../units/unit-owner';
import { requireId } from '../../ids';
import { ApiKey, ApiKeyScope, CreatedApiKey } from './api-key.entity';

@InputType({ description: 'A new API key for an integrator.' })
export class CreateApiKeyInput {
  @Field(() => ID, { description: 'The unit whose subtree the key may touch: the caller’s unit or one below it.' })
  unitId!: string;

  @Field({ description: '1 to 100 characters: what the key is for.' })
  @MaxLength(100, { message: 'name must be at most 100 characters' })
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @Field(() => [ApiKeyScope], { description: 'At least one scope.' })
  @ArrayMinSize(1, { message: 'scopes must list at least one scope' })
  @ArrayMaxSize(10)
  scopes!: ApiKeyScope[];
}

/** API keys: created, listed and revoked by ADMINs, inside their own subtree (the scope sees to it). */
@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Allow('keys:manage')
  @Query(() => [ApiKey], { description: 'The API keys of units in the caller’s subtree, newest first (ADMIN).' })
  async apiKeys(@Ctx() ctx: RequestContext, @Arg('includeRevoked', { defaultValue: false }) includeRevoked: boolean): Promise<ApiKey[]> {
    return ctx.apiKeys.list(includeRevoked);
  }

  @Allow('keys:manage')
  @Mutation(() => CreatedApiKey, { description: 'Creates an API key (ADMIN). The key is answered this once; only its hash is stored.' })
  async createApiKey(@Ctx() ctx: RequestContext, @Arg('input') input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const unit = await requireOwnerUnit(ctx, input.unitId, 'input.unitId');
    const { key, prefix, hash } = newApiKey();
    const apiKey = await ctx.apiKeys.insert({
      tenantId: unit.tenantId,
      id: randomUUID(),
      unitId: unit.id,
      name: input.name.trim(),
      prefix,
      hash,
      scopes: [...new Set(input.scopes)],
      createdBy: ctx.actor,
    });
    ctx.logger.info({ actor: ctx.actor, apiKey: prefix, unit: unit.code, scopes: apiKey.scopes }, 'API key created');
    return Object.assign(new CreatedApiKey(), { key, apiKey });
  }

  @Allow('keys:manage')
  @Mutation(() => ApiKey, { description: 'Revokes an API key (ADMIN): requests with it are UNAUTHENTICATED from now on. Unknown id: NOT_FOUND.' })
  async revokeApiKey(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<ApiKey> {
    const revoked = await ctx.apiKeys.revoke(requireId(id, 'id'));
    if (!revoked) throw new NotFoundError(`No API key with id ${id}.`);
    ctx.logger.info({ actor: ctx.actor, apiKey: revoked.prefix }, 'API key revoked');
    return revoked;
  }

  @FieldResolver(() => [ApiKeyScope])
  scopes(@Root() k: ApiKey): ApiKeyScope[] {
    return k.scopes as ApiKeyScope[];
  }

  @FieldResolver(() => OrgUnit, { nullable: true, description: 'The unit whose subtree the key may touch.' })
  unit(@Root() k: ApiKey, @Ctx() ctx: RequestContext): Promise<OrgUnit | null> {
    return ctx.loaders.units.byId.load(k.unitId);
  }
}
