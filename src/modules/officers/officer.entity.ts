import { Entity, Enum, Index, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLDateTime, GraphQLLocalDate } from 'graphql-scalars';
import { OfficerRole } from './officer.enums';

/**
 * A person a unit designates for its disclosure and online-service work: the leader in charge,
 * the e-government officers (电子政务工作专干, Hunan's 170-person team) and contacts. Phone and
 * email are personal data: stored here, but the GraphQL fields answer them only to callers who
 * may see the personal data of the unit (see `RequestContext.canSeePersonalData`).
 */
@Entity({ tableName: 'officer' })
@Index({ name: 'officer_tenant_unit_idx', properties: ['tenantId', 'unitId'] })
@Index({ name: 'officer_id_idx', properties: ['id'] })
@ObjectType({ description: 'A person designated for a unit’s disclosure and online-service work.' })
export class Officer {
  [PrimaryKeyProp]?: ['tenantId', 'id'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id!: string;

  @Property({ type: 'uuid' })
  unitId!: string;

  @Property({ type: 'string', length: 50 })
  @Field()
  name!: string;

  @Enum({ items: () => OfficerRole })
  @Field(() => OfficerRole)
  role!: OfficerRole;

  /** Personal data: resolved by OfficerResolver.phone, never exposed directly. */
  @Property({ type: 'string', length: 30, nullable: true })
  phone?: string | null;

  /** Personal data: resolved by OfficerResolver.email, never exposed directly. */
  @Property({ type: 'string', length: 200, nullable: true })
  email?: string | null;

  @Property({ type: 'boolean', default: true })
  @Field({ description: 'false once the officer has left the role.' })
  active: boolean = true;

  @Property({ type: 'date', nullable: true })
  @Field(() => GraphQLLocalDate, { nullable: true })
  appointedOn?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  @Field(() => GraphQLDateTime)
  updatedAt: Date = new Date();
}

/**
 * The department of a unit responsible for disclosure and government services (政务公开政务服务
 * 责任部门): at most one per unit. Inspectors name the units without one (seed 003).
 */
@Entity({ tableName: 'unit_responsibility' })
@ObjectType({ description: 'The department a unit made responsible for disclosure and government services.' })
export class UnitResponsibility {
  [PrimaryKeyProp]?: ['tenantId', 'unitId'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  @PrimaryKey({ type: 'uuid' })
  unitId!: string;

  @Property({ type: 'string', length: 200 })
  @Field({ description: 'E.g. 办公室.' })
  responsibleDepartment!: string;

  @Property({ type: 'date' })
  @Field(() => GraphQLLocalDate, { description: 'When the unit designated it.' })
  designatedAt!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  @Field(() => GraphQLDateTime)
  updatedAt: Date = new Date();
}
