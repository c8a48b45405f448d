import { Entity, Enum, Index, PrimaryKey, PrimaryKeyProp, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { DisclosureChannel, DisclosureStatus } from './disclosure.enums';

/**
 * A proactively disclosed item (主动公开信息) of one unit. Channels are a text[] column: an item
 * has 1–5 of them, they are always read with the item, and the rollup counts by channel with
 * `unnest(channels)` in the same scan (a GIN index serves `channels @> array[...]` filters).
 */
@Entity({ tableName: 'disclosure_item' })
@Unique({ name: 'disclosure_item_tenant_unit_external_key', properties: ['tenantId', 'unitId', 'externalId'] })
@Index({ name: 'disclosure_item_tenant_unit_published_idx', properties: ['tenantId', 'unitId', 'publishedAt'] })
@Index({ name: 'disclosure_item_id_idx', properties: ['id'] })
@Index({
  name: 'disclosure_item_tenant_published_idx',
  expression: 'create index "disclosure_item_tenant_published_idx" on "disclosure_item" ("tenant_id", "published_at" desc nulls last, "id" desc)',
})
@Index({
  name: 'disclosure_item_tenant_created_idx',
  expression: 'create index "disclosure_item_tenant_created_idx" on "disclosure_item" ("tenant_id", "created_at" desc, "id" desc)',
})
@Index({
  name: 'disclosure_item_tenant_external_idx',
  expression: 'create index "disclosure_item_tenant_external_idx" on "disclosure_item" ("tenant_id", "external_id") where external_id is not null',
})
@Index({
  name: 'disclosure_item_channels_idx',
  expression: 'create index "disclosure_item_channels_idx" on "disclosure_item" using gin ("channels")',
})
@ObjectType({ description: 'A proactively disclosed item (主动公开信息): a document, notice, budget, news …' })
export class DisclosureItem {
  [PrimaryKeyProp]?: ['tenantId', 'id'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id!: string;

  @Property({ type: 'uuid' })
  unitId!: string;

  @Property({ type: 'string', length: 500 })
  @Field()
  title!: string;

  @Property({ type: 'string', length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'Document number, e.g. 湘教通〔2020〕51号.' })
  documentNumber?: string | null;

  @Property({ type: 'string', length: 40 })
  @Field()
  categoryCode!: string;

  @Property({ type: 'text[]' })
  @Field(() => [DisclosureChannel])
  channels!: DisclosureChannel[];

  @Property({ type: 'string', length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'Special column, e.g. 高校信息公开专栏.' })
  specialColumn?: string | null;

  @Property({ type: 'string', length: 1000, nullable: true })
  @Field(() => String, { nullable: true })
  url?: string | null;

  @Enum({ items: () => DisclosureStatus })
  @Field(() => DisclosureStatus)
  status!: DisclosureStatus;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => GraphQLDateTime, { nullable: true, description: 'When it was published (kept after a withdrawal).' })
  publishedAt?: Date | null;

  @Property({ type: 'string', length: 100, nullable: true })
  @Field(() => String, { nullable: true, description: 'Integrator’s id, unique per unit.' })
  externalId?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => GraphQLDateTime)
  createdAt: Date = new Date();

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => GraphQLDateTime)
  updatedAt: Date = new Date();
}
