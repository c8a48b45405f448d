import { Entity, Enum, Index, PrimaryKey, PrimaryKeyProp, Property, Unique } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLDateTime, GraphQLLocalDate } from 'graphql-scalars';
import { CentreKind, CentreStatus } from './centre.enums';

/**
 * A sunshine service centre, station or point (教育阳光服务中心/站/点), owned by one unit. It
 * carries the latest reachability check of its online-hall entrance (`check_*`), as integrators
 * report it; every check is also kept in `centre_check`. The latest fields only move forward: a
 * check older than the stored one goes to the history and leaves them alone.
 *
 * Interaction events of kind SERVICE_REQUEST reference a centre by (tenant_id, centre_id).
 */
@Entity({ tableName: 'centre' })
@Unique({ name: 'centre_tenant_unit_name_key', properties: ['tenantId', 'unitId', 'name'] })
@Index({ name: 'centre_id_idx', properties: ['id'] })
@ObjectType({ description: 'A sunshine service centre, station or point (教育阳光服务中心/站/点) of a unit.' })
export class Centre {
  [PrimaryKeyProp]?: ['tenantId', 'id'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id!: string;

  /** The owning unit (same tenant; checked by a trigger). */
  @Property({ type: 'uuid' })
  unitId!: string;

  @Enum({ items: () => CentreKind })
  @Field(() => CentreKind)
  kind!: CentreKind;

  @Property({ type: 'string', length: 200 })
  @Field({ description: 'Unique among the centres of its unit.' })
  name!: string;

  @Property({ type: 'date', nullable: true })
  @Field(() => GraphQLLocalDate, { nullable: true })
  openedOn?: string | null;

  @Enum({ items: () => CentreStatus, default: CentreStatus.ACTIVE })
  @Field(() => CentreStatus)
  status: CentreStatus = CentreStatus.ACTIVE;

  @Property({ type: 'string', length: 500, nullable: true })
  @Field(() => String, { nullable: true, description: 'Entrance of the online service hall (网上阳光服务大厅), http or https.' })
  onlineHallUrl?: string | null;

  /** Latest reachability check (the newest `checked_at` reported so far); null until one is. */
  @Property({ type: 'datetime', nullable: true })
  checkCheckedAt?: Date | null;

  @Property({ type: 'boolean', nullable: true })
  checkOk?: boolean | null;

  @Property({ type: 'smallint', nullable: true })
  checkHttpStatus?: number | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  @Field(() => GraphQLDateTime)
  createdAt: Date = new Date();

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  @Field(() => GraphQLDateTime)
  updatedAt: Date = new Date();
}

/**
 * One reachability check of a centre's online-hall entrance, as an integrator reported it. One
 * row per (centre, checked_at): a retried report of the same instant is recorded once.
 */
@Entity({ tableName: 'centre_check' })
@Unique({ name: 'centre_check_tenant_centre_checked_key', properties: ['tenantId', 'centreId', 'checkedAt'] })
@ObjectType({ description: 'A reachability check of a centre’s online-hall entrance.' })
export class CentreCheck {
  [PrimaryKeyProp]?: ['tenantId', 'id'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  centreId!: string;

  @Property({ type: 'datetime' })
  @Field(() => GraphQLDateTime, { description: 'When the entrance was checked.' })
  checkedAt!: Date;

  @Property({ type: 'boolean' })
  @Field({ description: 'Whether the entrance answered as expected.' })
  ok!: boolean;

  @Property({ type: 'smallint', nullable: true })
  @Field(() => Int, { nullable: true, description: 'HTTP status answered, if any (none when the connection failed).' })
  httpStatus?: number | null;

  @Property({ type: 'string', length: 500, nullable: true })
  @Field(() => String, { nullable: true, description: 'Free text of the reporter. Kept in the history only: null on `Centre.lastCheck`.' })
  note?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  recordedAt: Date = new Date();
}
