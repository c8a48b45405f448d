import { Entity, Index, PrimaryKey, PrimaryKeyProp, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';

/** Scopes an API key can be given (GraphQL names; stored as 'read', 'ingest:interactions' …). */
export enum ApiKeyScope {
  READ = 'read',
  INGEST_INTERACTIONS = 'ingest:interactions',
  INGEST_DISCLOSURES = 'ingest:disclosures',
  MANAGE_CENTRES = 'manage:centres',
}
registerEnumType(ApiKeyScope, {
  name: 'ApiKeyScope',
  description: 'What an API key may do inside its unit’s subtree.',
  valuesConfig: {
    READ: { description: 'Read the private rows (events, applications, unpublished items) and personal data of the subtree.' },
    INGEST_INTERACTIONS: { description: 'Create and change interaction events; bulk ingest of events.' },
    INGEST_DISCLOSURES: { description: 'Create and change draft items; bulk ingest of items.' },
    MANAGE_CENTRES: { description: 'Create and change centres; report reachability checks.' },
  },
});

/**
 * An integrator's API key, scoped to a unit's subtree. Only the SHA-256 of the key is stored; the
 * key itself is answered once, by createApiKey. `prefix` (public) finds the row.
 */
@Entity({ tableName: 'api_key' })
@Unique({ name: 'api_key_tenant_prefix_key', properties: ['tenantId', 'prefix'] })
@Index({ name: 'api_key_prefix_idx', properties: ['prefix'] })
@ObjectType({ description: 'An integrator’s API key (the secret itself is never shown again after creation).' })
export class ApiKey {
  [PrimaryKeyProp]?: ['tenantId', 'id'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id!: string;

  /** The unit whose subtree the key may touch. */
  @Property({ type: 'uuid' })
  unitId!: string;

  @Property({ type: 'string', length: 100 })
  @Field({ description: 'What the key is for, e.g. the integrator’s system.' })
  name!: string;

  @Property({ type: 'string', length: 16 })
  @Field({ description: 'The public start of the key (edk_<prefix>_…), to recognise it in logs.' })
  prefix!: string;

  @Property({ type: 'string', length: 64 })
  hash!: string;

  @Property({ type: 'text[]' })
  scopes!: string[];

  @Property({ type: 'string', length: 200 })
  @Field({ description: 'Who created it (user:<sub>@<unit code>).' })
  createdBy!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => GraphQLDateTime)
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  @Field(() => GraphQLDateTime, { nullable: true })
  revokedAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => GraphQLDateTime, { nullable: true, description: 'Last request made with the key (recorded at most once a minute).' })
  lastUsedAt?: Date | null;
}

@ObjectType({ description: 'A new key: `key` is shown this once; store it, it cannot be read again.' })
export class CreatedApiKey {
  @Field({ description: 'Send it as the X-Api-Key header.' })
  key!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}
