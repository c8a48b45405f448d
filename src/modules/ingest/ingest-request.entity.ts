import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

/**
 * The record of one bulk ingest under an idempotency key: the hash of its payload and the result
 * it answered. A retry with the same key and payload gets the same result and writes nothing; the
 * same key with another payload is refused.
 */
@Entity({ tableName: 'ingest_request' })
export class IngestRequest {
  [PrimaryKeyProp]?: ['tenantId', 'unitId', 'operation', 'key'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  /** The unit of the credential that used the key: keys are namespaced by it, not shared by the tenant. */
  @PrimaryKey({ type: 'uuid' })
  unitId!: string;

  @PrimaryKey({ type: 'string', length: 40 })
  operation!: string;

  @PrimaryKey({ type: 'string', length: 200 })
  key!: string;

  @Property({ type: 'string', length: 64 })
  payloadHash!: string;

  @Property({ type: 'json', nullable: true })
  result?: unknown;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
